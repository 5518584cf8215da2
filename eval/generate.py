#!/usr/bin/env python3
"""Deterministic generator of the labelled multilingual evaluation corpus for caviar.

    python3 eval/generate.py --out eval/corpus            # the committed corpus
    python3 eval/generate.py --out /tmp/c --per-lang 4    # a small one (tests)

Each output line is one document:
    {"id","lang","langs","kind","text","labels":[{"start","end","entity","role",...}],"expect"}
with label offsets in UTF-8 bytes of "text". role "planted" = must be redacted, "decoy" = must
survive. Same seed + same pinned Faker / python-stdnum versions (eval/requirements.txt) =
byte-identical output; the script refuses other versions unless --any-version is given.
"""

import argparse
import base64
import datetime
import hashlib
import json
import os
import random
import re
import string
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import faker  # noqa: E402
import stdnum  # noqa: E402
from faker import Faker  # noqa: E402

import idgen  # noqa: E402
import phrases as PH  # noqa: E402

PINNED = {"faker": "40.63.0", "python-stdnum": "2.2"}
SEED = 20260301
LANGS = PH.LANGS
KINDS = ["email", "minutes", "hr", "ticket", "expense", "chat"]
EU27 = ["AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
        "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"]
LANG_COUNTRIES = {"en": ["IE", "MT"], "fr": ["FR", "BE", "LU"], "de": ["DE", "AT", "LU"], "it": ["IT"],
                  "es": ["ES"], "nl": ["NL", "BE"], "pl": ["PL"], "pt": ["PT"], "sv": ["SE", "FI"],
                  "da": ["DK"], "fi": ["FI"], "cs": ["CZ", "SK"], "el": ["GR", "CY"], "hu": ["HU"], "ro": ["RO"]}
COUNTRY_LOCALE = {"AT": "de_AT", "BE": "nl_BE", "BG": "bg_BG", "HR": "hr_HR", "CY": None, "CZ": "cs_CZ",
                  "DK": "da_DK", "EE": "et_EE", "FI": "fi_FI", "FR": "fr_FR", "DE": "de_DE", "GR": "el_GR",
                  "HU": "hu_HU", "IE": "en_IE", "IT": "it_IT", "LV": "lv_LV", "LT": "lt_LT", "LU": None,
                  "MT": None, "NL": "nl_NL", "PL": "pl_PL", "PT": "pt_PT", "RO": "ro_RO", "SK": "sk_SK",
                  "SI": "sl_SI", "ES": "es_ES", "SE": "sv_SE"}
# Name lists for countries whose Faker locale has none of its own (invented combinations).
OWN_NAMES = {
    "CY": (["Andreas", "Nikos", "Christos", "Giorgos", "Marios"], ["Maria", "Eleni", "Georgia", "Andri", "Despo"],
           ["Georgiou", "Christodoulou", "Ioannou", "Charalambous", "Konstantinou", "Panayiotou", "Kyriakou"]),
    "LU": (["Luc", "Jean", "Gilles", "Tom", "Claude", "Jeff"], ["Marie", "Anne", "Sandra", "Nathalie", "Carole"],
           ["Schmit", "Weber", "Wagner", "Hoffmann", "Thill", "Kieffer", "Reding", "Kremer", "Bettendorf"]),
    "MT": (["Joseph", "Carmel", "Matthew", "Kurt", "Jean Paul"], ["Maria", "Rita", "Josianne", "Roberta", "Doris"],
           ["Borg", "Camilleri", "Vella", "Farrugia", "Zammit", "Galea", "Micallef", "Grech", "Attard", "Spiteri"]),
}
# Street and city lists where Faker's locale falls back to English street names.
OWN_STREETS = {
    "BE": (["rue de la Loi", "avenue Louise", "chaussée de Wavre", "rue Belliard", "Wetstraat", "Kortrijksesteenweg"],
           [("1000", "Bruxelles"), ("1040", "Etterbeek"), ("4000", "Liège"), ("9000", "Gent"), ("2000", "Antwerpen")]),
    "BG": (["ул. Витоша", "ул. Граф Игнатиев", "ул. Раковски", "бул. Христо Ботев"],
           [("1000", "София"), ("4000", "Пловдив"), ("9000", "Варна")]),
    "CY": (["Leoforos Makariou III", "Odos Ledras", "Archiepiskopou Kyprianou", "Οδός Στασικράτους"],
           [("1065", "Nicosia"), ("3036", "Limassol"), ("6023", "Larnaca"), ("1066", "Λευκωσία")]),
    "EE": (["Narva mnt", "Pärnu mnt", "Tartu mnt", "Lai tn", "Vabaduse pst"],
           [("10117", "Tallinn"), ("50090", "Tartu"), ("80010", "Pärnu")]),
    "LV": (["Brīvības iela", "Elizabetes iela", "Krišjāņa Barona iela", "Tērbatas iela"],
           [("1010", "Rīga"), ("3001", "Jelgava"), ("5401", "Daugavpils")]),
    "LT": (["Gedimino pr.", "Vilniaus g.", "Savanorių pr.", "Laisvės al."],
           [("01103", "Vilnius"), ("44280", "Kaunas"), ("92231", "Klaipėda")]),
    "LU": (["rue de la Gare", "boulevard Royal", "avenue de la Liberté", "route d'Arlon", "rue Notre-Dame"],
           [("1611", "Luxembourg"), ("4001", "Esch-sur-Alzette"), ("8010", "Strassen"), ("2540", "Luxembourg")]),
    "MT": (["Triq il-Kbira", "Triq San Pawl", "Triq ir-Repubblika", "Triq il-Merkanti"],
           [("BKR 1234", "Birkirkara"), ("VLT 1117", "Valletta"), ("SLM 1549", "Sliema")]),
    "IE": (["Main Street", "Harcourt Street", "Pearse Street", "O'Connell Street", "Patrick Street"],
           [("D02 X285", "Dublin 2"), ("T12 K8AF", "Cork"), ("H91 E2K3", "Galway"), ("D04 C932", "Dublin 4")]),
}

IT_CITIES = ["Roma", "Milano", "Torino", "Napoli", "Bologna", "Firenze", "Genova", "Bari", "Palermo", "Verona",
             "Padova", "Trieste", "Perugia", "Cagliari"]

