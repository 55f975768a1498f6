"""Find the checkable numbers in Danish and English financial text, and compare them.

"4,2 pct." (da) and "4.2%" (en) both give Quantity(value=4.2, unit="%"); "1.234,5 mia. kr." gives
value=1234.5, scale=1e9, unit="DKK"; "$3.1 billion" gives value=3.1, scale=1e9, unit="USD".
Index names ("S&P 500", "Russell 2000", "C25", "Stoxx 600") are names, not quantities.

Used by claims (numbers in a claim) and by summary grounding (`same_quantity`: is a number
in the summary also in the article?).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarizer.language import guess_language
from summarizer.text import MONTHS

# Units. Keys are what we emit; values are the written forms (regex alternatives, longest first).
_CURRENCY_WORDS = {
    "DKK": r"danske kroner|danish kroner|danish crowns|kroner|crowns|kr\.|kr\b|DKK",
    "USD": r"US-dollars?|dollars?|USD",
    "EUR": r"euros?|EUR",
    "GBP": r"pounds?|pund|GBP",
    "SEK": r"svenske kroner|swedish crowns|SEK",
    "NOK": r"norske kroner|norwegian crowns|NOK",
    "CHF": r"schweizerfranc|swiss francs?|CHF",
    "JPY": r"yen|JPY",
}
_CURRENCY_PREFIX = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_PREFIX_RE = r"(?:US\$|\$|€|£|¥|(?:USD|EUR|DKK|GBP|SEK|NOK|CHF)\s?|kr\.\s?)"

_UNIT_WORDS = {
    "pp": r"procentpoints?|procent-point|pct\.?-point(?:s|er)?|percentage[- ]points?|pp|ppt",
    "bp": r"basispoint(?:s|er)?|basis[- ]points?|bps|bp",
    "%": r"%|pct\.?|procent|per ?cent|percent",
    "x": r"x\b|×|times\b|gange\b",
    "contracts": r"contracts|kontrakter",
    "points": r"points|point\b",
    "MW": r"MW\b",
    "GW": r"GW\b",
    "TWh": r"TWh\b",
    "employees": r"employees|ansatte|medarbejdere|stillinger|jobs",
    "shares": r"shares|aktier",
    "barrels": r"barrels|tønder",
}
_SCALE_WORDS = [
    (1e12, r"trillions?|tn|trn|billioner"),
    (1e9, r"billions?|bn|mia\.?|mia\b|milliarder|milliard|mrd\.?"),
    (1e6, r"millions?|mio\.?|mn|mln|mill\."),
    (1e3, r"thousands?|tusinde?"),
]
# Single letters only count glued to the number ("$5m", "$3bn", "12k").
_GLUED_SCALE = {"m": 1e6, "b": 1e9, "k": 1e3}

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_RES = [
    # 14. marts 2017 / 14 March 2017 / 7. juni
    re.compile(rf"\b(?P<d>[0-3]?\d)\.? (?P<m>{_MONTH_RE})\.?(?:,? (?P<y>(?:19|20)\d\d))?\b", re.I),
    # March 14 / March 14, 2017
    re.compile(rf"\b(?P<m>{_MONTH_RE})\.? (?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,? (?P<y>(?:19|20)\d\d)\b)?", re.I),
    # 2024-04-16
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"),
]
# A number right after one of these is part of an index name, not a figure.
_INDEX_NAME_BEFORE = re.compile(
    r"(?:S&P|Russell|Stoxx(?: Europe)?|STOXX(?: Europe)?|FTSE(?: All-World)?|Nikkei|CAC|DAX|Nasdaq|NASDAQ"
    r"|Euro Stoxx|EURO STOXX|Topix|OMX Copenhagen|OMX Stockholm|OMX Helsinki|MSCI \w+|Wilshire|ASX|Sensex"
    r"|Nifty|KOSPI|Hang Seng)[ -]?$"
)
_NUMBER_CORE = re.compile(r"(?<![\w.,/:])(\d[\d.,]*\d|\d)")


@dataclass(frozen=True)
class Quantity:
    """One number as written in the text, normalised.

    value is the number as written ("3,1 mia." -> 3.1), scale its multiplier (1e9), so `amount`
    is 3.1e9. unit: "%", "pp", "bp", "x", a currency code ("DKK", "USD", "EUR", ...), a count noun
    ("contracts", "points", "MW", ...), "year", "date" or None. decimals: digits written after the
    decimal mark, for rounding-tolerant comparison.
    """

    text: str
    start: int
    end: int
    value: float
    unit: str | None = None
    scale: float = 1.0
    kind: str = "number"  # "number", "percent", "money", "multiple", "count", "year", "date", "tenor", "ordinal"
    decimals: int = 0

    @property
    def amount(self) -> float:
        return self.value * self.scale


def parse_number(s: str, lang: str = "en") -> tuple[float, int] | None:
    """Parse "1.234,5" / "1,234.5" / "4,2" / "4.2" -> (value, decimals); None if not a number.

    One separator followed by exactly three digits is ambiguous ("4.573", "1,150"): Danish reads
    "." as thousands and "," as decimal, English the reverse.
    """
    has_dot, has_comma = "." in s, "," in s
    if has_dot and has_comma:
        dec = "." if s.rfind(".") > s.rfind(",") else ","
        thou = "," if dec == "." else "."
        head, _, tail = s.rpartition(dec)
        groups = head.split(thou)
        if not _valid_groups(groups):
            return None
        return float("".join(groups) + "." + tail), len(tail)
    sep = "." if has_dot else "," if has_comma else None
    if sep is None:
        return float(s), 0
    parts = s.split(sep)
    if len(parts) > 2:
        return (float("".join(parts)), 0) if _valid_groups(parts) else None
    head, tail = parts
    thousands = len(tail) == 3 and head != "0" and (
        (sep == "." and lang == "da") or (sep == "," and lang != "da")
    )
    if thousands:
        return float(head + tail), 0
    return float(head + "." + tail), len(tail)


def _valid_groups(groups: list[str]) -> bool:
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def _match_at(pattern: str, text: str, pos: int, flags=re.I) -> re.Match | None:
    return re.compile(pattern, flags).match(text, pos)


def _unit_after(text: str, pos: int) -> tuple[str | None, int, str]:
    """Unit written at text[pos:] (after optional space): (unit, end, kind)."""
    for unit, pat in _UNIT_WORDS.items():
        flags = 0 if unit in ("MW", "GW", "TWh") else re.I
        m = _match_at(rf"[ \u00a0]?(?:{pat})", text, pos, flags)
        if m:
            kind = {"%": "percent", "pp": "percent", "bp": "percent", "x": "multiple"}.get(unit, "count")
            return unit, m.end(), kind
    for code, pat in _CURRENCY_WORDS.items():
        m = _match_at(rf"[ \u00a0]?(?:{pat})", text, pos, re.I)
        if m and not text[m.end() : m.end() + 1].isalpha():
            return code, m.end(), "money"
    return None, pos, "number"


def find_quantities(text: str, lang: str | None = None) -> list[Quantity]:
    """Every figure in text, sorted by offset. lang ('da'/'en') is guessed when not given."""
    lang = lang or guess_language(text)
    taken: list[tuple[int, int]] = []
    out: list[Quantity] = []
    for rx in _DATE_RES:
        for m in rx.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            day, year = int(m.group("d")), int(m.group("y") or 0)
            mon = m.group("m")
            month = int(mon) if mon.isdigit() else MONTHS[mon.lower()]
            if not 1 <= day <= 31 or (mon.lower() in ("may", "maj", "mar", "jun", "jul") and not mon[0].isupper()):
                continue
            taken.append((m.start(), m.end()))
            out.append(Quantity(m.group(0), m.start(), m.end(), float(year * 10000 + month * 100 + day), "date", 1.0, "date"))
    for m in _NUMBER_CORE.finditer(text):
        start = m.start()
        if any(s <= start < e for s, e in taken):
            continue
        q = _quantity_at(text, m, lang)
        if q is not None:
            out.append(q)
    out.sort(key=lambda q: q.start)
    return _propagate_ranges(text, out)


def _quantity_at(text: str, m: re.Match, lang: str) -> Quantity | None:
    start, end = m.start(), m.end()
    before = text[max(0, start - 30) : start]
    # Glued to a letter ("C25", "Q3", "Covid-19", "E-mini") or part of an index name: not a figure.
    if start > 0 and (text[start - 1].isalpha() or (text[start - 1] == "-" and start > 1 and text[start - 2].isalpha())):
        return None
    if _INDEX_NAME_BEFORE.search(before):
        return None
    nxt = text[end : end + 6]
    if re.match(r":\d|\s?[ap]\.?m\.|\s?[AP]M\b", nxt):  # clock times
        return None
    parsed = parse_number(m.group(1), lang)
    if parsed is None:
        return None
    value, decimals = parsed
    if lang == "da" and m.group(1).isdigit() and re.match(r"\. [a-zæøå]", text[end : end + 3]):
        # Danish ordinal: "3. kvartal", "2. halvår" (dates were taken above)
        return Quantity(text[start : end + 1], start, end + 1, value, None, 1.0, "ordinal")
    # Sign and currency written before the number.
    q_start = start
    sign = re.search(r"(?:^|[\s(])([-−+])$", before)
    if sign:
        q_start -= 1
        if sign.group(1) in "-−":
            value = -value
    unit, kind = None, "number"
    pre = re.search(rf"{_PREFIX_RE}$", text[max(0, q_start - 5) : q_start])
    if pre:
        written = pre.group(0).strip()
        unit = _CURRENCY_PREFIX.get(written) or ("DKK" if written == "kr." else written)
        kind = "money"
        q_start -= len(pre.group(0))
    pos = end
    scale = 1.0
    glued = re.match(r"(bn|mn|tn|m|b|k)(?![a-zA-Z])", text[pos:])
    if glued:
        scale = {"bn": 1e9, "mn": 1e6, "tn": 1e12}.get(glued.group(1)) or _GLUED_SCALE[glued.group(1)]
        pos += glued.end()
    else:
        for factor, pat in _SCALE_WORDS:
            sm = _match_at(rf"[ \u00a0]?(?:{pat})(?![a-zæøå])", text, pos)
            if sm:
                scale = factor
                if lang == "da" and sm.group(0).strip().lower().startswith("billion"):
                    scale = 1e12  # Danish "billion" is 10^12
                pos = sm.end()
                break
    after_unit, unit_end, unit_kind = _unit_after(text, pos)
    if after_unit and (unit is None or unit_kind == "money" and after_unit == unit):
        unit, kind, pos = after_unit, unit_kind, unit_end
    elif after_unit and unit_kind != "money" and unit is None:
        unit, kind, pos = after_unit, unit_kind, unit_end
    if unit in ("DKK", "USD", "EUR", "GBP", "SEK", "NOK", "CHF", "JPY") and re.match(r" (?:per share|pr\. aktie|a share)", text[pos:]):
        unit += "/share"
        pos = re.match(r" (?:per share|pr\. aktie|a share)", text[pos:]).end() + pos
    if text[pos : pos + 1].isalpha() and not glued and pos == end:
        return None  # "3rd", "4G": a number glued to a word we do not know
    tenor = re.match(r"[-‑](?:year|årig\w*|month|måneders?)\b", text[pos:])
    if tenor and unit is None:
        unit, kind, pos = "years" if "y" in tenor.group(0) or "å" in tenor.group(0) else "months", "tenor", pos + tenor.end()
    if unit is None and scale == 1.0 and decimals == 0 and "," not in m.group(1) and "." not in m.group(1) and 1900 <= value <= 2100:
        unit, kind = "year", "year"
    end_text = pos
    return Quantity(text[q_start:end_text], q_start, end_text, value, unit, scale, kind, decimals)


def _propagate_ranges(text: str, qs: list[Quantity]) -> list[Quantity]:
    """'32-38 pct.', '1-6 mia. dollar', '50.000-60.000 kr.': the first number takes the second's unit."""
    out = list(qs)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        gap = text[a.end : b.start]
        if not re.fullmatch(r"\s?[-–]\s?|\s(?:til|to)\s", gap) or "year" in (a.unit, b.unit) or "date" in (a.unit, b.unit):
            continue
        if a.unit is None and a.scale == 1.0 and b.unit:
            out[i] = Quantity(a.text, a.start, a.end, a.value, b.unit, b.scale, b.kind, a.decimals)
        elif a.unit and a.scale == 1.0 and b.scale != 1.0 and b.unit in (None, a.unit):
            # "DKK 18-20bn", "$1-6bn": the currency is written before the range, the scale after it
            out[i] = Quantity(a.text, a.start, a.end, a.value, a.unit, b.scale, a.kind, a.decimals)
            out[i + 1] = Quantity(b.text, b.start, b.end, b.value, a.unit, b.scale, a.kind, b.decimals)
    return out


