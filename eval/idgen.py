"""Identifier generators for the caviar evaluation corpus (development-time only).

Every checksummed identifier is generated at random from a seeded `random.Random` and accepted
only if python-stdnum (LGPL-2.1, used as an oracle, not copied) says it is valid. Three Hungarian
/ Spanish schemes that stdnum lacks are computed here from their public descriptions and are
marked `oracle: "local"` in the spec table so a reader knows which ones stdnum did not check.

A spec is (country, entity, sub, make) where make(rng) returns (compact, display).
"""

import datetime
import string

from stdnum import iban as std_iban
from stdnum import luhn
from stdnum.at import tin as at_tin, uid as at_uid, vnr as at_vnr
from stdnum.be import nn as be_nn, vat as be_vat
from stdnum.bg import egn as bg_egn, vat as bg_vat
from stdnum.cy import vat as cy_vat
from stdnum.cz import dic as cz_dic, rc as cz_rc
from stdnum.de import idnr as de_idnr, vat as de_vat
from stdnum.dk import cpr as dk_cpr, cvr as dk_cvr
from stdnum.ee import ik as ee_ik, kmkr as ee_kmkr
from stdnum.es import dni as es_dni, nie as es_nie
from stdnum.eu import vat as eu_vat
from stdnum.fi import alv as fi_alv, hetu as fi_hetu
from stdnum.fr import nif as fr_nif, nir as fr_nir, tva as fr_tva
from stdnum.gr import amka as gr_amka, vat as gr_vat
from stdnum.hr import oib as hr_oib
from stdnum.hu import anum as hu_anum
from stdnum.ie import pps as ie_pps, vat as ie_vat
from stdnum.it import codicefiscale as it_cf, iva as it_iva
from stdnum.lt import asmens as lt_asmens, pvm as lt_pvm
from stdnum.lu import tva as lu_tva
from stdnum.lv import pvn as lv_pvn
from stdnum.mt import vat as mt_vat
from stdnum.nl import bsn as nl_bsn, btw as nl_btw
from stdnum.pl import nip as pl_nip, pesel as pl_pesel
from stdnum.pt import cc as pt_cc, nif as pt_nif
from stdnum.ro import cnp as ro_cnp, cui as ro_cui
from stdnum.se import personnummer as se_pnr, vat as se_vat
from stdnum.si import ddv as si_ddv, emso as si_emso
from stdnum.sk import dph as sk_dph, rc as sk_rc

DIG = string.digits
UP = string.ascii_uppercase


def digits(rng, n, first=DIG):
    return rng.choice(first) + "".join(rng.choice(DIG) for _ in range(n - 1))


def birth(rng, lo=1950, hi=2004):
    start = datetime.date(lo, 1, 1).toordinal()
    end = datetime.date(hi, 12, 28).toordinal()
    return datetime.date.fromordinal(rng.randint(start, end))


def search(rng, candidate, valid, tries=20000):
    """Draw candidates until the oracle accepts one (deterministic for a seeded rng)."""
    for _ in range(tries):
        c = candidate()
        try:
            if valid(c):
                return c
        except Exception:  # stdnum raises on malformed components; just draw again
            pass
    raise RuntimeError("no valid candidate found")


# ---------- local check algorithms (schemes python-stdnum does not cover) ----------

def hu_taj_valid(s):
    """Hungarian TAJ: 8 digits + check = sum(d_i * (3 if i odd else 7)) mod 10."""
    if len(s) != 9 or not s.isdigit():
        return False
    total = sum(int(d) * (3 if i % 2 == 0 else 7) for i, d in enumerate(s[:8]))
    return total % 10 == int(s[8])


def hu_adoazonosito_valid(s):
    """Hungarian tax id: 8 + days since 1867-01-01 (5) + 3 + check = sum(i*d_i) mod 11."""
    if len(s) != 10 or not s.isdigit() or s[0] != "8":
        return False
    total = sum((i + 1) * int(d) for i, d in enumerate(s[:9])) % 11
    return total != 10 and total == int(s[9])