PHONE_PLANS = {
    "AT": ("43", "0", ["0664 XXX XXXX", "01 XXX XX XX", "0316 XXXXXX"]),
    "BE": ("32", "0", ["047X XX XX XX", "02 XXX XX XX", "09 XXX XX XX"]),
    "BG": ("359", "0", ["088 XXX XXXX", "02 XXX XXXX"]),
    "HR": ("385", "0", ["091 XXX XXXX", "01 XXXX XXX"]),
    "CY": ("357", "", ["99 XXXXXX", "22 XXXXXX"]),
    "CZ": ("420", "", ["6XX XXX XXX", "7XX XXX XXX", "2XX XXX XXX"]),
    "DK": ("45", "", ["2X XX XX XX", "3X XX XX XX"]),
    "EE": ("372", "", ["5XXX XXXX", "6XX XXXX"]),
    "FI": ("358", "0", ["040 XXX XXXX", "050 XXX XXXX", "09 XXXX XXXX"]),
    "FR": ("33", "0", ["06 XX XX XX XX", "01 XX XX XX XX", "07 XX XX XX XX"]),
    "DE": ("49", "0", ["0151 XXXXXXXX", "030 XXXXXXX", "089 XXXXXXXX", "0170 XXXXXXX"]),
    "GR": ("30", "", ["69X XXX XXXX", "210 XXX XXXX"]),
    "HU": ("36", "06", ["06 20 XXX XXXX", "06 1 XXX XXXX", "06 30 XXX XXXX"]),
    "IE": ("353", "0", ["087 XXX XXXX", "01 XXX XXXX", "085 XXX XXXX"]),
    "IT": ("39", "", ["3XX XXX XXXX", "06 XXXX XXXX", "02 XXXX XXXX"]),
    "LV": ("371", "", ["2XXX XXXX", "67XX XXXX"]),
    "LT": ("370", "8", ["8 6XX XXXXX", "8 5 XXX XXXX"]),
    "LU": ("352", "", ["621 XXX XXX", "691 XXX XXX", "2X XX XX XX"]),
    "MT": ("356", "", ["79XX XXXX", "21XX XXXX"]),
    "NL": ("31", "0", ["06 XXXX XXXX", "06-XXXXXXXX", "020 XXX XXXX", "010 XXX XXXX"]),
    "PL": ("48", "", ["5XX XXX XXX", "6XX XXX XXX", "22 XXX XX XX"]),
    "PT": ("351", "", ["91X XXX XXX", "96X XXX XXX", "21X XXX XXX"]),
    "RO": ("40", "0", ["07XX XXX XXX", "021 XXX XXXX"]),
    "SK": ("421", "0", ["09XX XXX XXX", "02 XXXX XXXX"]),
    "SI": ("386", "0", ["041 XXX XXX", "01 XXX XX XX"]),
    "ES": ("34", "", ["6XX XXX XXX", "91X XX XX XX", "93X XX XX XX"]),
    "SE": ("46", "0", ["07X-XXX XX XX", "08-XXX XXX XX", "031-XX XX XX"]),
}
PASSPORT_FORMATS = {  # format-only; L = letter, D = digit, A = letter or digit
    "AT": "LDDDDDDD", "BE": "LLDDDDDD", "BG": "DDDDDDDDD", "HR": "DDDDDDDDD", "CY": "LDDDDDDDD",
    "CZ": "DDDDDDDD", "DK": "DDDDDDDDD", "EE": "LDDDDDDD", "FI": "LLDDDDDDD", "FR": "DDLLDDDDD",
    "DE": "CAAAAAAAA", "GR": "LLDDDDDDD", "HU": "LLDDDDDDD", "IE": "LLDDDDDDD", "IT": "LLDDDDDDD",
    "LV": "LLDDDDDDD", "LT": "DDDDDDDD", "LU": "AAAAAAAA", "MT": "DDDDDDD", "NL": "LLAAAAAAD",
    "PL": "LLDDDDDDD", "PT": "LDDDDDD", "RO": "DDDDDDDD", "SK": "LLDDDDDDD", "SI": "PLDDDDDDD",
    "ES": "LLLDDDDDD", "SE": "DDDDDDDD",
}

PUBLIC_REFS = ["2023/0900(NLE)", "2017/0035(COD)", "2023/2017(INI)", "A9-0265/2023", "A7-0245/2012",
               "T9-0311/2023", "COM(2017)0085", "C(2001) 3031", "SWD(2022) 167 final", "8338/1/15 REV 1",
               "P9_TA(2020)0364", "PE 634.092", "OJ C 96, 1.4.2014", "32016R0679", "2012/2124(REG)",
               "COM(2020) 825 final", "A9-0140/2022", "2020/0361(COD)"]
BUILDINGS = ["PHS", "ASP", "JAN", "WIC", "LOW", "SDM", "MTY", "WIB"]
INTERNAL_DOMAINS = ["ep.parl.union.eu", "europarl.europa.eu", "ec.europa.eu", "consilium.europa.eu", "eeas.europa.eu"]


class Doc:
    """Accumulates text and byte-offset labels."""

    def __init__(self, lang):
        self.parts, self.n, self.labels, self.lang = [], 0, [], lang

    def add(self, s):
        self.parts.append(s)
        self.n += len(s.encode("utf-8"))

    def _label(self, s, entity, role, **extra):
        start = self.n
        self.add(s)
        lab = {"start": start, "end": self.n, "entity": entity, "role": role, "lang": self.lang}
        lab.update({k: v for k, v in extra.items() if v is not None})
        self.labels.append(lab)

    def plant(self, s, entity, **extra):
        self._label(s, entity, "planted", **extra)

    def decoy(self, s, entity, **extra):
        self._label(s, entity, "decoy", **extra)

    def text(self):
        return "".join(self.parts)


TOKEN = re.compile(r"(\{\w+\}|\[\[.*?\]\]|<<.*?>>)")


def emit(doc, template, slots):
    """Write a template, calling slots[name](doc) for {name}; [[w]] and <<w>> are decoys."""
    for piece in TOKEN.split(template):
        if not piece:
            continue
        if piece.startswith("{") and piece.endswith("}"):
            v = slots[piece[1:-1]]
            if callable(v):
                v(doc)
            else:
                doc.add(v)
        elif piece.startswith("[["):
            doc.decoy(piece[2:-2], "COMMON_WORD")
        elif piece.startswith("<<"):
            doc.decoy(piece[2:-2], "PROSE_MARKING")
        else:
            doc.add(piece)


def ascii_fold(s):
    s = s.replace("ß", "ss").replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("æ", "ae")
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()


GREEK2LAT = dict(zip("αβγδεζηθικλμνξοπρστυφχψωάέήίόύώϊϋΐΰς",
                     ["a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o", "p", "r", "s", "t",
                      "y", "f", "ch", "ps", "o", "a", "e", "i", "i", "o", "y", "o", "i", "y", "i", "y", "s"]))
CYR2LAT = dict(zip("абвгдежзийклмнопрстуфхцчшщъьюя",
                   ["a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t",
                    "u", "f", "h", "ts", "ch", "sh", "sht", "a", "", "yu", "ya"]))


def latin(s):
    out = []
    for ch in s.lower():
        out.append(GREEK2LAT.get(ch, CYR2LAT.get(ch, ch)))
    return ascii_fold("".join(out))


