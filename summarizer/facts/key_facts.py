"""Key figures in both languages, correct by construction.

A key fact is read off one claim sentence only where the sentence says it plainly: a security the article
names (a ticker hit), then, within the same clause, a move verb and a change with its direction (a
percentage, percentage points or basis points), optionally "til/to/at" a level. Which figure moved comes
from the words between the name and the verb (none or "-aktien"/"shares": the share price; an index: the
index; "s omsætning"/"'s revenue": revenue ...) or from "Aktien i X"/"shares of X" before the name.
Anything else is left out: a fact is rendered only when every piece of its template is filled.

The sentence is then written from a template per metric and shape (data/key_fact_templates.tsv) with
each language's own number format ("2,4 pct." / "2.4%", "58,7 mia. kr." / "DKK 58.7bn"), and kept only
when newsum's own check finds every figure of it in the article.
"""

from __future__ import annotations

import bisect
import csv
import re
from functools import lru_cache
from string import Template

from summarizer.facts.claims import move_direction
from summarizer.facts.quantities import Quantity, find_quantities, format_number
from summarizer.language import guess_language
from summarizer.resources import data_json, data_text
from summarizer.summary.check import check  # the same check every summary passes
from summarizer.text import alternation
from summarizer.values import Claim, KeyFact, TickerHit

MAX_KEY_FACTS = 5
CHANGE_UNITS = ("%", "pp", "bp")
_CLAUSE_BREAK = re.compile(r"[,;:]\s|\s(?:mens|men|og|while|and|but|after|efter)\s")
# "godt 2 pct.", "roughly 45%": the sentence does not give the figure exactly; a key fact would
_APPROXIMATE = re.compile(r"\b(?:godt|knap|knapt|ca\.|cirka|omkring|næsten|over|under|mere end|mindre end|op mod|"
                          r"about|around|roughly|nearly|almost|some|more than|less than|over|under|up to)\s*$", re.I)


def _words() -> dict:
    return data_json("key_facts.json")


@lru_cache(maxsize=1)
def templates() -> dict[tuple[str, str], dict[str, str]]:
    """(metric, shape) -> {"da": template, "en": template}."""
    rows = csv.DictReader((line for line in data_text("key_fact_templates.tsv").splitlines()
                           if line.strip() and not line.startswith("#")), delimiter="\t")
    return {(r["metric"], r["shape"]): {"da": r["da"], "en": r["en"]} for r in rows}


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    w = _words()
    verbs = alternation(w["move_verbs"]["da"] + w["move_verbs"]["en"])
    nouns = {m: alternation(words["da"] + words["en"]) for m, words in w["metrics"].items()}
    periods = alternation(list(w["periods"]["da"]) + list(w["periods"]["en"]))
    all_nouns = alternation([w_ for words in w["metrics"].values() for w_ in words["da"] + words["en"]])
    return {
        "verb": re.compile(rf"\b(?:{verbs})\b", re.I),
        "lead": re.compile(rf"(?:(?:den|det|the|its|selskabets|koncernens)\s+)?(?P<noun>{all_nouns})\b", re.I),
        "period": re.compile(rf"\b(?:{periods})\b|\b(?P<q>Q[1-4]|H[12])\b", re.I),
        **{f"noun:{m}": re.compile(rf"^(?:-|s\s+|'s\s+|’s\s+|\s+)?(?:{p})\b", re.I) for m, p in nouns.items()},
        **{f"before:{m}": re.compile(rf"\b(?:{p})\s+(?:i|hos|for|in|at|of)\s+$", re.I) for m, p in nouns.items()},
    }


