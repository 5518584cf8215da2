#!/usr/bin/env python3
"""Regenerate the validator test vectors of CountryValidatorsB (one TSV per validator).

    pip install python-stdnum && python3 gen_b.py

python-stdnum (LGPL-2.1) is used only as an oracle here: its verdicts are committed as data,
no code of it is copied into caviar. Identifiers that stdnum does not know (LU matricule,
MT identity card, PL identity card, ES social security number, BIC) are judged by the small
independent reference implementations written below from the national rules.

Every file has the columns `expected` (valid|invalid), `value` and `note`. Valid values are
random bodies completed with the check character that the oracle accepts; invalid values are
near misses (check character changed, one digit changed, a digit dropped or added, an
impossible birth date), each confirmed invalid by the oracle. Deterministic (fixed seed).
"""
import json
import os
import random
import string

from stdnum import luhn, verhoeff
from stdnum.es import cif as es_cif, dni as es_dni, nie as es_nie, nif as es_nif
from stdnum.ie import pps as ie_pps, vat as ie_vat
from stdnum.it import codicefiscale as it_cf, iva as it_iva
from stdnum.lt import asmens as lt_asmens, pvm as lt_pvm
from stdnum.lu import tva as lu_tva
from stdnum.lv import pvn as lv_pvn
from stdnum.mt import vat as mt_vat
from stdnum.nl import bsn as nl_bsn, btw as nl_btw, identiteitskaartnummer as nl_doc
from stdnum.pl import nip as pl_nip, pesel as pl_pesel, regon as pl_regon
from stdnum.pt import cc as pt_cc, nif as pt_nif
from stdnum.ro import cnp as ro_cnp, cui as ro_cui
from stdnum.se import orgnr as se_orgnr, personnummer as se_pnr, vat as se_vat
from stdnum.si import ddv as si_ddv, emso as si_emso
from stdnum.sk import dph as sk_dph, rc as sk_rc

HERE = os.path.dirname(os.path.abspath(__file__))
R = random.Random(20261129)
D = string.digits
U = string.ascii_uppercase


def rd(n):
    return ''.join(R.choice(D) for _ in range(n))


def date(y0=1930, y1=2015):
    y = R.randint(y0, y1)
    m = R.randint(1, 12)
    d = R.randint(1, 28)
    return y, m, d


# --- independent reference implementations (no stdnum module exists) -----------------------

def lu_matricule_ok(s):
    s = s.replace(' ', '')
    if len(s) != 13 or not s.isdigit():
        return False
    y, m, d = int(s[:4]), int(s[4:6]), int(s[6:8])
    import datetime
    try:
        datetime.date(y, m, d)
    except ValueError:
        return False
    return luhn.is_valid(s[:12]) and verhoeff.is_valid(s[:11] + s[12])


def mt_id_ok(s):
    s = s.replace(' ', '')
    return (2 <= len(s) <= 8 and s[:-1].isdigit() and int(s[:-1]) > 0 and s[-1] in 'MGAPLHBZ')


def pl_id_ok(s):
    s = s.replace(' ', '')
    if len(s) != 9 or not s[:3].isalpha() or not s[:3].isupper() or not s[3:].isdigit():
        return False
    vals = [int(ch, 36) for ch in s]
    return sum(v * w for v, w in zip(vals, (7, 3, 1, 9, 7, 3, 1, 7, 3))) % 10 == 0


def es_nss_ok(s):
    s = ''.join(ch for ch in s if ch.isdigit())
    if len(s) != 12:
        return False
    p, n, c = int(s[:2]), int(s[2:10]), int(s[10:])
    if p == 0 or n == 0:
        return False
    base = p * 10**7 + n if n < 10**7 else int(s[:10])
    return base % 97 == c


with open('/usr/share/iso-codes/json/iso_3166-1.json') as f:
    ISO = {x['alpha_2'] for x in json.load(f)['3166-1']} | {'XK'}