class Gen:
    def __init__(self, seed):
        self.seed = seed
        self.fakers = {}

    def faker(self, locale, rng):
        f = self.fakers.get(locale)
        if f is None:
            f = self.fakers[locale] = Faker(locale)
        f.seed_instance(rng.randrange(2 ** 31))
        return f

    # ---------- people ----------
    def person(self, rng, country):
        female = rng.random() < 0.5
        if country in OWN_NAMES:
            males, females, lasts = OWN_NAMES[country]
            first = rng.choice(females if female else males)
            last = rng.choice(lasts)
        else:
            f = self.faker(COUNTRY_LOCALE[country], rng)
            first = f.first_name_female() if female else f.first_name_male()
            try:
                last = f.last_name_female() if female else f.last_name_male()
            except AttributeError:
                last = f.last_name()
        p = {"first": first, "last": last, "female": female, "country": country}
        lf, ll = latin(first).replace(" ", ""), latin(last).replace(" ", "").replace("'", "")
        style = rng.random()
        if style < 0.55:
            local = f"{lf}.{ll}"
        elif style < 0.7:
            local = f"{lf[0]}{ll}"
        elif style < 0.85 and (first != ascii_fold(first) or last != ascii_fold(last)) and country not in ("GR", "BG", "CY"):
            local = f"{first.lower()}.{last.lower()}".replace(" ", "")
        else:
            local = f"{lf}.{ll}{rng.randint(1, 99)}"
        p["local"] = local
        p["username"] = rng.choice([f"{lf[0]}{ll}"[:8], f"{ll}{lf[0]}", f"{lf}.{ll[0]}", f"{ll[:6]}{lf[:2]}"])
        return p

    def full(self, lang, p):
        if lang == "hu" and p["country"] == "HU":
            return f"{p['last']} {p['first']}"
        return f"{p['first']} {p['last']}"

    def person_slot(self, p, cue, lang=None):
        """A slot that writes the person's full name (label PERSON with its cue)."""
        def w(doc):
            doc.plant(self.full(lang or doc.lang, p), "PERSON", cue=cue, country=p["country"])
        return w

    def titled(self, rng, lang, p):
        m, f, place = PH.TITLES[lang]
        t = f if p["female"] else m
        if rng.random() < 0.15:
            t = PH.ACADEMIC[lang]

        def w(doc):
            if place == "post" and t not in (PH.ACADEMIC[lang],):
                doc.plant(p["last"], "PERSON", cue="title", country=p["country"])
                doc.add(" " + t)
            else:
                doc.add(t + " ")
                doc.plant(p["last"], "PERSON", cue="title", country=p["country"])
        return w

    # ---------- contact data ----------
    def email(self, rng, p, domain=None, obfuscate=None):
        if domain is None:
            if rng.random() < 0.3:
                domain = rng.choice(INTERNAL_DOMAINS[1:])
            else:
                loc = COUNTRY_LOCALE.get(p["country"]) or "en_GB"
                f = self.faker(loc, rng)
                domain = f.free_email_domain() if rng.random() < 0.4 else latin(f.domain_name())
        if obfuscate is None:
            obfuscate = rng.random() < 0.08
        if obfuscate:
            user, dom = p["local"], domain.split(".")
            form = rng.choice(["paren", "bracket"])
            if form == "paren":
                return f"{user} (at) {' (dot) '.join(dom)}", "obfuscated"
            return f"{user}[at]{'[dot]'.join(dom)}", "obfuscated"
        return f"{p['local']}@{domain}", None

    def email_slot(self, rng, p, **kw):
        value, sub = self.email(rng, p, **kw)
        return lambda doc: doc.plant(value, "EMAIL", sub=sub)

    def phone(self, rng, country, lang):
        cc, trunk, plans = PHONE_PLANS[country]
        tpl = rng.choice(plans)
        national = "".join(rng.choice(string.digits) if ch == "X" else ch for ch in tpl)
        rest = national[len(trunk):].lstrip() if trunk and national.startswith(trunk) else national
        form = rng.random()
        if form < 0.35:
            v = national
            if country == "BE" and rng.random() < 0.4:
                g = national.split(" ")
                v = g[0] + "/" + ".".join(g[1:])
            elif country == "FR" and rng.random() < 0.3:
                v = national.replace(" ", ".")
            elif country == "DE" and rng.random() < 0.4:
                v = national.replace(" ", "/", 1)
        elif form < 0.75:
            v = f"+{cc} {rest}"
        elif form < 0.85 and trunk == "0":
            v = f"+{cc} (0){rest}"
        elif form < 0.93:
            v = f"00{cc} {rest}"
        else:
            v = f"+{cc}{rest.replace(' ', '').replace('-', '')}"
        if lang == "fr" and " " in v and rng.random() < 0.5:
            v = v.replace(" ", rng.choice(["\u00a0", "\u202f"]))
        elif " " in v and rng.random() < 0.08:
            v = v.replace(" ", "\u00a0")
        return v

    def phone_slot(self, rng, country, lang):
        v = self.phone(rng, country, lang)
        return lambda doc: doc.plant(v, "PHONE", country=country)

    def address(self, rng, country, multiline=False):
        num = str(rng.randint(1, 180))
        if country in OWN_STREETS:
            streets, places = OWN_STREETS[country]
            street = rng.choice(streets)
            pc, city = rng.choice(places)
        else:
            f = self.faker(COUNTRY_LOCALE[country], rng)
            street = f.street_name()
            pc, city = f.postcode(), f.city()
            if country == "IT":  # Faker's it_IT city() iterates a set: not stable across processes
                city = rng.choice(IT_CITIES)
        if country == "NL":
            pc = pc.replace(" ", "")
            pc = pc[:4] + " " + pc[4:]
        if country == "SE":
            pc = pc.replace(" ", "")
            pc = pc[:3] + " " + pc[3:]
        if country == "HU":
            pc = pc.replace("H-", "")
        if country in ("FR",):
            lines = [f"{num} {street}", f"{pc} {city}"]
        elif country == "LU":
            lines = [f"{num}, {street}", f"L-{pc} {city}"]
        elif country == "IE":
            lines = [f"{num} {street}", city, pc]
        elif country == "MT":
            lines = [f"{num}, {street}", f"{city} {pc}"]
        elif country == "HU":
            lines = [f"{pc} {city}", f"{street} {num}."]
        elif country == "PL":
            lines = [f"ul. {street} {num}" + (f"/{rng.randint(1, 40)}" if rng.random() < 0.5 else ""), f"{pc} {city}"]
        elif country in ("CZ", "SK"):
            lines = [f"{street} {rng.randint(100, 2999)}/{num}", f"{pc} {city}"]
        elif country == "AT":
            lines = [f"{street} {num}" + (f"/{rng.randint(1, 12)}/{rng.randint(1, 30)}" if rng.random() < 0.4 else ""), f"{pc} {city}"]
        elif country == "ES":
            lines = [f"{street} {num}" + (f", {rng.randint(1, 9)}º {rng.choice('ABCD')}" if rng.random() < 0.5 else ""), f"{pc} {city}"]
        elif country == "DK":
            lines = [f"{street} {num}" + (f", {rng.randint(1, 5)}. {rng.choice(['tv.', 'th.', 'mf.'])}" if rng.random() < 0.5 else ""), f"{pc} {city}"]
        elif country == "FI":
            lines = [f"{street} {num}" + (f" {rng.choice('ABC')} {rng.randint(1, 40)}" if rng.random() < 0.5 else ""), f"{pc} {city}"]
        elif country == "RO":
            lines = [f"{street} nr. {num}" + (f", bl. {rng.choice('ABCD')}{rng.randint(1, 9)}, ap. {rng.randint(1, 80)}" if rng.random() < 0.5 else ""), f"{pc} {city}"]
        elif country == "LV":
            lines = [f"{street} {num}", f"{city}, LV-{pc}"]
        elif country == "LT":
            lines = [f"{street} {num}", f"LT-{pc} {city}"]
        else:
            lines = [f"{street} {num}", f"{pc} {city}"]
        return ("\n" if multiline else ", ").join(lines)

    def address_slot(self, rng, country, multiline=False):
        v = self.address(rng, country, multiline)
        return lambda doc: doc.plant(v, "ADDRESS", country=country, sub="multiline" if multiline else None)

    # ---------- dates ----------
    def fmt_date(self, rng, lang, d, numeric=None):
        if numeric is None:
            numeric = rng.random() < 0.5
        if numeric:
            tpl = rng.choice(PH.NUM_DATE[lang])
        else:
            tpl = rng.choice(PH.LONG_DATE[lang])
        return tpl.format(d=d.day, m=PH.MONTHS[lang][d.month - 1] if not numeric else d.month, y=d.year,
                          dd=f"{d.day:02d}", mm=f"{d.month:02d}", yyyy=d.year)

    def dob_slot(self, rng, lang):
        d = idgen.birth(rng, 1948, 2003)
        cue = rng.choice(PH.DOB_CUE[lang])
        iso = rng.random() < 0.15
        value = d.isoformat() if iso else self.fmt_date(rng, lang, d)
        before, after = cue.split("{D}")

        def w(doc):
            doc.add(before)
            doc.plant(value, "DATE_OF_BIRTH")
            doc.add(after)
        return w

    def mdate_slot(self, rng, lang):
        d = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 700))
        if rng.random() < 0.3:
            v = d.isoformat()
        else:
            v = self.fmt_date(rng, lang, d)
        return lambda doc: doc.decoy(v, "MEETING_DATE")

    # ---------- decoys ----------
    def amount(self, rng, lang):
        n = rng.randint(12, 25000)
        cents = rng.randint(0, 99)
        if lang == "en":
            v = rng.choice([f"€{n:,}.{cents:02d}", f"EUR {n:,}", f"€{n}"])
        elif lang in ("fr", "sv", "fi", "cs", "pl", "hu"):
            s = f"{n:,}".replace(",", "\u00a0" if lang == "fr" and rng.random() < 0.5 else " ")
            cur = {"fr": "€", "sv": "kr", "fi": "€", "cs": "Kč", "pl": "zł", "hu": "Ft"}[lang]
            v = rng.choice([f"{s},{cents:02d} {cur}", f"{s} {cur}", f"{s} EUR"])
        else:
            s = f"{n:,}".replace(",", ".")
            cur = {"da": "kr.", "ro": "lei"}.get(lang, "€")
            v = rng.choice([f"{s},{cents:02d} {cur}", f"{s} EUR", f"EUR {s},{cents:02d}"])
        return lambda doc: doc.decoy(v, "AMOUNT")

    def time_slot(self, rng, lang):
        h, m = rng.randint(8, 18), rng.choice([0, 15, 30, 45])
        if lang == "fr":
            v = f"{h}h{m:02d}" if m else f"{h}h"
        elif lang in ("fi", "da", "sv"):
            v = f"{h}.{m:02d}"
        elif lang == "en" and rng.random() < 0.4:
            v = f"{(h - 1) % 12 + 1}:{m:02d} {'am' if h < 12 else 'pm'}"
        else:
            v = f"{h}:{m:02d}"
        return lambda doc: doc.decoy(v, "TIME")

    def ticket(self, rng):
        v = rng.choice([f"INC{rng.randint(100000, 9999999):07d}", f"SD-{rng.randint(1000, 99999)}",
                        f"#{rng.randint(10000, 999999)}", f"JIRA-{rng.randint(100, 9999)}",
                        f"RITM{rng.randint(1000000, 9999999)}"])
        return lambda doc: doc.decoy(v, "TICKET")

    def version(self, rng):
        v = rng.choice([f"{rng.randint(1, 12)}.{rng.randint(0, 30)}.{rng.randint(0, 20)}",
                        f"v{rng.randint(1, 5)}.{rng.randint(0, 12)}", f"10.0.{rng.randint(17000, 22631)}",
                        f"{rng.randint(2019, 2025)}.{rng.randint(1, 12):02d}.{rng.randint(1, 4)}"])
        return lambda doc: doc.decoy(v, "VERSION")

    def invoice(self, rng):
        y = rng.randint(2019, 2025)
        v = rng.choice([f"INV-{y}-{rng.randint(1, 99999):05d}", f"{y}/{rng.randint(1, 9999):04d}",
                        f"F-{y}-{rng.randint(100, 9999)}", f"RE{y}{rng.randint(1000, 9999)}"])
        return lambda doc: doc.decoy(v, "INVOICE")

    def order(self, rng):
        v = rng.choice([f"PO {rng.randint(4500000000, 4509999999)}", f"#{rng.randint(100000000, 999999999)}",
                        f"ORD-{rng.randint(10000, 999999)}"])
        return lambda doc: doc.decoy(v, "ORDER_ID")

    def year(self, rng):
        v = str(rng.randint(1995, 2025))
        return lambda doc: doc.decoy(v, "YEAR")

    def legal(self, rng, lang):
        v = rng.choice(PH.LEGAL[lang])
        return lambda doc: doc.decoy(v, "LEGAL_REFERENCE")

    def inst(self, rng, lang):
        v = rng.choice(PH.INSTITUTIONS[lang])
        return lambda doc: doc.decoy(v, "INSTITUTION")

    def city(self, rng, lang):
        v = rng.choice(PH.CITIES[lang])
        return lambda doc: doc.decoy(v, "PLACE")

    def country_name(self, rng, lang):
        v = rng.choice(PH.COUNTRIES[lang])
        return lambda doc: doc.decoy(v, "PLACE")

    def pubref(self, rng):
        v = rng.choice(PUBLIC_REFS)
        return lambda doc: doc.decoy(v, "PUBLIC_REFERENCE")

    def near(self, rng):
        """A one-digit-off identifier (checksum fails) or a Luhn-failing card number."""
        for _ in range(20):
            if rng.random() < 0.2:
                v = idgen.card_near_miss(rng)
                return lambda doc: doc.decoy(v, "NEAR_MISS_ID", sub="card")
            country, ent, sub, mk, _ = rng.choice(idgen.SPECS)
            compact, disp = mk(rng)
            bad = idgen.near_miss(rng, sub, compact, disp)
            if bad:
                return lambda doc: doc.decoy(bad, "NEAR_MISS_ID", sub=sub)
        raise RuntimeError("no near miss")

    # ---------- identifiers ----------
    def ident(self, rng, lang, country=None, entity=None):
        specs = [s for s in idgen.SPECS if (country is None or s[0] == country) and (entity is None or s[1] == entity)]
        if not specs:
            specs = [s for s in idgen.SPECS if entity is None or s[1] == entity]
        c, ent, sub, mk, oracle = rng.choice(specs)
        compact, disp = mk(rng)
        r = rng.random()
        if r < 0.55:
            name = rng.choice(PH.NATIVE[sub])
            cue = "native"
        elif r < 0.9:
            name = PH.IDNAMES[lang][ent]
            cue = "generic"
        else:
            name = ""
            cue = "none"
        if cue == "none" and len(compact) < 11:
            name, cue = rng.choice(PH.NATIVE[sub]), "native"

        def idname(doc):
            doc.add(name + (":" if name and rng.random() < 0.4 else ""))

        def value(doc):
            doc.plant(disp, ent, sub=sub, country=c, checksum=True, oracle=oracle, cue=cue)
        return idname, value

    def passport(self, rng, country):
        fmt = PASSPORT_FORMATS[country]
        out = []
        for ch in fmt:
            if ch == "L":
                out.append(rng.choice(string.ascii_uppercase.replace("O", "").replace("I", "")))
            elif ch == "D":
                out.append(rng.choice(string.digits))
            elif ch == "A":
                out.append(rng.choice("CFGHJKLMNPRTVWXYZ0123456789"))
            else:
                out.append(ch)
        v = "".join(out)
        return lambda doc: doc.plant(v, "PASSPORT", country=country, checksum=False)

    def iban_slot(self, rng, country):
        _, disp = idgen.iban(rng, country)
        return lambda doc: doc.plant(disp, "IBAN", country=country, checksum=True)

    def card_slot(self, rng):
        _, disp = idgen.card(rng)
        return lambda doc: doc.plant(disp, "PAYMENT_CARD", checksum=True)

    # ---------- institutional ----------
    def room(self, rng):
        b = rng.choice(BUILDINGS)
        if b == "WIC" and rng.random() < 0.5:
            v = f"WIC M{rng.randint(0, 9):02d}{rng.randint(0, 999):03d}"
        else:
            v = f"{b} {rng.randint(0, 15):02d}{rng.choice('ABCDEFGH')}{rng.randint(0, 999):03d}"
            if rng.random() < 0.2:
                v = v.replace(" ", "")
        return lambda doc: doc.plant(v, "ROOM")

    def ext(self, rng):
        n = rng.randint(40000, 49999)
        v = rng.choice([f"+32 2 28 {n}", f"+32 (0)2 28 {n}", f"+33 3 88 1 7{str(n)[1:]}", f"{n}", f"+32 2 28{n}"])
        return lambda doc: doc.plant(v, "PHONE_EXTENSION")

    def ares(self, rng):
        y = rng.randint(2016, 2025)
        v = rng.choice([f"Ares({y}){rng.randint(1000000, 9999999)}",
                        f"{rng.choice(['PR', 'AM', 'RR', 'AD'])}\\{rng.randint(1200000, 1399999)}{rng.choice(['EN', 'FR', 'DE'])}.docx"])
        return lambda doc: doc.plant(v, "INTERNAL_REFERENCE")

    def staff(self, rng):
        v = str(rng.randint(100000, 999999)) if rng.random() < 0.7 else f"{rng.randint(10000000, 99999999)}"
        return lambda doc: doc.plant(v, "STAFF_NUMBER")

    def host(self, rng):
        v = rng.choice([f"srv-{rng.choice(['bxl', 'stg', 'lux'])}-{rng.choice(['fs', 'db', 'app', 'dc'])}{rng.randint(1, 40):02d}.ep.parl.union.eu",
                        f"intranet.{rng.choice(['dgit', 'dgpers', 'dgfins'])}.ep.parl.union.eu",
                        f"{rng.choice(['jira', 'wiki', 'gitlab', 'ldap'])}.{rng.choice(['corp', 'intra'])}.{rng.choice(['ep', 'cec'])}.local",
                        f"dc{rng.randint(1, 9):02d}.cec.eu.int"])
        return lambda doc: doc.plant(v, "INTERNAL_HOST")

    # ---------- secrets ----------
    def secret(self, rng):
        """Returns (prefix text, value, suffix text, sub)."""
        alnum = string.ascii_letters + string.digits
        kind = rng.choice(["aws", "aws_secret", "github", "github_pat", "slack", "jwt", "pem", "password",
                           "conn", "stripe", "bearer", "gcp_key"])
        if kind == "aws":
            v = "AKIA" + "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(16))
            return "aws_access_key_id = ", v, "\n", kind
        if kind == "aws_secret":
            v = "".join(rng.choice(alnum + "/+") for _ in range(40))
            return "aws_secret_access_key = ", v, "\n", kind
        if kind == "github":
            return "GITHUB_TOKEN=", "ghp_" + "".join(rng.choice(alnum) for _ in range(36)), "\n", kind
        if kind == "github_pat":
            return "token: ", "github_pat_" + "".join(rng.choice(alnum) for _ in range(22)) + "_" + "".join(rng.choice(alnum) for _ in range(59)), "\n", kind
        if kind == "slack":
            return "SLACK_BOT_TOKEN=", f"xoxb-{rng.randint(10 ** 11, 10 ** 12 - 1)}-{rng.randint(10 ** 12, 10 ** 13 - 1)}-" + "".join(rng.choice(alnum) for _ in range(24)), "\n", kind
        if kind == "stripe":
            return "STRIPE_SECRET_KEY=", "sk_live_" + "".join(rng.choice(alnum) for _ in range(24)), "\n", kind
        if kind == "jwt":
            head = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').decode().rstrip("=")
            body = base64.urlsafe_b64encode(json.dumps({"sub": str(rng.randint(10 ** 6, 10 ** 7)), "iat": rng.randint(1600000000, 1800000000)}).encode()).decode().rstrip("=")
            sig = base64.urlsafe_b64encode(hashlib.sha256(str(rng.random()).encode()).digest()).decode().rstrip("=")
            return "Authorization: Bearer ", f"{head}.{body}.{sig}", "\n", kind
        if kind == "bearer":
            return "Authorization: Bearer ", "".join(rng.choice(alnum) for _ in range(40)), "\n", kind
        if kind == "pem":
            raw = bytes(rng.randrange(256) for _ in range(rng.choice([180, 240])))
            b64 = base64.b64encode(raw).decode()
            body = "\n".join(b64[i:i + 64] for i in range(0, len(b64), 64))
            t = rng.choice(["RSA PRIVATE KEY", "PRIVATE KEY", "OPENSSH PRIVATE KEY", "EC PRIVATE KEY"])
            return f"-----BEGIN {t}-----\n", body, f"\n-----END {t}-----\n", kind
        if kind == "password":
            pw = "".join(rng.choice(alnum + "!#%&*?") for _ in range(rng.randint(10, 18)))
            key = rng.choice(["password=", "password: ", "db_password = ", "\"password\": \"", "PASSWORD=", "passwd=", "Passwort: "])
            return key, pw, ("\"\n" if key.startswith("\"") else "\n"), kind
        if kind == "gcp_key":
            return "\"private_key_id\": \"", hashlib.sha1(str(rng.random()).encode()).hexdigest(), "\",\n", kind
        # connection string: the password part is the secret
        pw = "".join(rng.choice(alnum) for _ in range(14))
        user = rng.choice(["app", "svc_report", "etl"])
        scheme = rng.choice(["postgres", "mysql", "mongodb", "redis"])
        return f"DATABASE_URL={scheme}://{user}:", pw, f"@db{rng.randint(1, 9)}.internal:5432/app\n", "conn"

    def secret_block(self, rng, doc):
        pre, v, post, sub = self.secret(rng)
        doc.add(pre)
        doc.plant(v, "SECRET", sub=sub)
        doc.add(post)

    def ip(self, rng):
        r = rng.random()
        if r < 0.5:
            v = f"{rng.choice([10, 172, 192])}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        elif r < 0.85:
            v = f"{rng.randint(11, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        else:
            v = "2001:db8:" + ":".join(f"{rng.randint(0, 65535):x}" for _ in range(3)) + "::" + f"{rng.randint(1, 65535):x}"
        return lambda doc: doc.plant(v, "IP_ADDRESS")

    def mac(self, rng):
        sep = rng.choice([":", "-"])
        v = sep.join(f"{rng.randint(0, 255):02X}" for _ in range(6))
        return lambda doc: doc.plant(v, "MAC_ADDRESS")