def find_key_facts(text: str, title: str | None, claims: list[Claim], tickers: list[TickerHit]) -> list[KeyFact]:
    """The article's key facts, the headline's first, at most MAX_KEY_FACTS, each rendered in both languages."""
    lang = guess_language(text)
    first_mention = {}
    for h in tickers:
        first_mention.setdefault(h.symbol, h)
    tickers = sorted(tickers, key=lambda h: h.start)
    starts = [h.start for h in tickers]
    candidates: list[KeyFact] = []
    for claim in claims:
        hits = [h for h in tickers[bisect.bisect_left(starts, claim.start):bisect.bisect_left(starts, claim.end)]
                if h.end <= claim.end]
        found = [_fact(text, claim, hit, hits, lang) for hit in hits]
        if not any(found) and claim.subject in first_mention:
            # "Omsætningen steg 29 pct." / "The shares rose 2.4%": the sentence opens on the metric, and
            # the claim's subject (the company the article is about) is who it belongs to
            found = [_fact_from_lead(text, claim, first_mention[claim.subject], hits, lang)]
        candidates += [f for f in found if f is not None]
    # the same move said twice (the lead and the body): the telling with a level wins, else the first
    best: dict[tuple, KeyFact] = {}
    for f in candidates:
        key = (f.symbol, f.metric, f.direction, f.value, f.unit)
        if key not in best or (best[key].level is None and f.level is not None):
            best[key] = f
    headline = (title or "").lower()
    ranked = sorted(best.values(), key=lambda f: (not _in_headline(f, headline), f.start))
    # every sentence must pass the summaries' check; the article's figures are read once for all of them
    quantities = find_quantities(text)
    symbols = {h.symbol for h in tickers}
    kept = []
    for f in ranked:
        if len(kept) == MAX_KEY_FACTS:
            break
        if not any(check(s, text, article_quantities=quantities, article_symbols=symbols) for s in (f.en, f.da)):
            kept.append(f)
    return kept


def _in_headline(fact: KeyFact, headline: str) -> bool:
    return bool(headline) and fact.subject.lower() in headline


def _is_proper_name(mention: str) -> bool:
    """"Novo Nordisk", "S&P 500", "C25", "A.P. Moller-Maersk": a name both languages write alike. A
    mention with ordinary words ("10-year Treasury yield") would need translating: no key fact."""
    return all(w[:1].isupper() or w[:1].isdigit() or not w[:1].isalpha() for w in mention.split())


def _fact_from_lead(text: str, claim: Claim, subject: TickerHit, hits: list[TickerHit], lang: str) -> KeyFact | None:
    sentence = text[claim.start:claim.end]
    m = _patterns()["lead"].match(sentence)
    if m is None or subject.symbol.startswith("^"):
        return None
    metric = next(m_ for m_ in _words()["metrics"] if _patterns()[f"noun:{m_}"].match(" " + m.group("noun")))
    return _fact(text, claim, subject, hits, lang, offset=m.end(), metric=metric)


def _fact(text: str, claim: Claim, hit: TickerHit, hits: list[TickerHit], lang: str, *,
          offset: int | None = None, metric: str | None = None) -> KeyFact | None:
    """The fact of the clause after `offset` (by default: after the mention `hit`) in claim's sentence."""
    if not _is_proper_name(hit.text):
        return None
    sentence = text[claim.start:claim.end]
    named_here = offset is None
    offset = hit.end - claim.start if named_here else offset
    quantities = find_quantities(sentence, lang)
    change_index = next((i for i, q in enumerate(quantities) if q.start >= offset and q.unit in CHANGE_UNITS), None)
    if change_index is None:
        return None
    change = quantities[change_index]
    between = sentence[offset:change.start]
    # the clause must run from the name to the change: no other security, no new clause in between
    # (in a sentence that opens on the metric, any name in between is a reason to stop: "Sales at Amazon Web
    # Services rose" is not the subject's own revenue)
    if _CLAUSE_BREAK.search(between) or any(offset <= h.start - claim.start < change.start
                                            for h in hits if h is not hit or not named_here):
        return None
    if named_here and re.match(r"\s+[A-ZÆØÅ]", between):
        return None  # "Amazon Web Services rose": the name goes on, it is another entity
    if not _patterns()["verb"].search(between) or _APPROXIMATE.search(between):
        return None
    if not _FOLLOWER.match(sentence, change.end) and not _period_at(sentence, change.end):
        return None  # "rose 8.4% organically", "dropped 6.8% since March": the figure means more than it says
    direction = move_direction(sentence, change, change.start, offset)
    if direction not in ("up", "down") or change.value <= 0:
        return None
    metric = metric or _metric(sentence[:hit.start - claim.start], between, hit)
    if metric is None:
        return None
    level = _level(sentence, quantities[change_index + 1:], change, metric)
    period = _period(sentence)
    return _render(hit, metric, direction, change, level, period, claim)


def _metric(before: str, between: str, hit: TickerHit) -> str | None:
    p = _patterns()
    named = [m for m in _words()["metrics"] if p[f"noun:{m}"].match(between) or p[f"before:{m}"].search(before)]
    if hit.symbol.startswith("^"):
        return "index" if not named else None
    if len(named) == 1:
        return named[0]
    if not named and re.match(r"^\s+\w+", between) and len(between.split()) <= 3:
        return "share_price"  # "Rockwool steg 3,1 pct.": a listed company's move is its share price
    return None


