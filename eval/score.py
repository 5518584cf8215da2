#!/usr/bin/env python3
"""Score a redactor against the labelled corpus (see eval/README.md for the rules).

    python3 eval/score.py                                  # .build/release/caviar redact
    python3 eval/score.py --caviar .build/debug/caviar -- --config my.yaml
    python3 eval/score.py --command 'cat'                  # any stdin->stdout filter
    python3 eval/score.py --check                          # exit 1 when a target is missed

Every document is piped through `<caviar> redact [extra args]` (or --command), 2 at a time.
A planted value LEAKS when (a) its exact text occurs in the output as a whole token sequence,
(b) 4 or more consecutive letters/digits of it (all of them when it has fewer) are still in
place, or (c) for PERSON/USERNAME, any whole name part of 2+ letters is still in place.
"In place" comes from a token alignment of input and output (difflib, refined per character
inside changed regions). A decoy SURVIVES when every character of it is in place.
Recall = share of planted values that do not leak.
"""

import argparse
import concurrent.futures
import difflib
import glob
import json
import os
import re
import shlex
import subprocess
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

ID_ENTITIES = {"NATIONAL_ID", "TAX_ID", "VAT_ID", "SOCIAL_SECURITY", "HEALTH_INSURANCE"}
INSTITUTIONAL = {"INTERNAL_REFERENCE", "ROOM", "PHONE_EXTENSION", "INTERNAL_HOST", "STAFF_NUMBER"}
NAME_LIKE = {"PERSON", "USERNAME"}

# (group name, predicate on a label, target share, kind) kind: "recall" or "survival"
TARGETS = [
    ("checksummed IDs", lambda l: l["role"] == "planted" and l["entity"] in ID_ENTITIES and l.get("checksum"), 0.998, "recall"),
    ("IBAN", lambda l: l["role"] == "planted" and l["entity"] == "IBAN", 0.998, "recall"),
    ("PAYMENT_CARD", lambda l: l["role"] == "planted" and l["entity"] == "PAYMENT_CARD", 0.998, "recall"),
    ("PHONE", lambda l: l["role"] == "planted" and l["entity"] == "PHONE", 0.99, "recall"),
    ("ADDRESS", lambda l: l["role"] == "planted" and l["entity"] == "ADDRESS", 0.97, "recall"),
    ("DATE_OF_BIRTH", lambda l: l["role"] == "planted" and l["entity"] == "DATE_OF_BIRTH", 0.97, "recall"),
    ("PERSON", lambda l: l["role"] == "planted" and l["entity"] == "PERSON", 0.97, "recall"),
    ("INSTITUTIONAL", lambda l: l["role"] == "planted" and l["entity"] in INSTITUTIONAL, 0.99, "recall"),
    ("SECRET", lambda l: l["role"] == "planted" and l["entity"] == "SECRET", 0.99, "recall"),
    ("USERNAME", lambda l: l["role"] == "planted" and l["entity"] == "USERNAME", 0.99, "recall"),
    ("PUBLIC_REFERENCE kept", lambda l: l["role"] == "decoy" and l["entity"] == "PUBLIC_REFERENCE", 0.99, "survival"),
    ("decoys kept", lambda l: l["role"] == "decoy" and l["entity"] != "PUBLIC_REFERENCE", 0.97, "survival"),
]
WORD_TARGET = 0.97

TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
WORD = re.compile(r"\w+", re.UNICODE)


