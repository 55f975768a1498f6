"""Word hints for translation: a hand-made bilingual word list (package data) looked up per sentence.

The default model knows what most everyday words mean but not their Danish (or, for rarer Danish words,
their English) form: it writes "køpe" for "købe", "Apelsen" for "Æblerne". Showing it the word list's
translations of the sentence's content words, as one more example turn just before the sentence, lets
it copy the right word. The lists (data/lexicon.<src>-<tgt>.tsv) give surface forms as they occur in
running text ("apples" -> "æbler", "bilen" -> "the car"); headwords are the most frequent words of each
language (wordfreq's lists), translations were written for newsum. Measured in BENCHMARKS.md "Translation".
"""

from __future__ import annotations

import re
from functools import lru_cache

from summarizer.resources import data_text
from summarizer.summary.key_sentences import stopwords

WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
MAX_HINTS = 8
MAX_SENSES = 2  # "smoke = ryge / røg": more senses make the hint longer than the sentence


@lru_cache(maxsize=1)
def _skip_names() -> frozenset[str]:
    raw = data_text("hint_skip_names.txt")
    return frozenset(line.strip() for line in raw.splitlines() if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=2)
def lexicon(source_language: str, target_language: str) -> dict[str, tuple[str, ...]]:
    """{source word (lower case): translations, most common first}."""
    name = f"lexicon.{source_language}-{target_language}.tsv"
    raw = data_text(name)
    entries: dict[str, tuple[str, ...]] = {}
    for line in raw.splitlines():
        if line.startswith("#") or "\t" not in line:
            continue
        word, translations = line.split("\t", 1)
        senses = tuple(t.strip() for t in translations.split(";") if t.strip() and t.strip() != "-")
        if senses and word.strip():
            entries.setdefault(word.strip().lower(), senses)
    return entries


def word_hints(text: str, source_language: str, target_language: str, *, max_hints: int = MAX_HINTS,
               skip: set[str] | frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """(word, "translation / translation") for text's content words found in the word list, in text order.

    Skipped: stopwords (the model knows them), words whose translation is the word itself, and
    capitalised words inside a sentence (names: Danish "tom" is "empty", the name Tom is not)."""
    entries = lexicon(source_language, target_language)
    stop = stopwords(source_language)
    hints: list[tuple[str, str]] = []
    seen: set[str] = set()
    for m in WORD.finditer(text):
        if len(hints) >= max_hints:
            break
        word = m.group(0)
        lower = word.lower()
        if lower in seen or lower in stop or lower in skip or len(lower) < 3:
            continue
        before = text[: m.start()].rstrip()
        sentence_start = not before or before[-1] in ".!?:\"“”«»–-"
        if word[0].isupper() and (not sentence_start or lower in _skip_names()):
            continue
        senses = [s for s in entries.get(lower, ()) if s.lower() != lower][:MAX_SENSES]
        if senses:
            seen.add(lower)
            hints.append((word, " / ".join(senses)))
    return hints