def es_nuss_valid(s):
    """Spanish social security number: 2 province + 8 + 2 control = first 10 mod 97."""
    if len(s) != 12 or not s.isdigit():
        return False
    return int(s[:10]) % 97 == int(s[10:])


# ---------- makers: each returns (compact, display) ----------

def yymmdd(d):
    return d.strftime("%y%m%d")


def ddmmyy(d):
    return d.strftime("%d%m%y")


def m_at_vnr(rng):
    d = birth(rng)
    c = search(rng, lambda: digits(rng, 3, "123456789") + rng.choice(DIG) + ddmmyy(d), at_vnr.is_valid)
    return c, rng.choice([c[:4] + " " + c[4:], c])


def m_at_tin(rng):
    c = search(rng, lambda: digits(rng, 9, "0123456789"), at_tin.is_valid)
    return c, rng.choice([at_tin.format(c), c])


def m_at_uid(rng):
    c = search(rng, lambda: "ATU" + digits(rng, 8), at_uid.is_valid)
    return c, rng.choice([c, "ATU " + c[3:]])


def m_be_nn(rng):
    d = birth(rng, 1950, 1999)
    c = search(rng, lambda: yymmdd(d) + digits(rng, 5), be_nn.is_valid)
    return c, rng.choice([be_nn.format(c), c, f"{c[:6]}-{c[6:9]}-{c[9:]}"])


def m_be_vat(rng):
    c = search(rng, lambda: "0" + digits(rng, 9, "23456789"), be_vat.is_valid)
    return "BE" + c, rng.choice(["BE" + c, f"BE {c[:4]}.{c[4:7]}.{c[7:]}", "BE" + c])


def m_bg_egn(rng):
    d = birth(rng, 1950, 1999)
    c = search(rng, lambda: yymmdd(d) + digits(rng, 4), bg_egn.is_valid)
    return c, c


def m_bg_vat(rng):
    c = search(rng, lambda: digits(rng, 9, "12"), bg_vat.is_valid)
    return "BG" + c, "BG" + c


def m_hr_oib(rng):
    c = search(rng, lambda: digits(rng, 11, "123456789"), hr_oib.is_valid)
    return c, c


def m_cy_vat(rng):
    c = search(rng, lambda: rng.choice("01359") + digits(rng, 7) + rng.choice(UP), cy_vat.is_valid)
    return c, rng.choice([c, "CY" + c])


def m_cz_rc(rng):
    d = birth(rng, 1954, 1999)
    mm = d.month + (50 if rng.random() < 0.5 else 0)
    c = search(rng, lambda: f"{d:%y}{mm:02d}{d:%d}" + digits(rng, 4), cz_rc.is_valid)
    return c, rng.choice([c[:6] + "/" + c[6:], c])


def m_sk_rc(rng):
    d = birth(rng, 1954, 1999)
    mm = d.month + (50 if rng.random() < 0.5 else 0)
    c = search(rng, lambda: f"{d:%y}{mm:02d}{d:%d}" + digits(rng, 4), sk_rc.is_valid)
    return c, rng.choice([c[:6] + "/" + c[6:], c])


def m_cz_dic(rng):
    c = search(rng, lambda: digits(rng, 8, "12345678"), cz_dic.is_valid)
    return "CZ" + c, "CZ" + c


def m_dk_cpr(rng):
    d = birth(rng, 1950, 1999)
    c = search(rng, lambda: ddmmyy(d) + digits(rng, 4, "0123"), dk_cpr.is_valid)
    return c, rng.choice([c[:6] + "-" + c[6:], c[:6] + "-" + c[6:], c])