def bic_ok(s):
    if len(s) not in (8, 11):
        return False
    if not all(ch in U for ch in s[:6]) or not all(ch in U + D for ch in s[6:]):
        return False
    return s[7] != 'O' and s[4:6] in ISO


def only16(f):
    return lambda s: len(s.replace(' ', '')) == 16 and f(s)


# --- generators ------------------------------------------------------------------------------

def complete(body, alphabet, oracle, at=None):
    """body with one check character (inserted at index `at`, default end) accepted by oracle."""
    ok = []
    for ch in alphabet:
        v = body + ch if at is None else body[:at] + ch + body[at:]
        if oracle(v):
            ok.append(v)
    return R.choice(ok) if ok else None


def g_ie_pps():
    tail = R.choice(['', '', 'A', 'B', 'H', 'W'])
    return complete(rd(7), 'WABCDEFGHIJKLMNOPQRSTUV', ie_pps.is_valid, at=7) if not tail else \
        complete(rd(7) + tail, 'WABCDEFGHIJKLMNOPQRSTUV', ie_pps.is_valid, at=7)


def g_ie_vat():
    kind = R.choice(['new', 'new2', 'old'])
    pre = R.choice(['', 'IE', 'IE '])
    if kind == 'new':
        v = complete(rd(7), 'WABCDEFGHIJKLMNOPQRSTUV', ie_vat.is_valid)
    elif kind == 'new2':
        v = complete(rd(7) + 'H', 'WABCDEFGHIJKLMNOPQRSTUV', ie_vat.is_valid, at=7)
    else:
        v = complete(rd(1) + R.choice(U) + rd(5), 'WABCDEFGHIJKLMNOPQRSTUV', ie_vat.is_valid)
    return v and pre + v


def g_it_cf():
    omo = 'LMNPQRSTUV'
    y, m, d = date()
    dd = d + (40 if R.random() < 0.5 else 0)
    body = ''.join(R.choice(U) for _ in range(6)) + '%02d' % (y % 100) + 'ABCDEHLMPRST'[m - 1] + '%02d' % dd \
        + R.choice(U) + rd(3)
    if R.random() < 0.3:  # omocodia: replace the last digit(s)
        body = body[:14] + omo[int(body[14])]
    return complete(body, U, only16(it_cf.is_valid))


def g_it_iva():
    body = rd(7) + '%03d' % R.choice(list(range(1, 101)) + [120, 121, 888, 999])
    v = complete(body, D, it_iva.is_valid)
    return v and R.choice(['', 'IT', 'IT ']) + v


