#!/usr/bin/env python3
"""Regenerates the test vectors in vectors/a/ (validators for AT..HU and the generic ones).

Oracle: python-stdnum (pip install python-stdnum; LGPL-2.1, used only to *label* vectors,
never copied into caviar) where it has a module; otherwise a small independent reference
implementation below, written from the national specification. Deterministic (fixed seed).

Each file vectors/a/<validator>.tsv has lines:  valid|invalid <TAB> value <TAB> note
Invalid vectors are near misses of valid ones: one digit off, adjacent transposition,
wrong length; every invalid vector is confirmed invalid by the oracle.

    python3 Tests/CaviarValidatorsTests/vectors/gen_a.py
"""
import datetime
import os
import random

from stdnum import luhn, verhoeff
from stdnum.at import tin as at_tin, uid as at_uid, vnr as at_vnr
from stdnum.be import bis as be_bis, nn as be_nn, vat as be_vat
from stdnum.bg import egn as bg_egn, pnf as bg_pnf, vat as bg_vat
from stdnum.cy import vat as cy_vat
from stdnum.cz import dic as cz_dic, rc as cz_rc
from stdnum.de import idnr as de_idnr, vat as de_vat
from stdnum.dk import cvr as dk_cvr
from stdnum.ee import ik as ee_ik, kmkr as ee_kmkr
from stdnum.es import dni as es_dni
from stdnum.fi import hetu as fi_hetu, ytunnus as fi_ytunnus
from stdnum.fr import nif as fr_nif, nir as fr_nir, siren as fr_siren, tva as fr_tva
from stdnum.gr import amka as gr_amka, vat as gr_vat
from stdnum.hr import oib as hr_oib
from stdnum.hu import anum as hu_anum
from stdnum.iso7064 import mod_11_2, mod_11_10, mod_97_10

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "a")
R = random.Random(20261129)
N = 25  # valid vectors per validator (>= 20)
DIG = "0123456789"


def rd(n):
    return "".join(R.choice(DIG) for _ in range(n))


def rdate(lo=1900, hi=2025):
    start = datetime.date(lo, 1, 1).toordinal()
    end = datetime.date(hi, 12, 31).toordinal()
    return datetime.date.fromordinal(R.randint(start, end))


def complete(prefix, oracle, alphabet=DIG, width=1, suffix=""):
    """The first completion prefix + c + suffix (c over alphabet^width) the oracle accepts."""
    cands = [""]
    for _ in range(width):
        cands = [c + a for c in cands for a in alphabet]
    for c in cands:
        v = prefix + c + suffix
        if oracle(v):
            return v
    return None


# ---- independent reference implementations (no stdnum module exists) ----

def ok_date(y, m, d):
    try:
        datetime.date(y, m, d)
        return True
    except ValueError:
        return False


def ref_dk_cpr_date(v):
    if len(v) != 10 or not v.isdigit():
        return False
    d, m, y = int(v[0:2]), int(v[2:4]), int(v[4:6])
    return any(ok_date(c + y, m, d) for c in (1800, 1900, 2000))


def ref_at_svnr(v):
    return at_vnr.is_valid(v) and any(ok_date(c + int(v[8:10]), int(v[6:8]), int(v[4:6])) for c in (1900, 2000))


def ref_at_tin(v):
    return len(v) == 9 and v.isdigit() and at_tin.calc_check_digit(v) == v[-1]


def ref_hu_taj(v):
    if len(v) != 9 or not v.isdigit():
        return False
    s = sum(int(x) * (3 if i % 2 == 0 else 7) for i, x in enumerate(v[:8]))
    return s % 10 == int(v[8])


def ref_hu_personal(v):
    if len(v) != 11 or not v.isdigit() or v[0] not in "12345678":
        return False
    cents = {"1": [1900], "2": [1900], "3": [1800, 1900], "4": [1800, 1900], "5": [2000], "6": [2000]}.get(v[0], [1900, 2000])
    for c in cents:
        y = c + int(v[1:3])
        if not ok_date(y, int(v[3:5]), int(v[5:7])):
            continue
        w = range(1, 11) if y < 1997 else range(10, 0, -1)
        s = sum(int(x) * k for x, k in zip(v[:10], w)) % 11
        if s != 10 and s == int(v[10]):
            return True
    return False