def m_dk_cvr(rng):
    c = search(rng, lambda: digits(rng, 8, "123456789"), dk_cvr.is_valid)
    return "DK" + c, rng.choice(["DK" + c, "DK " + " ".join(c[i:i + 2] for i in range(0, 8, 2))])


def m_ee_ik(rng):
    d = birth(rng, 1950, 1999)
    c = search(rng, lambda: rng.choice("34") + yymmdd(d) + digits(rng, 4), ee_ik.is_valid)
    return c, c


def m_lt_asmens(rng):
    d = birth(rng, 1950, 1999)
    c = search(rng, lambda: rng.choice("34") + yymmdd(d) + digits(rng, 4), lt_asmens.is_valid)
    return c, c


def m_ee_kmkr(rng):
    c = search(rng, lambda: "10" + digits(rng, 7), ee_kmkr.is_valid)
    return "EE" + c, "EE" + c


def m_fi_hetu(rng):
    d = birth(rng, 1950, 1999)
    c = search(rng, lambda: ddmmyy(d) + "-" + digits(rng, 3, "0123456789") + rng.choice(
        "0123456789ABCDEFHJKLMNPRSTUVWXY"), fi_hetu.is_valid)
    return c, c


def m_fi_alv(rng):
    c = search(rng, lambda: digits(rng, 8, "0123456789"), fi_alv.is_valid)
    return "FI" + c, "FI" + c


def m_fr_nir(rng):
    d = birth(rng, 1950, 1999)
    c = search(rng, lambda: rng.choice("12") + f"{d:%y%m}" + f"{rng.randint(1, 95):02d}" + digits(rng, 6) + digits(rng, 2),
               fr_nir.is_valid)
    return c, rng.choice([fr_nir.format(c), c])


def m_fr_nif(rng):
    c = search(rng, lambda: rng.choice("0123") + digits(rng, 12), fr_nif.is_valid)
    return c, rng.choice([fr_nif.format(c), c])


def m_fr_tva(rng):
    siren = search(rng, lambda: digits(rng, 9, "3456789"), luhn.is_valid)
    key = (12 + 3 * (int(siren) % 97)) % 97
    c = f"FR{key:02d}{siren}"
    assert fr_tva.is_valid(c)
    return c, rng.choice([c, f"FR {key:02d} {siren[:3]} {siren[3:6]} {siren[6:]}"])


def m_de_idnr(rng):
    c = search(rng, lambda: digits(rng, 11, "123456789"), de_idnr.is_valid)
    return c, rng.choice([de_idnr.format(c), c])


def m_de_vat(rng):
    c = search(rng, lambda: digits(rng, 9, "123456789"), de_vat.is_valid)
    return "DE" + c, rng.choice(["DE" + c, "DE " + c, "DE" + c])


def m_gr_amka(rng):
    d = birth(rng, 1950, 1999)
    c = search(rng, lambda: ddmmyy(d) + digits(rng, 5), gr_amka.is_valid)
    return c, c


def m_gr_afm(rng):
    c = search(rng, lambda: digits(rng, 9, "01"), gr_vat.is_valid)
    return c, c


def m_gr_vat(rng):
    c, _ = m_gr_afm(rng)
    return "EL" + c, "EL" + c


def m_hu_anum(rng):
    c = search(rng, lambda: digits(rng, 8, "123456789"), hu_anum.is_valid)
    return "HU" + c, "HU" + c


def m_hu_taj(rng):
    c = search(rng, lambda: digits(rng, 9), hu_taj_valid)
    return c, rng.choice([f"{c[:3]} {c[3:6]} {c[6:]}", c, f"{c[:3]}-{c[3:6]}-{c[6:]}"])


def m_hu_ado(rng):
    d = birth(rng, 1950, 1999)
    days = (d - datetime.date(1867, 1, 1)).days
    c = search(rng, lambda: f"8{days:05d}" + digits(rng, 4), hu_adoazonosito_valid)
    return c, c


