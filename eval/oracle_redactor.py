#!/usr/bin/env python3
"""Test double for eval/test_score.py: a "perfect" redactor that knows the labels.

    oracle_redactor.py CORPUS_DIR [--mode perfect|keep-last4|digits-x]

Reads the document on stdin, finds its labels in CORPUS_DIR by $CAVIAR_EVAL_ID (set by
score.py) and writes the text with every planted span replaced by [ENTITY]; exits 3 with no
output for expect=block documents. Other modes exist to test the survival rules:
keep-last4 leaves the last 4 characters of each planted value (a partial mask), digits-x
replaces every digit of the whole text with X (destroys numeric decoys).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from score import load_corpus  # noqa: E402


def main():
    corpus, mode = sys.argv[1], (sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--mode" else "perfect")
    data = sys.stdin.buffer.read()
    if mode == "digits-x":
        sys.stdout.buffer.write(bytes(b if not 48 <= b <= 57 else ord("X") for b in data))
        return 0
    doc = {d["id"]: d for d in load_corpus([corpus])}[os.environ["CAVIAR_EVAL_ID"]]
    assert doc["text"].encode("utf-8") == data, "stdin differs from the corpus text"
    if doc["expect"] == "block":
        return 3
    out, pos = [], 0
    for lab in doc["labels"]:
        if lab["role"] != "planted" or lab["start"] < pos:
            continue
        out.append(data[pos:lab["start"]])
        tail = data[lab["start"]:lab["end"]].decode("utf-8")[-4:].encode("utf-8") if mode == "keep-last4" else b""
        out.append(f"[{lab['entity']}]".encode() + tail)
        pos = lab["end"]
    out.append(data[pos:])
    sys.stdout.buffer.write(b"".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