# ---------------------------------------------------------------------------------------
# Document kinds
# ---------------------------------------------------------------------------------------

def pick_country(rng, lang, i):
    if rng.random() < 0.55:
        return rng.choice(LANG_COUNTRIES[lang])
    return EU27[(i + rng.randint(0, 26)) % 27]


def body_sentences(g, rng, doc, lang, people, country, n):
    keys = ["call", "dob", "id", "iban", "card", "addr", "meet", "legal", "ticket", "invoice", "inst", "passport",
            "plain", "near", "refs", "room", "ares", "staff", "country", "common", "prose"]
    weights = [8, 6, 10, 5, 3, 6, 6, 3, 2, 3, 3, 3, 4, 4, 3, 3, 2, 2, 2, 4, 3]
    chosen = rng.choices(keys, weights, k=n)
    for key in chosen:
        p = rng.choice(people)
        pc = p["country"]
        idname, idvalue = g.ident(rng, lang, country=pc if rng.random() < 0.7 else None)
        slots = {
            "P": g.person_slot(p, "none") if rng.random() < 0.5 else g.titled(rng, lang, p),
            "PHONE": g.phone_slot(rng, pc, lang), "EMAIL": g.email_slot(rng, p),
            "DOB": g.dob_slot(rng, lang), "MDATE": g.mdate_slot(rng, lang), "IDNAME": idname, "ID": idvalue,
            "IBAN": g.iban_slot(rng, pc), "CARD": g.card_slot(rng), "ADDR": g.address_slot(rng, pc),
            "AMOUNT": g.amount(rng, lang), "TIME": g.time_slot(rng, lang), "CITY": g.city(rng, lang),
            "COUNTRY": g.country_name(rng, lang), "LEGAL": g.legal(rng, lang), "TICKET": g.ticket(rng),
            "VERSION": g.version(rng), "INVOICE": g.invoice(rng), "ORDER": g.order(rng), "INST": g.inst(rng, lang),
            "YEAR": g.year(rng), "PASSPORT": g.passport(rng, pc), "NEAR": g.near(rng), "PUBREF": g.pubref(rng),
            "PUBREF2": g.pubref(rng), "ROOM": g.room(rng), "EXT": g.ext(rng), "ARES": g.ares(rng), "STAFF": g.staff(rng),
        }
        if key == "plain":
            slots["P"] = g.person_slot(p, "none")
        t = PH.S[lang][key]
        if isinstance(t, list):
            t = rng.choice(t)
        emit(doc, t, slots)
        doc.add(" " if rng.random() < 0.6 else "\n")