_COMPATIBLE = [{"%", "pp", "bp"}]


def _units_compatible(a: str | None, b: str | None) -> bool:
    if a is None or b is None or a == b:
        return True
    if {a, b} <= {"year", "date"}:
        return False
    return any(a in g and b in g for g in _COMPATIBLE)


def _comparable(q: Quantity) -> float:
    return q.amount / 100 if q.unit == "bp" else q.amount


def same_quantity(a: Quantity, b: Quantity) -> bool:
    """True when a and b state the same figure: equal after scale, or equal once the more precise one
    is rounded to the other's written precision ("58,7 mia." ~ "59 billion", "839 mio." ~ "$0.84bn").
    Units must be compatible (None matches anything; %/pp/bp are interchangeable; 25bp == 0.25pp)."""
    if not _units_compatible(a.unit, b.unit):
        return False
    if a.unit == "date" or b.unit == "date":
        return _same_date(a, b)
    x, y = _comparable(a), _comparable(b)
    if x == y or abs(x - y) <= 1e-9 * max(abs(x), abs(y)):
        return True
    for p, q in ((a, b), (b, a)):  # round the precise one to the coarse one's precision
        coarse_scale = q.scale * (0.01 if q.unit == "bp" else 1)
        if coarse_scale and round(_comparable(p) / coarse_scale, q.decimals) == round(q.value, q.decimals):
            return True
    return False