def g_lv_pk():
    if R.random() < 0.3:
        return complete('32' + rd(8), D, lv_pvn.is_valid)
    y, m, d = date(1890, 2015)
    body = '%02d%02d%02d' % (d, m, y % 100) + str((y - 1800) // 100) + rd(3)
    return complete(body, D, lv_pvn.is_valid)


def g_lv_pvn():
    if R.random() < 0.5:
        v = complete(R.choice('456789') + rd(9), D, lv_pvn.is_valid)
    else:
        v = g_lv_pk()
    return v and R.choice(['', 'LV']) + v


def g_lt_ak():
    y, m, d = date(1900, 2015)
    g = (y - 1800) // 100 * 2 + R.choice([1, 2]) - 2 + 1
    g = {1900: 3, 2000: 5}[y // 100 * 100] + R.choice([0, 1])
    return complete('%d%02d%02d%02d' % (g, y % 100, m, d) + rd(3), D, lt_asmens.is_valid)


def g_lt_pvm():
    if R.random() < 0.5:
        v = complete(rd(7) + '1', D, lt_pvm.is_valid)
    else:
        v = complete(rd(10) + '1', D, lt_pvm.is_valid)
    return v and R.choice(['', 'LT']) + v


def g_lu_mat():
    y, m, d = date(1920, 2020)
    body = '%04d%02d%02d' % (y, m, d) + rd(3)
    body = complete(body, D, luhn.is_valid)
    return body and complete(body, D, lu_matricule_ok)


def g_lu_tva():
    b = R.choice('123456789') + rd(5)
    return R.choice(['', 'LU']) + b + '%02d' % (int(b) % 89)


def g_mt_id():
    return rd(R.randint(3, 7)).rjust(7, '0') + R.choice('MGAPLHBZ') if R.random() < 0.8 else str(R.randint(1, 99999)) + 'M'


def g_mt_vat():
    v = complete(R.choice('123456789') + rd(5), [a + b for a in D for b in D], mt_vat.is_valid)
    return v and R.choice(['', 'MT']) + v


def g_nl_bsn():
    return complete(rd(8), D, nl_bsn.is_valid)


def g_nl_btw():
    v = g_nl_bsn()
    return v and R.choice(['NL', '']) + v + 'B' + R.choice(['01', '02', '03', '12'])


def g_nl_doc():
    a = 'ABCDEFGHIJKLMNPQRSTUVWXYZ'
    return ''.join(R.choice(a) for _ in range(2)) + ''.join(R.choice(a + D) for _ in range(6)) + rd(1)


def g_pl_pesel():
    y, m, d = date(1900, 2025)
    mm = m + {1900: 0, 2000: 20}[y // 100 * 100]
    return complete('%02d%02d%02d' % (y % 100, mm, d) + rd(4), D, pl_pesel.is_valid)


def g_pl_nip():
    v = complete(rd(9), D, pl_nip.is_valid)
    return v and R.choice(['', '', 'PL']) + v


def g_pl_regon():
    r9 = complete(rd(8), D, pl_regon.is_valid)
    return r9 and r9 if R.random() < 0.5 else complete(r9 + rd(4), D, pl_regon.is_valid)


def g_pl_id():
    return complete(''.join(R.choice(U) for _ in range(3)) + rd(5), D, pl_id_ok, at=3)


def g_pt_nif():
    v = complete(R.choice('1235689') + rd(7), D, pt_nif.is_valid)
    return v and R.choice(['', 'PT']) + v


def g_pt_cc():
    return complete(rd(9) + R.choice(U + D) + R.choice(U + D), D, pt_cc.is_valid)


def g_ro_cnp():
    y, m, d = date(1900, 2020)
    s = R.choice([1, 2]) if y < 2000 else R.choice([5, 6])
    county = R.choice(list(range(1, 47)) + [51, 52])
    return complete('%d%02d%02d%02d%02d' % (s, y % 100, m, d, county) + rd(3), D, ro_cnp.is_valid)


def g_ro_cui():
    v = complete(R.choice('123456789') + rd(R.randint(1, 8)), D, ro_cui.is_valid)
    return v and R.choice(['', 'RO']) + v


def g_sk_rc():
    if R.random() < 0.2:
        y, m, d = date(1920, 1953)
        return '%02d%02d%02d' % (y % 100, m + R.choice([0, 50]), d) + rd(3)
    y, m, d = date(1954, 2020)
    return complete('%02d%02d%02d' % (y % 100, m + R.choice([0, 50]), d) + rd(3), D, sk_rc.is_valid)


def g_sk_dph():
    v = complete(R.choice('123456789') + rd(1) + R.choice('234789') + rd(6), D, sk_dph.is_valid)
    return v and R.choice(['', 'SK']) + v


def g_si_emso():
    y, m, d = date(1930, 2020)
    return complete('%02d%02d%03d' % (d, m, y % 1000) + R.choice(['50', '10', '19']) + rd(3), D, si_emso.is_valid)


def g_si_ddv():
    v = complete(R.choice('123456789') + rd(6), D, si_ddv.is_valid)
    return v and R.choice(['', 'SI']) + v


def g_es_dni():
    return complete(rd(8), U, es_dni.is_valid)


def g_es_nie():
    return complete(R.choice('XYZ') + rd(7), U, es_nie.is_valid)


def g_es_cif():
    return complete(R.choice('ABCDEFGHJNPQRSUVW') + rd(7), U + D, es_cif.is_valid)


def g_es_nif():
    v = R.choice([g_es_dni, g_es_nie, g_es_cif, lambda: complete(R.choice('KLM') + rd(7), U, es_nif.is_valid)])()
    return v and R.choice(['', 'ES']) + v


def g_es_nss():
    p = R.randint(1, 52)
    n = R.randint(1, 99999999)
    base = p * 10**7 + n if n < 10**7 else p * 10**8 + n
    return '%02d%08d%02d' % (p, n, base % 97)


def g_se_pnr():
    y, m, d = date(1925, 2020)
    v = complete('%02d%02d%02d' % (y % 100, m, d) + rd(3), D, lambda s: se_pnr.is_valid(s[:6] + '-' + s[6:]))
    if v is None:
        return None
    return R.choice([v[:6] + '-' + v[6:], v, str(y // 100) + v[:6] + '-' + v[6:], str(y // 100) + v])


def g_se_org():
    return complete(R.choice('25789') + rd(1) + R.choice('23456789') + rd(6), D, se_orgnr.is_valid)


def g_se_vat():
    v = g_se_org()
    return v and R.choice(['SE', '']) + v + '01'


REAL_BICS = ['DEUTDEFF', 'BNPAFRPP', 'COBADEFFXXX', 'INGBNL2A', 'ABNANL2A', 'RABONL2U', 'GEBABEBB', 'KREDBEBB',
             'BBVAESMM', 'CAIXESBBXXX', 'UNCRITMM', 'BCITITMM', 'NDEAFIHH', 'HANDSESS', 'ESSESESS', 'DABADKKK',
             'BKAUATWW', 'RZBAATWW', 'PKOPPLPW', 'BREXPLPWMBK', 'CGDIPTPL', 'BCOMPTPL', 'BCEELULL', 'BILLLULL',
             'AIBKIE2D', 'BOFIIE2D', 'HABALV22', 'HABALT22', 'SWEDSESS', 'TATRSKBX', 'LJBASI2X', 'BTRLRO22',
             'VALLMTMT', 'BARCGB22', 'CHASUS33', 'UBSWCHZH80A', 'NBBEBEBB203', 'ECBFDEFFXXX', 'BSCHESMMXXX']


def g_bic():
    return R.choice(REAL_BICS)


# --- near misses -----------------------------------------------------------------------------

def mutations(v):
    """Near misses of v: each position changed to another character of its class, plus one
    character dropped, one digit added, two neighbours swapped."""
    out = []
    for i, ch in enumerate(v):
        if ch.isdigit():
            out.append(v[:i] + R.choice(D.replace(ch, '')) + v[i + 1:])
        elif ch.isalpha():
            out.append(v[:i] + R.choice(U.replace(ch.upper(), '')) + v[i + 1:])
    i = R.randrange(len(v))
    out.append(v[:i] + v[i + 1:])
    out.append(v[:i] + R.choice(D) + v[i:])
    if len(v) > 2:
        j = R.randrange(len(v) - 1)
        out.append(v[:j] + v[j + 1] + v[j] + v[j + 2:])
    return out


EXTRA_INVALID = {
    'it_codice_fiscale': ['RSSMRA85T10A562S'.replace('T', 'X', 1), 'RSSMRA85B30A562X'],
    'pl_pesel': ['85023012345', '00000000000'],
    'se_personnummer': ['850230-1234', '19850230-1234'],
    'bic': ['DEUTQQFF', 'DEUTDEF', 'DEUTDEFFXX', 'DEU1DEFF', 'DEUTDEFO', 'deutdeff', 'DEUT DEFF', 'ABCDZZ12'],
    'nl_document_number': ['SPECI2O14', 'SPECI20145', '1PECI2014', 'sP'],
    'mt_id': ['0000000M', '1234567Q', '12345678M', 'M1234567'],
    'es_nss': ['000000000000', '281234567840', '28123456784'],
}

VALIDATORS = [
    ('ie_pps', g_ie_pps, ie_pps.is_valid),
    ('ie_vat', g_ie_vat, ie_vat.is_valid),
    ('it_codice_fiscale', g_it_cf, only16(it_cf.is_valid)),
    ('it_partita_iva', g_it_iva, it_iva.is_valid),
    ('lv_personas_kods', g_lv_pk, lambda s: s[:1] in '0123' and lv_pvn.is_valid(s)),
    ('lv_pvn', g_lv_pvn, lv_pvn.is_valid),
    ('lt_asmens_kodas', g_lt_ak, lt_asmens.is_valid),
    ('lt_pvm', g_lt_pvm, lt_pvm.is_valid),
    ('lu_matricule', g_lu_mat, lu_matricule_ok),
    ('lu_tva', g_lu_tva, lu_tva.is_valid),
    ('mt_id', g_mt_id, mt_id_ok),
    ('mt_vat', g_mt_vat, mt_vat.is_valid),
    ('nl_bsn', g_nl_bsn, nl_bsn.is_valid),
    ('nl_btw', g_nl_btw, nl_btw.is_valid),
    ('nl_document_number', g_nl_doc, nl_doc.is_valid),
    ('pl_pesel', g_pl_pesel, pl_pesel.is_valid),
    ('pl_nip', g_pl_nip, pl_nip.is_valid),
    ('pl_regon', g_pl_regon, pl_regon.is_valid),
    ('pl_id_card', g_pl_id, pl_id_ok),
    ('pt_nif', g_pt_nif, pt_nif.is_valid),
    ('pt_cc', g_pt_cc, lambda s: len(s) == 12 and pt_cc.is_valid(s)),
    ('ro_cnp', g_ro_cnp, ro_cnp.is_valid),
    ('ro_cui', g_ro_cui, ro_cui.is_valid),
    ('sk_rodne_cislo', g_sk_rc, sk_rc.is_valid),
    ('sk_dph', g_sk_dph, sk_dph.is_valid),  # includes stdnum's rodné-číslo fallback, as caviar does
    ('si_emso', g_si_emso, si_emso.is_valid),
    ('si_ddv', g_si_ddv, si_ddv.is_valid),
    ('es_dni', g_es_dni, es_dni.is_valid),
    ('es_nie', g_es_nie, es_nie.is_valid),
    ('es_cif', g_es_cif, es_cif.is_valid),
    ('es_nif', g_es_nif, es_nif.is_valid),
    ('es_nss', g_es_nss, es_nss_ok),
    ('se_personnummer', g_se_pnr, se_pnr.is_valid),
    ('se_orgnr', g_se_org, se_orgnr.is_valid),
    ('se_vat', g_se_vat, se_vat.is_valid),
    ('bic', g_bic, bic_ok),
]


def main():
    for name, gen, oracle in VALIDATORS:
        valid = []
        while len(valid) < 25:
            v = gen()
            if v and oracle(v) and v not in valid:
                valid.append(v)
        invalid = [(x, 'listed near miss') for x in EXTRA_INVALID.get(name, []) if not oracle(x)]
        pool = [m for v in valid for m in mutations(v)]
        R.shuffle(pool)
        seen = set(valid) | {x for x, _ in invalid}
        for m in pool:
            if len(invalid) >= 30:
                break
            if m and m not in seen and not oracle(m):
                seen.add(m)
                invalid.append((m, 'mutation of a valid value'))
        with open(os.path.join(HERE, name + '.tsv'), 'w') as f:
            f.write('expected\tvalue\tnote\n')
            for v in valid:
                f.write('valid\t%s\toracle-accepted\n' % v)
            for v, note in invalid:
                f.write('invalid\t%s\t%s\n' % (v, note))


if __name__ == '__main__':
    main()