def signature(g, rng, doc, lang, p, institutional):
    F = PH.FIELDS[lang]
    doc.add("\n")
    if rng.random() < 0.2:
        doc.plant(g.full(lang, p).upper(), "PERSON", cue="caps", country=p["country"])
    else:
        doc.plant(g.full(lang, p), "PERSON", cue="signature", country=p["country"])
    doc.add("\n")
    if institutional:
        emit(doc, "{INST}\n", {"INST": g.inst(rng, lang)})
        emit(doc, F["room"] + ": {ROOM}\n", {"ROOM": g.room(rng)})
        emit(doc, F["tel"] + " {EXT}\n", {"EXT": g.ext(rng)})
    if rng.random() < 0.7:
        emit(doc, F["mobile"] + ": {PHONE}\n", {"PHONE": g.phone_slot(rng, p["country"], lang)})
    if rng.random() < 0.5:
        emit(doc, "{EMAIL}\n", {"EMAIL": g.email_slot(rng, p, obfuscate=False)})
    if rng.random() < 0.3:
        emit(doc, "{ADDR}\n", {"ADDR": g.address_slot(rng, p["country"], multiline=True)})


def mixed_block(g, rng, doc, people, lang):
    """A forwarded message or reply in another language (language mixing within one text)."""
    other = rng.choice([x for x in LANGS if x != lang])
    saved = doc.lang
    doc.lang = other
    doc.add("\n---------- Forwarded message / Message transféré ----------\n")
    p = rng.choice(people)
    greet = rng.choice(PH.GREET[other])
    a, b = greet.split("{N}")
    doc.add(a)
    doc.plant(p["first"], "PERSON", cue="greeting", country=p["country"])
    doc.add(b + "\n")
    body_sentences(g, rng, doc, other, people, p["country"], rng.randint(1, 3))
    doc.add("\n" + rng.choice(PH.SIGNOFF[other]))
    doc.lang = saved
    return other