def load_corpus(paths):
    docs = []
    for p in paths:
        files = sorted(glob.glob(os.path.join(p, "*.jsonl"))) if os.path.isdir(p) else [p]
        for f in files:
            with open(f, encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        docs.append(json.loads(line))
    return docs


def byte_to_char(text):
    """Map each UTF-8 byte offset (at a character boundary) to a character offset."""
    m = {}
    b = 0
    for i, ch in enumerate(text):
        m[b] = i
        b += len(ch.encode("utf-8"))
    m[b] = len(text)
    return m


def tokens(s):
    return [(m.start(), m.end()) for m in TOKEN.finditer(s)]


def align(inp, out):
    """Return (kept, opcodes): kept[i] is True when input char i is in place in the output."""
    ti, to = tokens(inp), tokens(out)
    a = [inp[s:e] for s, e in ti]
    b = [out[s:e] for s, e in to]
    kept = [False] * len(inp)
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    spans = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        cs = ti[i1][0] if i1 < len(ti) else len(inp)
        ce = ti[i2 - 1][1] if i2 > i1 else cs
        os_ = to[j1][0] if j1 < len(to) else len(out)
        oe = to[j2 - 1][1] if j2 > j1 else os_
        spans.append((tag, cs, ce, os_, oe))
        if tag == "equal":
            for k in range(cs, ce):
                kept[k] = True
        elif tag == "replace" and ce - cs <= 4000 and oe - os_ <= 4000:
            sub = difflib.SequenceMatcher(None, inp[cs:ce], out[os_:oe], autojunk=False)
            for blk in sub.get_matching_blocks():
                if blk.size >= 2:
                    for k in range(cs + blk.a, cs + blk.a + blk.size):
                        kept[k] = True
    return kept, spans


def output_region(spans, cs, ce):
    """Output text range that corresponds to input range [cs, ce) (for examples)."""
    lo, hi = None, None
    for tag, a1, a2, b1, b2 in spans:
        if a2 <= cs and a2 != a1 or a1 >= ce:
            continue
        if tag == "equal":
            s = b1 + max(0, cs - a1)
            e = b1 + min(a2, ce) - a1
        else:
            s, e = b1, b2
        lo = s if lo is None else min(lo, s)
        hi = e if hi is None else max(hi, e)
    return (lo or 0), (hi or 0)


def exact_in(value, out):
    """Whole-token occurrence of value in out (alnum boundaries on both sides)."""
    start = 0
    while True:
        k = out.find(value, start)
        if k < 0:
            return False
        before = out[k - 1] if k > 0 else " "
        after = out[k + len(value)] if k + len(value) < len(out) else " "
        if not (value[:1].isalnum() and before.isalnum()) and not (value[-1:].isalnum() and after.isalnum()):
            return True
        start = k + 1


def judge_planted(lab, inp, out, kept, cs, ce):
    value = inp[cs:ce]
    if exact_in(value, out):
        return "exact"
    alnum = [k for k in range(cs, ce) if inp[k].isalnum()]
    if not alnum:
        return None
    run = best = 0
    for k in alnum:
        run = run + 1 if kept[k] else 0
        best = max(best, run)
    if best >= min(4, len(alnum)):
        return "exact" if all(kept[cs:ce]) else "partial"
    if lab["entity"] in NAME_LIKE:
        for m in WORD.finditer(value):
            if len(m.group()) >= 2 and all(kept[cs + m.start():cs + m.end()]):
                return "partial"
    return None


def run_one(cmd, doc, timeout):
    env = dict(os.environ, CAVIAR_EVAL_ID=doc["id"])
    try:
        r = subprocess.run(cmd, input=doc["text"].encode("utf-8"), capture_output=True, timeout=timeout, env=env)
        return r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired:
        return -1, b"", b"timeout"


def pct(num, den):
    return (100.0 * num / den) if den else float("nan")


def score(docs, results, examples):
    ent = defaultdict(lambda: [0, 0, 0])      # entity -> [total, leaked exact, leaked partial]
    lang = defaultdict(lambda: [0, 0])        # lang -> [planted total, leaked]
    decoy = defaultdict(lambda: [0, 0])       # decoy entity -> [total, survived]
    words = [0, 0]
    groups = {name: [0, 0] for name, _, _, _ in TARGETS}   # [total, good]
    partial_ex, exact_ex, decoy_ex = defaultdict(list), defaultdict(list), defaultdict(list)
    lang_ent_miss = defaultdict(lambda: [0, 0])
    blocks = {"expected": 0, "blocked": 0, "false_blocks": 0, "leaked_on_block": 0, "errors": 0}
    error_ids, false_block_ids, missed_block_ids = [], [], []
    for doc, (rc, stdout, stderr) in zip(docs, results):
        if doc["expect"] == "block":
            blocks["expected"] += 1
            if rc == 3 and not stdout:
                blocks["blocked"] += 1
            else:
                missed_block_ids.append(doc["id"])
                if stdout:
                    blocks["leaked_on_block"] += 1
            continue
        if rc == 3:
            blocks["false_blocks"] += 1
            false_block_ids.append(doc["id"])
            continue
        if rc != 0:
            blocks["errors"] += 1
            error_ids.append((doc["id"], rc, stderr.decode("utf-8", "replace")[-200:]))
            continue
        inp = doc["text"]
        out = stdout.decode("utf-8", "replace")
        kept, spans = align(inp, out)
        b2c = byte_to_char(inp)
        covered = [False] * len(inp)
        for lab in doc["labels"]:
            cs, ce = b2c[lab["start"]], b2c[lab["end"]]
            for k in range(cs, ce):
                covered[k] = True
            lg = lab.get("lang", doc["lang"])
            verdict = survived = None
            if lab["role"] == "planted":
                verdict = judge_planted(lab, inp, out, kept, cs, ce)
                e = ent[lab["entity"]]
                e[0] += 1
                lang[lg][0] += 1
                lang_ent_miss[(lab["entity"], lg)][0] += 1
                if verdict:
                    e[1 if verdict == "exact" else 2] += 1
                    lang[lg][1] += 1
                    lang_ent_miss[(lab["entity"], lg)][1] += 1
                    os_, oe = output_region(spans, cs, ce)
                    ex = {"id": doc["id"], "lang": lg, "value": inp[cs:ce], "output": out[os_:oe],
                          "sub": lab.get("sub"), "cue": lab.get("cue"), "country": lab.get("country")}
                    target = exact_ex if verdict == "exact" else partial_ex
                    if len(target[lab["entity"]]) < examples:
                        target[lab["entity"]].append(ex)
            else:
                survived = all(kept[cs:ce])
                d = decoy[lab["entity"]]
                d[0] += 1
                d[1] += survived
                if not survived and len(decoy_ex[lab["entity"]]) < examples:
                    os_, oe = output_region(spans, cs, ce)
                    decoy_ex[lab["entity"]].append({"id": doc["id"], "value": inp[cs:ce], "output": out[os_:oe],
                                                    "sub": lab.get("sub")})
            for name, pred, _, kind in TARGETS:
                if pred(lab):
                    groups[name][0] += 1
                    if kind == "recall":
                        groups[name][1] += 0 if (lab["role"] == "planted" and verdict) else 1
                    else:
                        groups[name][1] += 1 if survived else 0
        for m in WORD.finditer(inp):
            if any(covered[m.start():m.end()]):
                continue
            words[0] += 1
            words[1] += all(kept[m.start():m.end()])
    return {
        "entities": {k: {"planted": v[0], "leaked_exact": v[1], "leaked_partial": v[2],
                         "recall": pct(v[0] - v[1] - v[2], v[0])} for k, v in sorted(ent.items())},
        "languages": {k: {"planted": v[0], "leaked": v[1], "recall": pct(v[0] - v[1], v[0])} for k, v in sorted(lang.items())},
        "decoys": {k: {"total": v[0], "survived": v[1], "survival": pct(v[1], v[0])} for k, v in sorted(decoy.items())},
        "words": {"total": words[0], "survived": words[1], "survival": pct(words[1], words[0])},
        "targets": {name: {"total": groups[name][0], "good": groups[name][1], "share": pct(groups[name][1], groups[name][0]),
                           "target": 100 * t, "met": groups[name][0] == 0 or groups[name][1] >= t * groups[name][0]}
                    for name, _, t, _ in TARGETS},
        "blocks": blocks,
        # worst cells among entities that are detected at least sometimes (undetected ones are listed apart)
        "worst": sorted(({"entity": e, "lang": lg, "planted": v[0], "leaked": v[1], "recall": pct(v[0] - v[1], v[0])}
                         for (e, lg), v in lang_ent_miss.items() if v[1] and ent[e][1] + ent[e][2] < ent[e][0]),
                        key=lambda x: (x["recall"], -x["leaked"]))[:20],
        "undetected": sorted(e for e, v in ent.items() if v[0] and v[1] + v[2] == v[0]),
        "examples": {"partial": dict(partial_ex), "exact": dict(exact_ex), "decoys_redacted": dict(decoy_ex)},
        "errors": error_ids[:20], "false_blocks": false_block_ids[:50], "missed_blocks": missed_block_ids[:50],
    }


def markdown(rep, docs_count):
    L = []
    f = lambda x: "n/a" if x != x else f"{x:.2f}"  # noqa: E731 (NaN check)
    L.append(f"Documents: {docs_count}\n")
    L.append("| target | total | good | share % | target % | met |")
    L.append("|---|---:|---:|---:|---:|:---:|")
    for name, t in rep["targets"].items():
        L.append(f"| {name} | {t['total']} | {t['good']} | {f(t['share'])} | {t['target']:.1f} | {'yes' if t['met'] else 'NO'} |")
    w = rep["words"]
    L.append(f"| ordinary words kept | {w['total']} | {w['survived']} | {f(w['survival'])} | {100 * WORD_TARGET:.1f} | "
             f"{'yes' if w['total'] == 0 or w['survived'] >= WORD_TARGET * w['total'] else 'NO'} |")
    b = rep["blocks"]
    L.append(f"| classified docs blocked | {b['expected']} | {b['blocked']} | {f(pct(b['blocked'], b['expected']))} | 100.0 | "
             f"{'yes' if b['blocked'] == b['expected'] else 'NO'} |")
    L.append(f"\nFalse blocks (exit 3 on a document without marking): {b['false_blocks']}; runtime errors: {b['errors']}\n")
    L.append("| entity | planted | leaked exact | leaked partial | recall % |")
    L.append("|---|---:|---:|---:|---:|")
    for k, v in rep["entities"].items():
        L.append(f"| {k} | {v['planted']} | {v['leaked_exact']} | {v['leaked_partial']} | {f(v['recall'])} |")
    L.append("\n| language | planted | leaked | recall % |")
    L.append("|---|---:|---:|---:|")
    for k, v in rep["languages"].items():
        L.append(f"| {k} | {v['planted']} | {v['leaked']} | {f(v['recall'])} |")
    L.append("\n| decoy | total | survived | survival % |")
    L.append("|---|---:|---:|---:|")
    for k, v in rep["decoys"].items():
        L.append(f"| {k} | {v['total']} | {v['survived']} | {f(v['survival'])} |")
    if rep["undetected"]:
        L.append("\nNever redacted: " + ", ".join(rep["undetected"]))
    if rep["worst"]:
        L.append("\nWorst entity × language cells (entities redacted at least once):\n")
        L.append("| entity | lang | planted | leaked | recall % |")
        L.append("|---|---|---:|---:|---:|")
        for x in rep["worst"]:
            L.append(f"| {x['entity']} | {x['lang']} | {x['planted']} | {x['leaked']} | {f(x['recall'])} |")
    return "\n".join(L)


def targets_met(rep):
    ok = all(t["met"] for t in rep["targets"].values())
    w = rep["words"]
    ok &= w["total"] == 0 or w["survived"] >= WORD_TARGET * w["total"]
    b = rep["blocks"]
    ok &= b["blocked"] == b["expected"] and b["false_blocks"] == 0 and b["errors"] == 0
    return ok


def main(argv=None):
    ap = argparse.ArgumentParser(description="score a redactor on the labelled caviar corpus")
    ap.add_argument("--caviar", default=os.path.join(ROOT, ".build", "release", "caviar"), help="caviar binary")
    ap.add_argument("--command", help="run this shell-split command instead of `<caviar> redact`")
    ap.add_argument("--corpus", nargs="+", default=[os.path.join(HERE, "corpus")], help="corpus dirs or .jsonl files")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="score only the first N documents (0 = all)")
    ap.add_argument("--filter", default="", help="regex on document ids (e.g. '^ticket-|^email-fr')")
    ap.add_argument("--sample", type=int, default=1, help="score every Nth document (1 = all)")
    ap.add_argument("--examples", type=int, default=10, help="example misses kept per entity")
    ap.add_argument("--report", default=os.path.join(HERE, "out", "report.json"))
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    ap.add_argument("extra", nargs="*", help="extra arguments for `caviar redact` (after --)")
    args = ap.parse_args(argv)

    docs = load_corpus(args.corpus)
    if args.filter:
        docs = [d for d in docs if re.search(args.filter, d["id"])]
    if args.sample > 1:
        docs = docs[::args.sample]
    if args.limit:
        docs = docs[:args.limit]
    if not docs:
        sys.exit("score.py: no documents (check --corpus / --filter)")
    if args.command:
        cmd = shlex.split(args.command) + args.extra
    else:
        if not os.access(args.caviar, os.X_OK):
            sys.exit(f"score.py: no executable caviar at {args.caviar}; build it "
                     "(swift build -c release --product caviar) or pass --caviar PATH / --command CMD")
        cmd = [args.caviar, "redact"] + args.extra
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda d: run_one(cmd, d, args.timeout), docs))
    rep = score(docs, results, args.examples)
    rep["command"] = cmd
    rep["documents"] = len(docs)
    os.makedirs(os.path.dirname(os.path.abspath(args.report)), exist_ok=True)
    with open(args.report, "w", encoding="utf-8") as fh:
        json.dump(rep, fh, ensure_ascii=False, indent=1)
    print(markdown(rep, len(docs)))
    print(f"\nreport: {args.report}")
    if args.check and not targets_met(rep):
        print("score.py: targets missed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
