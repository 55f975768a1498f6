"""Words for the meaning checks: the word lists (data/meaning_words.json), countries and nationalities
(data/countries.tsv), the bilingual word list read both ways, and when two words are one word."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache

from summarizer.resources import data_json, data_lines, data_text

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# Where a summary sentence joins two statements, each is matched on its own ("..., while ...", "..., og ...").
CLAUSE_BREAK = re.compile(r"[,;:]\s+(?=(?:and|but|while|whereas|as|og|men|mens|da|fordi|så)\b)|;\s+")
HOME_COUNTRY = {"da": "DK"}  # a Danish article about Danish matters need not say "Danish"


@dataclass(frozen=True)
class Problem:
    reason: str
    word: str
    sentence: str

    def __str__(self) -> str:
        short = self.sentence if len(self.sentence) <= 90 else self.sentence[:87] + "..."
        return f"{self.reason}: {self.word!r} in \"{short}\""



@lru_cache(maxsize=1)
def meaning_words() -> dict:
    return data_json("meaning_words.json")



@lru_cache(maxsize=1)
def _countries() -> list[tuple[str, list[str], list[str]]]:
    """(key, forms the country is named by, things that imply it)."""
    rows = []
    for line in data_text("countries.tsv").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, en, da, implied = (line.split("\t") + ["", "", ""])[:4]
        forms = [f.strip() for f in (en + "," + da).split(",") if f.strip()]
        rows.append((key, forms, [f.strip() for f in implied.split(",") if f.strip()]))
    return rows


def _form_pattern(form: str) -> re.Pattern:
    # "US" is not "us", "China" is not "china"; adjectives ("tyske") are lower-case in Danish, any case at
    # a sentence start
    flags = 0 if form[:1].isupper() else re.IGNORECASE
    return re.compile(r"(?<![\w&])" + re.escape(form) + r"(?:s|'s|’s)?(?![\w&])", flags)


@lru_cache(maxsize=2048)
def _compiled(form: str) -> re.Pattern:
    return _form_pattern(form)


def countries_in(text: str) -> dict[str, str]:
    """{country key: the form that names it} for the countries text names directly."""
    found = {}
    for key, forms, _ in _countries():
        for form in forms:
            m = _compiled(form).search(text)
            if m:
                found[key] = m.group(0)
                break
    return found


def countries_implied(text: str) -> set[str]:
    return {key for key, forms, implied in _countries() for f in forms + implied if _compiled(f).search(text)}



@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    return frozenset(w.lower() for lang in ("da", "en") for w in data_lines(f"stopwords.{lang}.txt"))


@lru_cache(maxsize=2)
def _lexicon(source: str) -> dict[str, set[str]]:
    """word of source -> words of the other language, from both directions of the bilingual word list."""
    other = "en" if source == "da" else "da"
    table: dict[str, set[str]] = {}
    for path, forward in ((f"lexicon.{source}-{other}.tsv", True), (f"lexicon.{other}-{source}.tsv", False)):
        for line in data_text(path).splitlines():
            if line.startswith("#") or "\t" not in line:
                continue
            head, translations = line.split("\t", 1)
            if translations.strip() == "-":
                continue
            words = {w.lower() for t in translations.split(";") for w in WORD.findall(t)}
            if forward:
                table.setdefault(head.lower(), set()).update(words)
            else:
                for w in words:
                    table.setdefault(w, set()).add(head.lower())
    return table


def translations(word: str, language: str) -> set[str]:
    # names and shared words stay as they are; "faldet" -> "the fall" gives "fall"
    return (_lexicon(language).get(word, set()) - function_words()) | {word}


def clauses(sentence: str) -> list[str]:
    return [c for c in CLAUSE_BREAK.split(sentence) if c.strip()] or [sentence]


def same_word(a: str, b: str) -> bool:
    """Two forms of one word: equal, or sharing all but the last two letters of the shorter, at least four
    ("need" ~ "needed", "intervene" ~ "intervenere", "fald" ~ "faldet"; not "under" ~ "understand",
    not "salget" ~ "salgsvækst")."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if len(short) >= 5 and long.endswith(short):  # a Danish compound's head word: "valutamarkedet" ~ "markedet"
        return True
    n = len(os.path.commonprefix([a, b]))
    return n >= max(4, min(len(a), len(b)) - 2) and max(len(a), len(b)) - n <= 5  # an ending, not a compound


def shared(wanted: set[str], words: set[str]) -> int:
    return sum(any(same_word(w, x) for x in words) for w in wanted)