def gen_email(g, rng, lang, i):
    doc = Doc(lang)
    country = pick_country(rng, lang, i)
    people = [g.person(rng, country if k == 0 else pick_country(rng, lang, i + k)) for k in range(3)]
    sender, rcpt, cc = people
    institutional = rng.random() < 0.4
    doc.add("From: ")
    doc.plant(g.full(lang, sender), "PERSON", cue="header", country=sender["country"])
    doc.add(" <")
    emit(doc, "{E}", {"E": g.email_slot(rng, sender, obfuscate=False)})
    doc.add(">\nTo: ")
    doc.plant(g.full(lang, rcpt), "PERSON", cue="header", country=rcpt["country"])
    doc.add(" <")
    emit(doc, "{E}", {"E": g.email_slot(rng, rcpt, obfuscate=False)})
    doc.add(">\n")
    if rng.random() < 0.5:
        doc.add("Cc: ")
        emit(doc, "{E}", {"E": g.email_slot(rng, cc, obfuscate=False)})
        doc.add("\n")
    doc.add("Subject: " + rng.choice(PH.SUBJECT[lang]) + "\n\n")
    greet = rng.choice(PH.GREET[lang])
    a, b = greet.split("{N}")
    doc.add(a)
    if rng.random() < 0.6:
        doc.plant(rcpt["first"], "PERSON", cue="greeting", country=rcpt["country"])
    else:
        g.titled(rng, lang, rcpt)(doc)
    doc.add(b + "\n\n")
    body_sentences(g, rng, doc, lang, people, country, rng.randint(3, 6))
    langs = [lang]
    if rng.random() < 0.25:
        langs.append(mixed_block(g, rng, doc, people, lang))
    doc.add("\n\n" + rng.choice(PH.SIGNOFF[lang]))
    signature(g, rng, doc, lang, sender, institutional)
    return doc, langs