def _same_date(a: Quantity, b: Quantity) -> bool:
    if a.unit != b.unit:
        return False
    ya, md_a = divmod(int(a.value), 10000)
    yb, md_b = divmod(int(b.value), 10000)
    return md_a == md_b and (ya == yb or 0 in (ya, yb))


# How a quantity is written in each language, for translation hints: "60,2 mia. euro" -> "60.2 billion euros".
_SCALE_NAMES = {"da": {1e12: "billioner", 1e9: "mia.", 1e6: "mio.", 1e3: "tusind"},
                "en": {1e12: "trillion", 1e9: "billion", 1e6: "million", 1e3: "thousand"}}
_UNIT_NAMES = {
    "da": {"%": "pct.", "pp": "procentpoint", "bp": "basispoint", "DKK": "kr.", "USD": "dollar", "EUR": "euro",
           "GBP": "pund", "SEK": "svenske kroner", "NOK": "norske kroner", "CHF": "schweizerfranc", "JPY": "yen",
           "contracts": "kontrakter", "points": "point", "employees": "ansatte", "shares": "aktier",
           "barrels": "tønder", "MW": "MW", "GW": "GW", "TWh": "TWh"},
    "en": {"%": "%", "pp": "percentage points", "bp": "basis points", "DKK": "kroner", "USD": "dollars",
           "EUR": "euros", "GBP": "pounds", "SEK": "Swedish crowns", "NOK": "Norwegian crowns", "CHF": "Swiss francs",
           "JPY": "yen", "contracts": "contracts", "points": "points", "employees": "employees", "shares": "shares",
           "barrels": "barrels", "MW": "MW", "GW": "GW", "TWh": "TWh"},
}


def format_number(value: float, decimals: int, lang: str) -> str:
    """1998.41 -> "1,998.41" (en) / "1.998,41" (da)."""
    text = f"{value:,.{decimals}f}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "da" else text


def written_as(q: Quantity, lang: str) -> str | None:
    """q as lang writes it ("4,2 pct." -> "4.2%"), or None for what is written alike (years, dates, names)."""
    if q.kind in ("year", "date", "tenor", "ordinal", "multiple"):
        return None
    if q.unit is not None and q.unit not in _UNIT_NAMES[lang]:
        return None
    number = format_number(q.value, q.decimals, lang)
    scale = _SCALE_NAMES[lang].get(q.scale, "") if q.scale != 1.0 else ""
    unit = _UNIT_NAMES[lang].get(q.unit or "", "")
    if unit == "%":
        return f"{number}%"
    if lang == "en" and q.unit == "USD":
        return f"${number}" + (f" {scale}" if scale else "")
    return " ".join(part for part in (number, scale, unit) if part)