def m_ie_pps(rng):
    c = search(rng, lambda: digits(rng, 7) + rng.choice(UP) + rng.choice(["", "", "A", "W"]), ie_pps.is_valid)
    return c, c


def m_ie_vat(rng):
    c = search(rng, lambda: digits(rng, 7, "123456789") + rng.choice(UP), ie_vat.is_valid)
    return "IE" + c, "IE" + c


def m_it_cf(rng):
    d = birth(rng, 1950, 1999)
    day = d.day + (40 if rng.random() < 0.5 else 0)
    cons = "BCDFGHLMNPRSTVZ"

    def cand():
        s = "".join(rng.choice(cons) for _ in range(6)) + f"{d:%y}" + "ABCDEHLMPRST"[d.month - 1] + f"{day:02d}"
        s += rng.choice("ABCDEFGHILM") + f"{rng.randint(1, 999):03d}"
        return s + it_cf.calc_check_digit(s)

    c = search(rng, cand, it_cf.is_valid)
    return c, c


def m_it_iva(rng):
    c = search(rng, lambda: digits(rng, 7, "0") + f"{rng.randint(1, 100):03d}" + rng.choice(DIG), it_iva.is_valid)
    return "IT" + c, rng.choice(["IT" + c, c])


def m_lv_pk(rng):
    d = birth(rng, 1950, 1999)
    c = search(rng, lambda: ddmmyy(d) + "1" + digits(rng, 4), lv_pvn.is_valid)
    return c, c[:6] + "-" + c[6:]


def m_lt_pvm(rng):
    c = search(rng, lambda: digits(rng, 7, "123456789") + "1" + rng.choice(DIG), lt_pvm.is_valid)
    return "LT" + c, "LT" + c


def m_lu_tva(rng):
    c = search(rng, lambda: digits(rng, 8, "123456789"), lu_tva.is_valid)
    return "LU" + c, "LU" + c


def m_mt_vat(rng):
    c = search(rng, lambda: digits(rng, 8, "123456789"), mt_vat.is_valid)
    return "MT" + c, "MT" + c


def m_mt_id(rng):
    c = digits(rng, 7, "0123456789") + rng.choice("MGAPLHBZ")
    return c, rng.choice([c, c.lstrip("0") or c])


def m_nl_bsn(rng):
    c = search(rng, lambda: digits(rng, 9, "123456"), nl_bsn.is_valid)
    return c, rng.choice([c, nl_bsn.format(c), f"{c[:4]} {c[4:6]} {c[6:]}"])


def m_nl_btw(rng):
    c = search(rng, lambda: digits(rng, 9, "0123456789") + "B" + f"{rng.randint(1, 3):02d}", nl_btw.is_valid)
    return "NL" + c, "NL" + c


def m_pl_pesel(rng):
    d = birth(rng, 1950, 2004)
    mm = d.month + (20 if d.year >= 2000 else 0)
    c = search(rng, lambda: f"{d:%y}{mm:02d}{d:%d}" + digits(rng, 5), pl_pesel.is_valid)
    return c, c


def m_pl_nip(rng):
    c = search(rng, lambda: digits(rng, 10, "123456789"), pl_nip.is_valid)
    return c, rng.choice([pl_nip.format(c), c, f"{c[:3]}-{c[3:5]}-{c[5:7]}-{c[7:]}"])


def m_pl_vat(rng):
    c, _ = m_pl_nip(rng)
    return "PL" + c, "PL" + c


def m_pt_cc(rng):
    alnum = DIG + UP
    c = search(rng, lambda: digits(rng, 9) + rng.choice(UP) + rng.choice(UP) + rng.choice(alnum), pt_cc.is_valid)
    return c, pt_cc.format(c)


def m_pt_nif(rng):
    c = search(rng, lambda: digits(rng, 9, "123"), pt_nif.is_valid)
    return c, rng.choice([c, f"{c[:3]} {c[3:6]} {c[6:]}"])


