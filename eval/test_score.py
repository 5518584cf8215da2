#!/usr/bin/env python3
"""Self-tests of the evaluation: generator determinism, label sanity, and the scorer's rules.

    python3 -m unittest eval/test_score.py -v           # or: python3 eval/test_score.py

The scorer is run against `cat` (nothing redacted: recall 0), against oracle_redactor.py
(labelled spans replaced: recall 100 %), against a partial masker (keeps the last 4 characters:
must count as leaks) and against a digit scrambler (destroys numeric decoys). The full committed
corpus is regenerated and compared byte for byte (set EVAL_SKIP_FULL=1 to skip that slow test).
"""

import filecmp
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import score  # noqa: E402

PY = sys.executable


def generate(out, per_lang=6, markings=2):
    subprocess.run([PY, os.path.join(HERE, "generate.py"), "--out", out, "--per-lang", str(per_lang),
                    "--markings-per-lang", str(markings)], check=True, capture_output=True)


class Fixture(unittest.TestCase):
    tmp = None

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="caviar-eval-")
        cls.corpus = os.path.join(cls.tmp, "corpus")
        generate(cls.corpus)
        cls.docs = score.load_corpus([cls.corpus])

    def run_score(self, command, name):
        report = os.path.join(self.tmp, f"{name}.json")
        rc = score.main(["--corpus", self.corpus, "--command", command, "--report", report, "--check"])
        with open(report, encoding="utf-8") as fh:
            return rc, json.load(fh)


class GeneratorTests(Fixture):
    def test_same_seed_same_bytes(self):
        other = os.path.join(self.tmp, "again")
        generate(other)
        names = sorted(os.listdir(self.corpus))
        self.assertEqual(names, sorted(os.listdir(other)))
        match, mismatch, errors = filecmp.cmpfiles(self.corpus, other, names, shallow=False)
        self.assertEqual(mismatch + errors, [])

    def test_labels_cut_the_text_at_their_values(self):
        kinds, langs, entities = set(), set(), set()
        for d in self.docs:
            raw = d["text"].encode("utf-8")
            kinds.add(d["kind"])
            langs.add(d["lang"])
            self.assertIn(d["expect"], ("redact", "block"))
            last_end = 0
            for lab in d["labels"]:
                value = raw[lab["start"]:lab["end"]].decode("utf-8")  # raises if not at a char boundary
                self.assertTrue(value.strip(), lab)
                self.assertEqual(value, value.strip(), f"{d['id']}: label with outer blanks {lab}")
                self.assertIn(lab["role"], ("planted", "decoy"))
                self.assertGreaterEqual(lab["start"], last_end, f"{d['id']}: overlapping labels")
                last_end = lab["end"]
                entities.add(lab["entity"])
        self.assertEqual(kinds, {"email", "minutes", "hr", "ticket", "expense", "chat", "marking"})
        self.assertGreaterEqual(len(langs), 12)
        for e in ("PERSON", "EMAIL", "PHONE", "IBAN", "PAYMENT_CARD", "ADDRESS", "DATE_OF_BIRTH", "SECRET",
                  "USERNAME", "ROOM", "PHONE_EXTENSION", "PUBLIC_REFERENCE", "NEAR_MISS_ID", "COMMON_WORD",
                  "CLASSIFICATION_MARKING"):
            self.assertIn(e, entities)

    def test_checksummed_values_are_valid_and_near_misses_are_not(self):
        import idgen
        n = 0
        for d in self.docs:
            raw = d["text"].encode("utf-8")
            for lab in d["labels"]:
                sub = lab.get("sub")
                value = raw[lab["start"]:lab["end"]].decode("utf-8")
                compact = "".join(ch for ch in value if ch.isalnum())
                if lab["role"] == "planted" and lab.get("checksum") and sub in idgen.VALIDATORS:
                    self.assertTrue(idgen.VALIDATORS[sub](compact) or idgen.VALIDATORS[sub](value), (sub, value))
                    n += 1
                if lab["entity"] == "NEAR_MISS_ID" and sub in idgen.VALIDATORS:
                    for other, valid in idgen.VALIDATORS.items():  # no checksum scheme may accept it
                        if other in idgen.DATE_ONLY:
                            continue
                        self.assertFalse(idgen._accepts(valid, compact, value), (sub, other, value))
        self.assertGreater(n, 20)

    @unittest.skipIf(os.environ.get("EVAL_SKIP_FULL"), "EVAL_SKIP_FULL set")
    def test_committed_corpus_regenerates_byte_identically(self):
        committed = os.path.join(HERE, "corpus")
        out = os.path.join(self.tmp, "full")
        subprocess.run([PY, os.path.join(HERE, "generate.py"), "--out", out], check=True, capture_output=True)
        names = sorted(os.listdir(committed))
        self.assertEqual(names, sorted(os.listdir(out)))
        match, mismatch, errors = filecmp.cmpfiles(committed, out, names, shallow=False)
        self.assertEqual(mismatch + errors, [], "regenerated corpus differs from eval/corpus")