def ref_hu_ado(v):
    if len(v) != 10 or not v.isdigit() or v[0] != "8":
        return False
    s = sum(int(x) * (i + 1) for i, x in enumerate(v[:9])) % 11
    days = int(v[1:6])
    birth = datetime.date(1867, 1, 1) + datetime.timedelta(days=days)
    return s != 10 and s == int(v[9]) and days > 0 and birth.year <= 2100


def ref_de_rvnr(v):
    if len(v) != 12 or not v[:8].isdigit() or not v[9:].isdigit() or not ("A" <= v[8] <= "Z"):
        return False
    letter = "%02d" % (ord(v[8]) - 64)
    digits = v[:8] + letter + v[9:11]
    s = 0
    for x, w in zip(digits, (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)):
        p = int(x) * w
        s += p // 10 + p % 10
    if s % 10 != int(v[11]):
        return False
    return any(ok_date(c + int(v[6:8]), int(v[4:6]), int(v[2:4])) for c in (1900, 2000))


def ref_de_kvnr(v):
    if len(v) != 10 or not ("A" <= v[0] <= "Z") or not v[1:].isdigit():
        return False
    digits = "%02d" % (ord(v[0]) - 64) + v[1:9]
    s = 0
    for i, x in enumerate(digits):
        p = int(x) * (1 if i % 2 == 0 else 2)
        s += p // 10 + p % 10
    return s % 10 == int(v[9])


def icao_check(s):
    val = lambda ch: 0 if ch == "<" else (int(ch) if ch.isdigit() else ord(ch) - 55)
    return sum(val(ch) * (7, 3, 1)[i % 3] for i, ch in enumerate(s)) % 10


def ref_icao(v):
    return len(v) >= 2 and v[-1].isdigit() and icao_check(v[:-1]) == int(v[-1])


DE_ID_ALPHABET = "0123456789CFGHJKLMNPRTVWXYZ"


def ref_de_id_card(v):
    return len(v) == 10 and all(c in DE_ID_ALPHABET for c in v[:9]) and ref_icao(v)


def ref_fr_nir(v):
    return fr_nir.is_valid(v) and v[0] in "123478" and (1 <= int(v[3:5]) <= 12 or 20 <= int(v[3:5]) <= 42 or 50 <= int(v[3:5]) <= 99)


def ref_be_nn(v):
    v2 = v.replace(".", "").replace("-", "").replace(" ", "")
    if not (be_nn.is_valid(v2) or be_bis.is_valid(v2)):
        return False
    mm = int(v2[2:4]) % 20
    dd = int(v2[4:6])
    if mm == 0 or dd == 0:
        return dd <= 31
    return any(ok_date(c + int(v2[:2]), mm, dd) for c in (1900, 2000))


def ref_fr_tva(v):
    c = v.replace(" ", "").upper()
    c = c[2:] if c.startswith("FR") else c
    return fr_tva.is_valid(c) and c[:2].isdigit()


def ref_bg_egn(v):
    return bg_egn.is_valid(v)


def hetu_oracle(v):
    return fi_hetu.is_valid(v, allow_temporary=True)


# ---- valid generators ----

def gen_svnr():
    d = rdate()
    return complete(R.choice("123456789") + rd(2), ref_at_svnr, suffix=d.strftime("%d%m%y"))


def gen_be_nn():
    d = rdate(1920, 2024)
    mo = d.month + R.choice([0, 0, 0, 20, 40])
    v = complete("%02d%02d%02d%03d" % (d.year % 100, mo, d.day, R.randint(1, 997)), ref_be_nn, width=2)
    return v if v is None or R.random() < 0.5 else "%s.%s.%s-%s.%s" % (v[0:2], v[2:4], v[4:6], v[6:9], v[9:])


def gen_egn():
    d = rdate(1900, 2024)
    mo = d.month + (40 if d.year >= 2000 else 0)
    return complete("%02d%02d%02d%s" % (d.year % 100, mo, d.day, rd(3)), bg_egn.is_valid)


def gen_cz_rc():
    if R.random() < 0.15:
        d = rdate(1900, 1953)
        mo = d.month + R.choice([0, 50])
        return "%02d%02d%02d/%s" % (d.year % 100, mo, d.day, rd(3))
    d = rdate(1954, 2024)
    mo = d.month + R.choice([0, 50] + ([20, 70] if d.year >= 2004 else []))
    return complete("%02d%02d%02d" % (d.year % 100, mo, d.day) + rd(3), cz_rc.is_valid)