def gen_minutes(g, rng, lang, i):
    doc = Doc(lang)
    F = PH.FIELDS[lang]
    country = pick_country(rng, lang, i)
    people = [g.person(rng, pick_country(rng, lang, i + k)) for k in range(rng.randint(3, 5))]
    emit(doc, F["minutes"] + " {MDATE}\n", {"MDATE": g.mdate_slot(rng, lang)})
    doc.add(F["chair"] + ": ")
    g.titled(rng, lang, people[0])(doc)
    doc.add("\n" + F["participants"] + ": ")
    for k, p in enumerate(people[1:]):
        if k:
            doc.add(", ")
        if rng.random() < 0.4:
            doc.plant(f"{p['last'].upper()} {p['first']}", "PERSON", cue="surname_first", country=p["country"])
        else:
            doc.plant(g.full(lang, p), "PERSON", cue="list", country=p["country"])
    doc.add("\n\n")
    for k, item in enumerate(PH.MINUTES_ITEMS[lang]):
        doc.add(f"{k + 1}. {item}\n")
        p = rng.choice(people)
        emit(doc, PH.SAID[lang] + " ", {"TL": g.titled(rng, lang, p)})
        body_sentences(g, rng, doc, lang, people, country, rng.randint(1, 3))
        doc.add("\n")
    doc.add(F["action"] + ": ")
    g.person_slot(rng.choice(people), "none")(doc)
    emit(doc, " – {TICKET}\n", {"TICKET": g.ticket(rng)})
    langs = [lang]
    if rng.random() < 0.15:
        langs.append(mixed_block(g, rng, doc, people, lang))
    return doc, langs


def gen_hr(g, rng, lang, i):
    doc = Doc(lang)
    F = PH.FIELDS[lang]
    country = pick_country(rng, lang, i)
    p = g.person(rng, country)
    others = [p, g.person(rng, pick_country(rng, lang, i + 1))]
    doc.add(F["note"] + "\n" + F["employee"] + ": ")
    if rng.random() < 0.5:
        doc.plant(f"{p['last'].upper()} {p['first']}", "PERSON", cue="surname_first", country=country)
    else:
        doc.plant(g.full(lang, p), "PERSON", cue="field", country=country)
    doc.add("\n" + F["dob"] + ": ")
    d = idgen.birth(rng, 1950, 2003)
    doc.plant(g.fmt_date(rng, lang, d), "DATE_OF_BIRTH", cue="field")
    doc.add("\n")
    for _ in range(rng.randint(1, 3)):
        idname, idvalue = g.ident(rng, lang, country=country)
        idname(doc)
        doc.add(" ")
        idvalue(doc)
        doc.add("\n")
    emit(doc, F["addr"] + ": {ADDR}\n", {"ADDR": g.address_slot(rng, country, multiline=rng.random() < 0.4)})
    emit(doc, F["phone"] + ": {PHONE}\n", {"PHONE": g.phone_slot(rng, country, lang)})
    emit(doc, F["iban"] + ": {IBAN}\n", {"IBAN": g.iban_slot(rng, country)})
    if rng.random() < 0.5:
        emit(doc, F["staff"] + ": {STAFF}\n", {"STAFF": g.staff(rng)})
    if rng.random() < 0.4:
        emit(doc, F["passport"] + " {PASSPORT}\n", {"PASSPORT": g.passport(rng, country)})
    doc.add("\n")
    body_sentences(g, rng, doc, lang, others, country, rng.randint(2, 4))
    return doc, [lang]


def log_lines(g, rng, doc, p):
    ip = g.ip(rng)
    user = p["username"]
    choice = rng.random()
    ts = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z"
    doc.decoy(ts, "TIMESTAMP")
    if choice < 0.3:
        doc.add(f" sshd[{rng.randint(1000, 65000)}]: Failed password for ")
        doc.plant(user, "USERNAME", sub="sshd")
        doc.add(" from ")
        ip(doc)
        doc.add(f" port {rng.randint(1024, 65535)} ssh2\n")
    elif choice < 0.5:
        doc.add(" app: cannot open C:\\Users\\")
        doc.plant(user, "USERNAME", sub="windows_path")
        doc.add("\\AppData\\Local\\Temp\\report.xlsx\n")
    elif choice < 0.7:
        doc.add(" auth: login failed for ")
        doc.add(rng.choice(["EP", "CEC", "CORP", "NET1"]) + "\\")
        doc.plant(user, "USERNAME", sub="domain_user")
        doc.add(" from ")
        ip(doc)
        doc.add("\n")
    elif choice < 0.85:
        doc.add(" cron: (")
        doc.plant(user, "USERNAME", sub="home")
        doc.add(") CMD (/home/")
        doc.plant(user, "USERNAME", sub="home")
        doc.add("/bin/sync.sh)\n")
    else:
        doc.add(" ldap: bind user=")
        doc.plant(user, "USERNAME", sub="user_eq")
        doc.add(f" result=49 mac=")
        g.mac(rng)(doc)
        doc.add("\n")


def gen_ticket(g, rng, lang, i):
    doc = Doc(lang)
    F = PH.FIELDS[lang]
    country = pick_country(rng, lang, i)
    p = g.person(rng, country)
    q = g.person(rng, pick_country(rng, lang, i + 3))
    emit(doc, F["ticket"] + " {TICKET}\n", {"TICKET": g.ticket(rng)})
    doc.add(F["reporter"] + ": ")
    g.person_slot(p, "field")(doc)
    doc.add(" (")
    emit(doc, "{E}", {"E": g.email_slot(rng, p, obfuscate=False)})
    doc.add(")\n\n")
    body_sentences(g, rng, doc, lang, [p, q], country, rng.randint(1, 3))
    doc.add("\n\n```\n")
    for _ in range(rng.randint(2, 5)):
        log_lines(g, rng, doc, rng.choice([p, q]))
    doc.add("```\n\nconfig:\n```\n")
    emit(doc, "host = {H}\n", {"H": g.host(rng)})
    emit(doc, "version = {V}\n", {"V": g.version(rng)})
    for _ in range(rng.randint(1, 3)):
        g.secret_block(rng, doc)
    emit(doc, "listen = {IP}\n", {"IP": g.ip(rng)})
    doc.add("```\n")
    if rng.random() < 0.5:
        emit(doc, PH.S[lang]["ticket"] + "\n", {"TICKET": g.ticket(rng), "VERSION": g.version(rng)})
    if rng.random() < 0.4:
        emit(doc, rng.choice(PH.S[lang]["prose"]) + "\n", {})
    return doc, [lang]