def m_pt_vat(rng):
    c = search(rng, lambda: digits(rng, 9, "56"), pt_nif.is_valid)
    return "PT" + c, "PT" + c


def m_ro_cnp(rng):
    d = birth(rng, 1950, 1999)
    c = search(rng, lambda: rng.choice("12") + yymmdd(d) + f"{rng.randint(1, 46):02d}" + digits(rng, 4), ro_cnp.is_valid)
    return c, c


def m_ro_cui(rng):
    c = search(rng, lambda: digits(rng, 8, "123456789"), ro_cui.is_valid)
    return "RO" + c, rng.choice(["RO" + c, "RO " + c])


def m_sk_dph(rng):
    c = search(rng, lambda: digits(rng, 10, "2347"), sk_dph.is_valid)
    return "SK" + c, "SK" + c


def m_si_emso(rng):
    d = birth(rng, 1950, 1999)
    c = search(rng, lambda: f"{d:%d%m}" + str(d.year)[1:] + "50" + digits(rng, 4), si_emso.is_valid)
    return c, c


def m_si_ddv(rng):
    c = search(rng, lambda: digits(rng, 8, "123456789"), si_ddv.is_valid)
    return c, c


def m_si_vat(rng):
    c, _ = m_si_ddv(rng)
    return "SI" + c, "SI" + c


def m_es_dni(rng):
    c = search(rng, lambda: digits(rng, 8) + rng.choice("TRWAGMYFPDXBNJZSQVHLCKE"), es_dni.is_valid)
    return c, rng.choice([c, c[:8] + "-" + c[8], c])


def m_es_nie(rng):
    c = search(rng, lambda: rng.choice("XYZ") + digits(rng, 7) + rng.choice("TRWAGMYFPDXBNJZSQVHLCKE"), es_nie.is_valid)
    return c, rng.choice([c, f"{c[0]}-{c[1:8]}-{c[8]}"])


def m_es_vat(rng):
    c, _ = m_es_dni(rng)
    c = "ES" + c
    assert eu_vat.is_valid(c)
    return c, c


def m_es_nuss(rng):
    c = search(rng, lambda: f"{rng.randint(1, 52):02d}" + digits(rng, 8, "123456789") + digits(rng, 2), es_nuss_valid)
    return c, rng.choice([f"{c[:2]}/{c[2:10]}/{c[10:]}", c, f"{c[:2]} {c[2:10]} {c[10:]}"])


def m_se_pnr(rng):
    d = birth(rng, 1950, 1999)
    c = search(rng, lambda: yymmdd(d) + "-" + digits(rng, 4), se_pnr.is_valid)
    return c, rng.choice([c, str(d.year)[:2] + c])


def m_se_vat(rng):
    c = search(rng, lambda: "5" + digits(rng, 9) + "01", se_vat.is_valid)
    return "SE" + c, "SE" + c