def _level(sentence: str, after: list[Quantity], change: Quantity, metric: str) -> Quantity | None:
    """The figure the move ended at: right after the change, introduced by til/to/at."""
    if not after:
        return None
    q = after[0]
    joint = sentence[change.end:q.start]
    if not re.fullmatch(r"\s*(?:lower|higher|op|ned|højere|lavere)?\s*(?:til|to|at)\s+", joint, re.I):
        return None
    wanted = {"share_price": ("money",), "index": ("number", "points")}.get(metric, ("money",))
    return q if q.kind in wanted or (q.unit == "points" and metric == "index") else None


# What may follow the change for the fact to say all the sentence says: the end of the clause, the level,
# a direction word, or the start of another clause. Anything else ("organically", "since March", "from a
# year earlier", "i lokale valutaer") qualifies the figure, and the fact is left out.
_FOLLOWER = re.compile(r"\s*(?:$|[.,;:)]|(?:til|to|at|higher|lower|op|ned|højere|lavere|og|and|mens|while|as|"
                       r"efter|after|but|men)\b)", re.I)


def _period_at(sentence: str, position: int) -> bool:
    """Is the change followed by the period the fact names ("29 pct. i tredje kvartal")?"""
    m = _patterns()["period"].search(sentence, position)
    return bool(m) and re.fullmatch(r"\s*(?:i|in|for)\s+(?:the\s+)?", sentence[position:m.start()], re.I) is not None


def _period(sentence: str) -> str | None:
    m = _patterns()["period"].search(sentence)
    if not m:
        return None
    if m.group("q"):
        return m.group("q").upper()
    w = _words()["periods"]
    return w["da"].get(m.group(0).lower()) or w["en"].get(m.group(0).lower())


def _render(hit: TickerHit, metric: str, direction: str, change: Quantity, level: Quantity | None,
            period: str | None, claim: Claim) -> KeyFact | None:
    shape = "change+level" if level is not None else "change"
    template = templates().get((metric, shape))
    if template is None:
        return None
    out = {}
    for lang in ("da", "en"):
        level_text = _figure(level, lang) if level is not None else ""
        if level is not None and not level_text:
            return None  # a level this code cannot write correctly: no half sentence
        phrase = _words()["period_phrases"].get(period or "", {}).get(lang, "")
        out[lang] = Template(template[lang]).substitute(
            subject=hit.text, subject_gen=_genitive(hit.text, lang), verb=_words()["directions"][direction][lang],
            change=_figure(change, lang), level=level_text, period=f" {phrase}" if phrase else "")
        out[lang] = out[lang][0].upper() + out[lang][1:].replace("..", ".")  # "pct." ends the sentence
    return KeyFact(subject=hit.text, symbol=hit.symbol, metric=metric, direction=direction, value=change.value,
                   unit=change.unit, level=level.amount if level is not None else None,
                   level_unit=level.unit if level is not None else None, period=period,
                   source=claim.attributed_to, en=out["en"], da=out["da"], start=claim.start, end=claim.end)


def _figure(q: Quantity, lang: str) -> str:
    """A figure as lang writes it in a key fact: "2,4 pct." / "2.4%", "58,7 mia. kr." / "DKK 58.7bn"."""
    w = _words()
    number = format_number(q.value, q.decimals, lang)
    if q.unit in w["changes"]:
        return w["changes"][q.unit][lang].format(n=number)
    if q.unit is None:
        return number if q.scale == 1.0 else ""
    if q.unit not in w["currencies"]:
        return ""
    scale = w["scales"].get(str(int(q.scale)), {}).get(lang, "") if q.scale != 1.0 else ""
    if q.scale != 1.0 and not scale:
        return ""
    if lang == "da":
        return w["currencies"][q.unit]["da"].format(n=f"{number} {scale}".strip())
    return w["currencies"][q.unit]["en"].format(n=f"{number}{scale}")


def _genitive(name: str, lang: str) -> str:
    """Novo Nordisk -> Novo Nordisks / Novo Nordisk's; DSV -> DSV's (both); Siemens -> Siemens' (both)."""
    if name.endswith(("s", "x", "z")):
        return name + "'"
    if lang == "en" or name.isupper():
        return name + "'s"
    return name + "s"
