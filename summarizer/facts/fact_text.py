"""How a key fact's pieces are written in Danish and English: figures, ranges, genitives, templates.

Shared by the two readers of key facts (key_facts.py: a move of a named security; figure_facts.py: a
figure against what it was before, and a central bank's rate decision), so both write numbers the same
way: "2,4 pct." / "2.4%", "58,7 mia. kr." / "DKK 58.7bn", "18-20 mia. kr." / "DKK 18-20bn".
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from string import Template

from summarizer.facts.quantities import Quantity, format_number
from summarizer.resources import data_json, data_text
from summarizer.text import MONTH_NAMES, MONTHS, alternation


def words() -> dict:
    return data_json("key_facts.json")


RANGE_JOINT = re.compile(r"\s?[-–]\s?|\s(?:til|to)\s")  # "18-20 mia. kr.", "5.25% to 5.5%"


@lru_cache(maxsize=1)
def templates() -> dict[tuple[str, str], dict[str, str]]:
    """(metric, shape) -> {"da": template, "en": template}."""
    rows = csv.DictReader((line for line in data_text("key_fact_templates.tsv").splitlines()
                           if line.strip() and not line.startswith("#")), delimiter="\t")
    return {(r["metric"], r["shape"]): {"da": r["da"], "en": r["en"]} for r in rows}


def fill(metric: str, shape: str, **pieces: dict[str, str]) -> dict[str, str] | None:
    """Both languages' sentence for (metric, shape), pieces given per language ({"da": ..., "en": ...}; "" for
    an optional piece left out); None when there is no such template or a piece is None."""
    template = templates().get((metric, shape))
    if template is None or any(v is None or v.get(lang) is None for v in pieces.values() for lang in ("da", "en")):
        return None
    out = {}
    for lang in ("da", "en"):
        text = Template(template[lang]).substitute({k: v[lang] for k, v in pieces.items()})
        text = " ".join(text.split())
        out[lang] = text[0].upper() + text[1:].replace("..", ".")  # "pct." ends the sentence
    return out


def figure(q: Quantity, lang: str, *, high: Quantity | None = None) -> str:
    """A figure, or a range low-high, as lang writes it in a key fact ("" when this code cannot write it
    correctly): "2,4 pct." / "2.4%", "58,7 mia. kr." / "DKK 58.7bn", "5,25-5,5 pct." / "5.25-5.5%"."""
    w = words()
    number = format_number(q.value, q.decimals, lang)
    if high is not None:
        if high.unit != q.unit or (high.scale != q.scale and q.unit is not None):
            return ""
        number = f"{number}-{format_number(high.value, high.decimals, lang)}"
        q = high  # the unit and scale are written once, after the range
    if q.unit in w["changes"]:  # "1 basis point", "2 basis points"; Danish "1 basispoint", "2 basispoint"
        singular = high is None and number in ("1", "1.0") and f"{lang}_one" in w["changes"][q.unit]
        return w["changes"][q.unit][f"{lang}_one" if singular else lang].format(n=number)
    if q.unit in w["count_units"]:  # "4.573 MW" / "4,573 MW"
        return f"{number} {q.unit}" if q.scale == 1.0 else ""
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


def figure_text(low: Quantity, high: Quantity | None = None) -> dict[str, str] | None:
    """A figure in both languages, or None when either cannot be written correctly."""
    out = {lang: figure(low, lang, high=high) for lang in ("da", "en")}
    return out if all(out.values()) else None


def figure_at(quantities: list[Quantity], i: int, sentence: str) -> tuple[Quantity, Quantity | None, int]:
    """The figure starting at quantities[i]: (low, high or None, index after it). "18-20 mia. kr." is one."""
    q = quantities[i]
    if i + 1 < len(quantities):
        nxt = quantities[i + 1]
        if (RANGE_JOINT.fullmatch(sentence[q.end:nxt.start]) and nxt.unit == q.unit and nxt.scale == q.scale
                and nxt.kind not in ("year", "date") and nxt.value > q.value):
            return q, nxt, i + 2
    return q, None, i + 1


def genitive(name: str, lang: str) -> str:
    """Novo Nordisk -> Novo Nordisks / Novo Nordisk's; DSV -> DSV's (both); Siemens -> Siemens' (both)."""
    if name.endswith(("s", "x", "z")):
        return name + "'"
    if lang == "en" or name.isupper():
        return name + "'s"
    return name + "s"