# (country, entity, stdnum-or-local sub, maker, oracle)
SPECS = [
    ("AT", "SOCIAL_SECURITY", "at.vnr", m_at_vnr, "stdnum"),
    ("AT", "TAX_ID", "at.tin", m_at_tin, "stdnum"),
    ("AT", "VAT_ID", "at.uid", m_at_uid, "stdnum"),
    ("BE", "NATIONAL_ID", "be.nn", m_be_nn, "stdnum"),
    ("BE", "VAT_ID", "be.vat", m_be_vat, "stdnum"),
    ("BG", "NATIONAL_ID", "bg.egn", m_bg_egn, "stdnum"),
    ("BG", "VAT_ID", "bg.vat", m_bg_vat, "stdnum"),
    ("HR", "NATIONAL_ID", "hr.oib", m_hr_oib, "stdnum"),
    ("CY", "VAT_ID", "cy.vat", m_cy_vat, "stdnum"),
    ("CZ", "NATIONAL_ID", "cz.rc", m_cz_rc, "stdnum"),
    ("CZ", "VAT_ID", "cz.dic", m_cz_dic, "stdnum"),
    ("DK", "NATIONAL_ID", "dk.cpr", m_dk_cpr, "stdnum"),
    ("DK", "VAT_ID", "dk.cvr", m_dk_cvr, "stdnum"),
    ("EE", "NATIONAL_ID", "ee.ik", m_ee_ik, "stdnum"),
    ("EE", "VAT_ID", "ee.kmkr", m_ee_kmkr, "stdnum"),
    ("FI", "NATIONAL_ID", "fi.hetu", m_fi_hetu, "stdnum"),
    ("FI", "VAT_ID", "fi.alv", m_fi_alv, "stdnum"),
    ("FR", "SOCIAL_SECURITY", "fr.nir", m_fr_nir, "stdnum"),
    ("FR", "TAX_ID", "fr.nif", m_fr_nif, "stdnum"),
    ("FR", "VAT_ID", "fr.tva", m_fr_tva, "stdnum"),
    ("DE", "TAX_ID", "de.idnr", m_de_idnr, "stdnum"),
    ("DE", "VAT_ID", "de.vat", m_de_vat, "stdnum"),
    ("GR", "SOCIAL_SECURITY", "gr.amka", m_gr_amka, "stdnum"),
    ("GR", "TAX_ID", "gr.afm", m_gr_afm, "stdnum"),
    ("GR", "VAT_ID", "gr.vat", m_gr_vat, "stdnum"),
    ("HU", "SOCIAL_SECURITY", "hu.taj", m_hu_taj, "local"),
    ("HU", "TAX_ID", "hu.adoazonosito", m_hu_ado, "local"),
    ("HU", "VAT_ID", "hu.anum", m_hu_anum, "stdnum"),
    ("IE", "NATIONAL_ID", "ie.pps", m_ie_pps, "stdnum"),
    ("IE", "VAT_ID", "ie.vat", m_ie_vat, "stdnum"),
    ("IT", "TAX_ID", "it.codicefiscale", m_it_cf, "stdnum"),
    ("IT", "VAT_ID", "it.iva", m_it_iva, "stdnum"),
    ("LV", "NATIONAL_ID", "lv.personas_kods", m_lv_pk, "stdnum"),
    ("LT", "NATIONAL_ID", "lt.asmens", m_lt_asmens, "stdnum"),
    ("LT", "VAT_ID", "lt.pvm", m_lt_pvm, "stdnum"),
    ("LU", "VAT_ID", "lu.tva", m_lu_tva, "stdnum"),
    ("MT", "VAT_ID", "mt.vat", m_mt_vat, "stdnum"),
    ("NL", "NATIONAL_ID", "nl.bsn", m_nl_bsn, "stdnum"),
    ("NL", "VAT_ID", "nl.btw", m_nl_btw, "stdnum"),
    ("PL", "NATIONAL_ID", "pl.pesel", m_pl_pesel, "stdnum"),
    ("PL", "TAX_ID", "pl.nip", m_pl_nip, "stdnum"),
    ("PL", "VAT_ID", "pl.vat", m_pl_vat, "stdnum"),
    ("PT", "NATIONAL_ID", "pt.cc", m_pt_cc, "stdnum"),
    ("PT", "TAX_ID", "pt.nif", m_pt_nif, "stdnum"),
    ("PT", "VAT_ID", "pt.vat", m_pt_vat, "stdnum"),
    ("RO", "NATIONAL_ID", "ro.cnp", m_ro_cnp, "stdnum"),
    ("RO", "VAT_ID", "ro.cui", m_ro_cui, "stdnum"),
    ("SK", "NATIONAL_ID", "sk.rc", m_sk_rc, "stdnum"),
    ("SK", "VAT_ID", "sk.dph", m_sk_dph, "stdnum"),
    ("SI", "NATIONAL_ID", "si.emso", m_si_emso, "stdnum"),
    ("SI", "TAX_ID", "si.davcna", m_si_ddv, "stdnum"),
    ("SI", "VAT_ID", "si.ddv", m_si_vat, "stdnum"),
    ("ES", "NATIONAL_ID", "es.dni", m_es_dni, "stdnum"),
    ("ES", "NATIONAL_ID", "es.nie", m_es_nie, "stdnum"),
    ("ES", "SOCIAL_SECURITY", "es.nuss", m_es_nuss, "local"),
    ("ES", "VAT_ID", "es.vat", m_es_vat, "stdnum"),
    ("SE", "NATIONAL_ID", "se.personnummer", m_se_pnr, "stdnum"),
    ("SE", "VAT_ID", "se.vat", m_se_vat, "stdnum"),
]
# Format-only national ID without a checksum (Malta ID card): planted, but not "checksummed".
FORMAT_ONLY = [("MT", "NATIONAL_ID", "mt.idcard", m_mt_id)]