class ScorerTests(Fixture):
    def test_cat_leaks_everything_and_keeps_everything(self):
        rc, rep = self.run_score("cat", "cat")
        self.assertEqual(rc, 1)
        for name, ent in rep["entities"].items():
            self.assertEqual(ent["recall"], 0.0, name)
            self.assertEqual(ent["leaked_exact"], ent["planted"], name)
        for name, d in rep["decoys"].items():
            self.assertEqual(d["survived"], d["total"], name)
        self.assertEqual(rep["words"]["survived"], rep["words"]["total"])
        self.assertEqual(rep["blocks"]["blocked"], 0)
        self.assertGreater(rep["blocks"]["expected"], 0)

    def test_oracle_redactor_meets_every_target(self):
        rc, rep = self.run_score(f"{PY} {os.path.join(HERE, 'oracle_redactor.py')} {self.corpus}", "oracle")
        self.assertEqual(rc, 0, json.dumps(rep["targets"], indent=1))
        for name, ent in rep["entities"].items():
            self.assertEqual(ent["recall"], 100.0, name)
        for name, d in rep["decoys"].items():
            self.assertEqual(d["survived"], d["total"], name)
        self.assertEqual(rep["words"]["survived"], rep["words"]["total"])
        self.assertEqual(rep["blocks"]["blocked"], rep["blocks"]["expected"])

    def test_partial_mask_counts_as_leak(self):
        cmd = f"{PY} {os.path.join(HERE, 'oracle_redactor.py')} {self.corpus} --mode keep-last4"
        rc, rep = self.run_score(cmd, "last4")
        self.assertEqual(rc, 1)
        self.assertEqual(rep["entities"]["PAYMENT_CARD"]["recall"], 0.0)  # last 4 digits kept
        self.assertEqual(rep["entities"]["PERSON"]["recall"], 0.0)        # 4 letters of the name kept
        self.assertGreater(rep["entities"]["PAYMENT_CARD"]["leaked_partial"], 0)
        self.assertTrue(rep["examples"]["partial"]["PAYMENT_CARD"])

    def test_digit_scrambler_destroys_numeric_decoys(self):
        cmd = f"{PY} {os.path.join(HERE, 'oracle_redactor.py')} {self.corpus} --mode digits-x"
        rc, rep = self.run_score(cmd, "digits")
        self.assertEqual(rc, 1)
        self.assertEqual(rep["decoys"]["AMOUNT"]["survived"], 0)
        self.assertEqual(rep["decoys"]["COMMON_WORD"]["survived"], rep["decoys"]["COMMON_WORD"]["total"])
        self.assertEqual(rep["entities"]["PERSON"]["recall"], 0.0)   # names have no digits: untouched
        self.assertEqual(rep["entities"]["PHONE"]["recall"], 100.0)  # every digit gone: nothing left in place
        self.assertLess(rep["targets"]["decoys kept"]["share"], 97.0)


class RuleTests(unittest.TestCase):
    def judge(self, inp, out, value, entity="PHONE"):
        kept, _ = score.align(inp, out)
        cs = inp.index(value)
        return score.judge_planted({"entity": entity}, inp, out, kept, cs, cs + len(value))

    def test_rules(self):
        self.assertEqual(self.judge("call +32 470 12 34 56 now", "call [PHONE_1] now", "+32 470 12 34 56"), None)
        self.assertEqual(self.judge("call +32 470 12 34 56 now", "call +32 470 12 34 56 now", "+32 470 12 34 56"), "exact")
        self.assertEqual(self.judge("call +32 470 12 34 56 now", "call [PHONE_1] 34 56 now", "+32 470 12 34 56"), "partial")
        self.assertEqual(self.judge("call +32 470 12 34 56 now", "call [PHONE_1] 56 now", "+32 470 12 34 56"), None)
        self.assertEqual(self.judge("Dear Jean Dupont,", "Dear Jean [PERSON_1],", "Jean Dupont", "PERSON"), "partial")
        self.assertEqual(self.judge("Dear Ana Li,", "Dear [PERSON_1] Li,", "Ana Li", "PERSON"), "partial")
        self.assertEqual(self.judge("Dear Ana Li,", "Dear [PERSON_1],", "Ana Li", "PERSON"), None)
        # the value copied elsewhere in the output still leaks
        self.assertEqual(self.judge("IBAN BE71096123456769.", "IBAN [IBAN_1]. BE71096123456769", "BE71096123456769", "IBAN"), "exact")


if __name__ == "__main__":
    unittest.main()