def both(text: str) -> dict[str, str]:
    """A piece written alike in both languages (a name, a year)."""
    return {"da": text, "en": text}


@lru_cache(maxsize=1)
def _period_patterns() -> dict[str, re.Pattern]:
    w = words()
    periods = alternation(list(w["periods"]["da"]) + list(w["periods"]["en"]))
    edges = alternation([f for forms in w["since_edges"].values() for f in forms["da"] + forms["en"]])
    return {
        "period": re.compile(rf"\b(?:{periods})\b|\b(?P<q>Q[1-4]|H[12])\b", re.I),
        "since": re.compile(rf"\s*(?:{w['since']['da']}|{w['since']['en']})\s+(?:(?P<edge>{edges})\s+)?"
                            rf"(?P<month>{alternation(list(MONTH_NAMES))})\b", re.I),
        "ytd": re.compile(rf"\s*(?:{alternation(w['ytd']['da'] + w['ytd']['en'])})\b", re.I),
        "yoy": re.compile(rf"\s*,?\s*(?:{alternation(w['yoy']['da'] + w['yoy']['en'])})(?![\w/])", re.I),
        # "er faldet 4,2 pct., siden handlen blev offentliggjort": since an event the fact cannot name
        "since_event": re.compile(rf"\s*,?\s*(?:{w['since']['da']}|{w['since']['en']})\b", re.I),
    }


def period_at(sentence: str, position: int) -> bool:
    """Is the change followed by the period the fact names ("29 pct. i tredje kvartal", "6.8% since the end of
    March", "12% so far this year")?"""
    p = _period_patterns()
    m = p["period"].search(sentence, position)
    if m and re.fullmatch(r"\s*(?:i|in|for)\s+(?:the\s+)?", sentence[position:m.start()], re.I):
        return True
    return any(p[k].match(sentence, position) for k in ("since", "ytd", "yoy"))


def sentence_period(sentence: str, position: int = 0) -> str | None:
    """"Q3", "H1" named anywhere in the sentence; "YTD" or "since:[end:|start:]MM" right after the change."""
    p = _period_patterns()
    since = p["since"].match(sentence, position)
    if since:
        edge = next((e for e, forms in words()["since_edges"].items()
                     if since.group("edge") and since.group("edge").lower() in forms["da"] + forms["en"]), None)
        return f"since:{edge + ':' if edge else ''}{MONTHS[since.group('month').lower()]:02d}"
    if p["ytd"].match(sentence, position):
        return "YTD"
    if p["yoy"].match(sentence, position):
        return "YOY"
    m = p["period"].search(sentence)
    if not m:
        return None
    if m.group("q"):
        return m.group("q").upper()
    w = words()["periods"]
    return w["da"].get(m.group(0).lower()) or w["en"].get(m.group(0).lower())


def period_phrase(period: str | None) -> dict[str, str]:
    """" i tredje kvartal" / " in the third quarter", " siden udgangen af marts" / " since the end of March"."""
    w = words()
    if not period:
        return both("")
    if period == "since:event":
        return both("")
    if period.startswith("since:"):
        *edge, month = period.split(":")[1:]
        out = {}
        for lang in ("da", "en"):
            name = w["month_names"][lang][int(month) - 1]
            edge_text = w["since_edges"][edge[0]][lang][0] + " " if edge else ""
            out[lang] = f" {w['since'][lang]} {edge_text}{name}"
        return out
    phrase = w["period_phrases"].get(period)
    return {lang: f" {phrase[lang]}" for lang in ("da", "en")} if phrase else both("")


def since_event(sentence: str, position: int) -> bool:
    """Is the change followed by "since" and something other than a month ("siden handlen blev ...")?"""
    p = _period_patterns()
    return bool(p["since_event"].match(sentence, position)) and not p["since"].match(sentence, position)