VALIDATORS = {
    "at.vnr": at_vnr.is_valid, "at.tin": at_tin.is_valid, "at.uid": at_uid.is_valid,
    "be.nn": be_nn.is_valid, "be.vat": eu_vat.is_valid, "bg.egn": bg_egn.is_valid, "bg.vat": eu_vat.is_valid,
    "hr.oib": hr_oib.is_valid, "cy.vat": cy_vat.is_valid, "cz.rc": cz_rc.is_valid, "cz.dic": eu_vat.is_valid,
    "dk.cpr": dk_cpr.is_valid, "dk.cvr": eu_vat.is_valid, "ee.ik": ee_ik.is_valid, "ee.kmkr": eu_vat.is_valid,
    "fi.hetu": fi_hetu.is_valid, "fi.alv": eu_vat.is_valid, "fr.nir": fr_nir.is_valid, "fr.nif": fr_nif.is_valid,
    "fr.tva": fr_tva.is_valid, "de.idnr": de_idnr.is_valid, "de.vat": eu_vat.is_valid,
    "gr.amka": gr_amka.is_valid, "gr.afm": gr_vat.is_valid, "gr.vat": eu_vat.is_valid,
    "hu.taj": hu_taj_valid, "hu.adoazonosito": hu_adoazonosito_valid, "hu.anum": eu_vat.is_valid,
    "ie.pps": ie_pps.is_valid, "ie.vat": eu_vat.is_valid, "it.codicefiscale": it_cf.is_valid,
    "it.iva": lambda s: it_iva.is_valid(s[2:] if s.startswith("IT") else s),
    "lv.personas_kods": lv_pvn.is_valid, "lt.asmens": lt_asmens.is_valid, "lt.pvm": eu_vat.is_valid,
    "lu.tva": eu_vat.is_valid, "mt.vat": eu_vat.is_valid, "nl.bsn": nl_bsn.is_valid, "nl.btw": eu_vat.is_valid,
    "pl.pesel": pl_pesel.is_valid, "pl.nip": pl_nip.is_valid, "pl.vat": eu_vat.is_valid,
    "pt.cc": pt_cc.is_valid, "pt.nif": pt_nif.is_valid, "pt.vat": eu_vat.is_valid,
    "ro.cnp": ro_cnp.is_valid, "ro.cui": eu_vat.is_valid, "sk.rc": sk_rc.is_valid, "sk.dph": eu_vat.is_valid,
    "si.emso": si_emso.is_valid, "si.davcna": si_ddv.is_valid, "si.ddv": eu_vat.is_valid,
    "es.dni": es_dni.is_valid, "es.nie": es_nie.is_valid, "es.nuss": es_nuss_valid, "es.vat": eu_vat.is_valid,
    "se.personnummer": se_pnr.is_valid, "se.vat": eu_vat.is_valid,
}