def gen_ee_ik():
    d = rdate(1900, 2024)
    g = R.choice("34" if d.year < 2000 else "56")
    return complete(g + d.strftime("%y%m%d") + rd(3), ee_ik.is_valid)


def gen_hetu():
    d = rdate(1899, 2024)
    sign = {18: "+", 19: R.choice("-YXWVU"), 20: R.choice("ABCDEF")}[d.year // 100]
    return complete(d.strftime("%d%m%y") + sign + "%03d" % R.randint(2, 999), hetu_oracle, alphabet="0123456789ABCDEFHJKLMNPRSTUVWXY")


def gen_nir():
    d = rdate(1930, 2024)
    dept = R.choice(["75", "13", "2A", "2B", "69", "99", "59"])
    v = complete(R.choice("12") + d.strftime("%y%m") + dept + rd(6), ref_fr_nir, width=2)
    return v


def gen_amka():
    d = rdate(1930, 2024)
    return complete(d.strftime("%d%m%y") + rd(4), gr_amka.is_valid)


def gen_hu_personal():
    d = rdate(1920, 2024)
    g = R.choice("12") if d.year < 2000 else R.choice("56")
    return complete(g + d.strftime("%y%m%d") + rd(3), ref_hu_personal)


def gen_hu_ado():
    d = rdate(1920, 2024)
    days = (d - datetime.date(1867, 1, 1)).days
    return complete("8%05d" % days + rd(3), ref_hu_ado)


def gen_rvnr():
    d = rdate(1930, 2010)
    return complete(rd(2) + d.strftime("%d%m%y") + R.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + rd(2), ref_de_rvnr)


def gen_dk_cpr():
    d = rdate(1900, 2024)
    return d.strftime("%d%m%y") + "-" + rd(4)


def gen_afm():
    return complete(rd(8), gr_vat.is_valid)


SPECS = {
    # name: (generator, oracle)
    "at_svnr": (gen_svnr, ref_at_svnr),
    "at_tin": (lambda: complete(rd(8), ref_at_tin), ref_at_tin),
    "at_uid": (lambda: complete("ATU" + rd(7), at_uid.is_valid), at_uid.is_valid),
    "be_national_number": (gen_be_nn, ref_be_nn),
    "be_vat": (lambda: complete(R.choice("01") + rd(7), be_vat.is_valid, width=2), be_vat.is_valid),
    "bg_egn": (gen_egn, bg_egn.is_valid),
    "bg_pnf": (lambda: complete(rd(9), bg_pnf.is_valid), bg_pnf.is_valid),
    "bg_vat": (lambda: complete(("BG" if R.random() < .5 else "") + rd(R.choice([8, 9])), bg_vat.is_valid), bg_vat.is_valid),
    "hr_oib": (lambda: complete(rd(10), hr_oib.is_valid), hr_oib.is_valid),
    "cy_tin": (lambda: complete(R.choice("0134569") + rd(7), cy_vat.is_valid, alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ"), cy_vat.is_valid),
    "cz_birth_number": (gen_cz_rc, cz_rc.is_valid),
    "cz_dic": (lambda: complete("CZ" + R.choice("12345678") + rd(6), cz_dic.is_valid), cz_dic.is_valid),
    "dk_cpr_date": (gen_dk_cpr, lambda v: ref_dk_cpr_date(v.replace("-", ""))),
    "dk_cvr": (lambda: complete(R.choice("123456789") + rd(6), dk_cvr.is_valid), dk_cvr.is_valid),
    "ee_isikukood": (gen_ee_ik, ee_ik.is_valid),
    "ee_kmkr": (lambda: complete("10" + rd(6), ee_kmkr.is_valid), ee_kmkr.is_valid),
    "fi_hetu": (gen_hetu, hetu_oracle),
    "fi_ytunnus": (lambda: complete(rd(7) + "-", fi_ytunnus.is_valid), fi_ytunnus.is_valid),
    "fr_nir": (gen_nir, ref_fr_nir),
    "fr_nif": (lambda: (lambda p: p + "%03d" % (int(p) % 511))(R.choice("0123") + rd(9)), fr_nif.is_valid),
    "fr_siren": (lambda: complete(rd(8), fr_siren.is_valid), fr_siren.is_valid),
    "fr_tva": (lambda: complete("FR", ref_fr_tva, width=2, suffix=complete(rd(8), fr_siren.is_valid)), ref_fr_tva),
    "de_idnr": (lambda: complete(R.choice("123456789") + "".join(R.sample(DIG, 9))[:9], de_idnr.is_valid), de_idnr.is_valid),
    "de_vat": (lambda: complete("DE" + R.choice("123456789") + rd(7), de_vat.is_valid), de_vat.is_valid),
    "de_rvnr": (gen_rvnr, ref_de_rvnr),
    "de_kvnr": (lambda: complete(R.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + rd(8), ref_de_kvnr), ref_de_kvnr),
    "de_id_card": (lambda: complete("".join(R.choice(DE_ID_ALPHABET) for _ in range(9)), ref_de_id_card), ref_de_id_card),
    "gr_afm": (gen_afm, gr_vat.is_valid),
    "gr_amka": (gen_amka, gr_amka.is_valid),
    "hu_personal_id": (gen_hu_personal, ref_hu_personal),
    "hu_adoazonosito": (gen_hu_ado, ref_hu_ado),
    "hu_taj": (lambda: complete(rd(8), ref_hu_taj), ref_hu_taj),
    "hu_anum": (lambda: complete(R.choice("123456789") + rd(6), hu_anum.is_valid), hu_anum.is_valid),
    # generic algorithms
    "luhn": (lambda: complete(rd(R.randint(8, 18)), luhn.is_valid), luhn.is_valid),
    "iso7064_mod11_10": (lambda: complete(rd(R.randint(8, 12)), mod_11_10.is_valid), mod_11_10.is_valid),
    "iso7064_mod11_2": (lambda: complete(rd(R.randint(8, 17)), mod_11_2.is_valid, alphabet="0123456789X"), mod_11_2.is_valid),
    "mod97_10": (lambda: complete(rd(R.randint(8, 20)), mod_97_10.is_valid, width=2), mod_97_10.is_valid),
    "verhoeff": (lambda: complete(rd(R.randint(6, 14)), verhoeff.is_valid), verhoeff.is_valid),
    "icao9303": (lambda: complete("".join(R.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<") for _ in range(R.randint(6, 14))), ref_icao), ref_icao),
    "es_dni": (lambda: complete(rd(8), es_dni.is_valid, alphabet="TRWAGMYFPDXBNJZSQVHLCKE"), es_dni.is_valid),
}


def oracle_ok(oracle, v):
    try:
        return bool(oracle(v))
    except Exception:
        return False


def near_misses(v, oracle):
    """One digit off, adjacent transposition, wrong length; each confirmed invalid by the oracle."""
    out = []
    pos = [i for i, c in enumerate(v) if c.isdigit()]
    if len(pos) < 3:
        pos = [i for i, c in enumerate(v) if c.isalnum()]
    for _ in range(40):
        i = R.choice(pos)
        if v[i].isdigit():
            w = v[:i] + str((int(v[i]) + R.randint(1, 9)) % 10) + v[i + 1:]
        else:
            w = v[:i] + R.choice([c for c in "ABCDEFGHJKLMNPRTVWXYZ" if c != v[i]]) + v[i + 1:]
        if not oracle_ok(oracle, w):
            out.append((w, "one digit off"))
            break
    for _ in range(40):
        k = R.randrange(len(pos) - 1)
        i, j = pos[k], pos[k + 1]
        if v[i] != v[j]:
            w = v[:i] + v[j] + v[i + 1:j] + v[i] + v[j + 1:]
            if not oracle_ok(oracle, w):
                out.append((w, "transposition"))
                break
    w = v[:-2] + v[-1] if R.random() < 0.5 else v[:-1] + R.choice(DIG) + v[-1]
    if not oracle_ok(oracle, w):
        out.append((w, "wrong length"))
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, (gen, oracle) in SPECS.items():
        valid = []
        while len(valid) < N:
            v = gen()
            if v and oracle_ok(oracle, v) and v not in valid:
                valid.append(v)
        invalid = []
        for v in valid:
            invalid.extend(near_misses(v, oracle))
        with open(os.path.join(OUT, name + ".tsv"), "w") as f:
            f.write("# generated by vectors/gen_a.py; oracle: python-stdnum or reference implementation\n")
            for v in valid:
                f.write("valid\t%s\toracle\n" % v)
            for v, note in invalid:
                f.write("invalid\t%s\t%s\n" % (v, note))
        print("%-20s %3d valid %3d invalid" % (name, len(valid), len(invalid)))


if __name__ == "__main__":
    main()