def gen_expense(g, rng, lang, i):
    doc = Doc(lang)
    F = PH.FIELDS[lang]
    country = pick_country(rng, lang, i)
    p = g.person(rng, country)
    doc.add(F["claim"] + "\n" + F["name"] + ": ")
    g.person_slot(p, "field")(doc)
    doc.add("\n")
    if rng.random() < 0.6:
        emit(doc, F["staff"] + ": {STAFF}\n", {"STAFF": g.staff(rng)})
    emit(doc, F["iban"] + ": {IBAN}\n", {"IBAN": g.iban_slot(rng, country)})
    emit(doc, F["card"] + ": {CARD}\n", {"CARD": g.card_slot(rng)})
    emit(doc, F["hotel"] + ": {ADDR}\n", {"ADDR": g.address_slot(rng, rng.choice(EU27), multiline=rng.random() < 0.3)})
    for _ in range(rng.randint(2, 4)):
        emit(doc, "- {MDATE} {INVOICE}: {AMOUNT}\n", {"MDATE": g.mdate_slot(rng, lang), "INVOICE": g.invoice(rng),
                                                     "AMOUNT": g.amount(rng, lang)})
    emit(doc, F["total"] + ": {AMOUNT}\n\n", {"AMOUNT": g.amount(rng, lang)})
    body_sentences(g, rng, doc, lang, [p, g.person(rng, country)], country, rng.randint(1, 3))
    return doc, [lang]


def gen_chat(g, rng, lang, i):
    doc = Doc(lang)
    country = pick_country(rng, lang, i)
    people = [g.person(rng, pick_country(rng, lang, i + k)) for k in range(3)]
    langs = [lang]
    for k in range(rng.randint(4, 8)):
        p = rng.choice(people)
        h, m = 9 + k // 4, (k * 7) % 60
        doc.add("[")
        doc.decoy(f"{h:02d}:{m:02d}", "TIME")
        doc.add("] ")
        style = rng.random()
        if style < 0.5:
            g.person_slot(p, "chat_speaker")(doc)
        elif style < 0.75:
            doc.plant(p["first"], "PERSON", cue="chat_speaker", country=p["country"])
        else:
            doc.plant(p["username"], "USERNAME", sub="chat_handle")
        doc.add(": ")
        r = rng.random()
        line_lang = lang
        if r < 0.12:
            line_lang = rng.choice(LANGS)
            if line_lang not in langs:
                langs.append(line_lang)
        saved = doc.lang
        doc.lang = line_lang
        if r < 0.5:
            doc.add(rng.choice(PH.CHAT[line_lang]))
        else:
            body_sentences(g, rng, doc, line_lang, people, country, 1)
        doc.lang = saved
        doc.add("\n")
    return doc, langs


GENERATORS = {"email": gen_email, "minutes": gen_minutes, "hr": gen_hr, "ticket": gen_ticket,
              "expense": gen_expense, "chat": gen_chat}

MARKINGS = ["RESTREINT UE/EU RESTRICTED", "CONFIDENTIEL UE/EU CONFIDENTIAL", "SECRET UE/EU SECRET",
            "TRÈS SECRET UE/EU TOP SECRET", "TRES SECRET UE/EU TOP SECRET", "EU RESTRICTED", "RESTREINT UE",
            "CONFIDENTIEL UE", "EU CONFIDENTIAL"]


def gen_marking(g, rng, lang, i, block):
    """A note that carries a classification marking (block) or only prose look-alikes (redact)."""
    base, langs = GENERATORS[rng.choice(["email", "minutes", "hr"])](g, rng, lang, i)
    doc = Doc(lang)
    if block:
        marking = rng.choice(MARKINGS)
        where = rng.random()
        if where < 0.6:
            doc.plant(marking, "CLASSIFICATION_MARKING")
            doc.add("\n\n")
        shift = doc.n
        doc.add(base.text())
        for lab in base.labels:
            lab = dict(lab)
            lab["start"] += shift
            lab["end"] += shift
            doc.labels.append(lab)
        doc.add("\n\n")
        if where >= 0.4:
            doc.plant(marking, "CLASSIFICATION_MARKING")
            doc.add("\n")
        return doc, langs
    # redact: prose look-alikes that must not block
    emit(doc, rng.choice(PH.S[lang]["prose"]) + "\n", {})
    shift = doc.n
    doc.add(base.text())
    for lab in base.labels:
        lab = dict(lab)
        lab["start"] += shift
        lab["end"] += shift
        doc.labels.append(lab)
    doc.add("\n")
    emit(doc, rng.choice([
        "Note: access to this folder is <<restricted>>; the deadline is <<limited>> to Friday.\n",
        "The <<secret>> of a good draft is a short one. Date <<limite>> : vendredi.\n",
        "This is <<top secret>> only in the joking sense; the budget is <<confidential>> until Monday.\n",
        "Distribution: <<limited>>. La date <<limite>> est le 12 mai.\n"]), {})
    return doc, langs


def check_versions(any_version):
    from importlib.metadata import version
    have = {"faker": version("faker"), "python-stdnum": version("python-stdnum")}
    if have != PINNED and not any_version:
        sys.exit(f"generate.py: pinned {PINNED}, found {have}; install eval/requirements.txt "
                 "(pip install -r eval/requirements.txt) or pass --any-version (output will differ)")


def generate(out, per_lang, markings_per_lang):
    g = Gen(SEED)
    os.makedirs(out, exist_ok=True)
    for stale in sorted(os.listdir(out)):  # a rerun must not leave files of other kinds behind
        if stale.endswith(".jsonl"):
            os.remove(os.path.join(out, stale))
    files = {}
    counts = {}
    for li, lang in enumerate(LANGS):
        for i in range(per_lang):
            kind = KINDS[i % len(KINDS)]
            rng = random.Random(f"{SEED}:{lang}:{kind}:{i}")
            doc, langs = GENERATORS[kind](g, rng, lang, li * 7 + i)
            files.setdefault(kind, []).append(record(doc, f"{kind}-{lang}-{i:04d}", lang, langs, kind, "redact"))
        for i in range(markings_per_lang):
            rng = random.Random(f"{SEED}:{lang}:marking:{i}")
            block = i % 2 == 0
            doc, langs = gen_marking(g, rng, lang, li * 11 + i, block)
            files.setdefault("marking", []).append(
                record(doc, f"marking-{lang}-{i:04d}", lang, langs, "marking", "block" if block else "redact"))
    for name, recs in files.items():
        path = os.path.join(out, f"{name}.jsonl")
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            for r in recs:
                fh.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
        counts[name] = len(recs)
    return counts


def record(doc, did, lang, langs, kind, expect):
    text = doc.text()
    raw = text.encode("utf-8")
    for lab in doc.labels:  # self-check: offsets must cut at character boundaries
        raw[lab["start"]:lab["end"]].decode("utf-8")
    labels = sorted(doc.labels, key=lambda l: (l["start"], l["end"]))
    for lab in labels:  # keep the file small: omit defaults
        if lab.get("lang") == lang:
            del lab["lang"]
        if lab.get("oracle") == "stdnum":
            del lab["oracle"]
    return {"id": did, "lang": lang, "langs": langs, "kind": kind, "text": text, "labels": labels, "expect": expect}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="output directory (eval/corpus for the committed corpus)")
    ap.add_argument("--per-lang", type=int, default=150, help="documents per language (default 150)")
    ap.add_argument("--markings-per-lang", type=int, default=6, help="marking documents per language")
    ap.add_argument("--any-version", action="store_true", help="run with unpinned Faker/stdnum versions")
    args = ap.parse_args()
    check_versions(args.any_version)
    counts = generate(args.out, args.per_lang, args.markings_per_lang)
    total = sum(counts.values())
    print(f"wrote {total} documents to {args.out}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