# Schemes whose validity is only a plausible date (the Danish CPR checksum was abandoned in 2007):
# they accept a tenth of all 10-digit numbers, so they are not used to vet near misses.
DATE_ONLY = {"dk.cpr"}


def _accepts(valid, comp, cand):
    try:
        return bool(valid(comp) or valid(cand))
    except Exception:
        return False


def near_miss(rng, sub, compact, display):
    """Change one digit of the display form so that no scheme's checksum accepts it (verified)."""
    pos = [i for i, ch in enumerate(display) if ch.isdigit()]
    for _ in range(200):
        i = rng.choice(pos[-4:] if len(pos) > 4 else pos)
        d = rng.choice([x for x in DIG if x != display[i]])
        cand = display[:i] + d + display[i + 1:]
        comp = "".join(ch for ch in cand if ch.isalnum())
        if not any(_accepts(v, comp, cand) for k, v in VALIDATORS.items() if k not in DATE_ONLY):
            return cand  # invalid for its own scheme and for every other scheme too
    return None


# ---------- IBAN, cards ----------

# ISO 13616 BBAN structures: n digits, a upper letters, c alphanumerics.
BBAN = {
    "AT": "16n", "BE": "12n", "BG": "4a6n8c", "HR": "17n", "CY": "8n16c", "CZ": "20n", "DK": "14n",
    "EE": "16n", "FI": "14n", "FR": "10n11n2n", "DE": "18n", "GR": "7n16n", "HU": "24n", "IE": "4a14n",
    "IT": "1a10n12n", "LV": "4a13n", "LT": "16n", "LU": "3n13n", "MT": "4a5n18n", "NL": "4a10n",
    "PL": "24n", "PT": "21n", "RO": "4a16n", "SK": "20n", "SI": "15n", "ES": "20n", "SE": "20n",
}


def _bban(rng, spec):
    out, num = [], ""
    for ch in spec:
        if ch.isdigit():
            num += ch
            continue
        n = int(num)
        num = ""
        pool = DIG if ch == "n" else UP if ch == "a" else DIG + UP
        out.append("".join(rng.choice(pool) for _ in range(n)))
    return "".join(out)


def iban(rng, cc):
    def cand():
        b = _bban(rng, BBAN[cc])
        # compute ISO 7064 mod 97-10 check digits, then let stdnum confirm (incl. national checks)
        s = b + cc + "00"
        n = int("".join(str(int(ch, 36)) for ch in s))
        return f"{cc}{98 - n % 97:02d}{b}"

    c = search(rng, cand, std_iban.is_valid)
    grouped = " ".join(c[i:i + 4] for i in range(0, len(c), 4))
    return c, rng.choice([grouped, grouped, c])


def card(rng):
    kind = rng.choice(["visa", "visa", "mc", "mc2", "amex", "maestro"])
    if kind == "visa":
        prefix, n = "4", 16
    elif kind == "mc":
        prefix, n = "5" + rng.choice("12345"), 16
    elif kind == "mc2":
        prefix, n = str(rng.randint(2221, 2720)), 16
    elif kind == "amex":
        prefix, n = rng.choice(["34", "37"]), 15
    else:
        prefix, n = rng.choice(["6759", "6761", "5018"]), 16
    body = prefix + "".join(rng.choice(DIG) for _ in range(n - len(prefix) - 1))
    c = body + luhn.calc_check_digit(body)
    assert luhn.is_valid(c)
    if n == 15:
        groups = [c[:4], c[4:10], c[10:]]
    else:
        groups = [c[i:i + 4] for i in range(0, 16, 4)]
    sep = rng.choice([" ", " ", "-", ""])
    return c, sep.join(groups)


def card_near_miss(rng):
    c, disp = card(rng)
    last = int(disp[-1])
    bad = disp[:-1] + str((last + rng.randint(1, 9)) % 10)
    assert not luhn.is_valid("".join(ch for ch in bad if ch.isdigit()))
    return bad
