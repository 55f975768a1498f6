"""The one place newsum decides what language a text is in.

- detect(text): langdetect, seeded so the answer is the same on every run;
- article_language(paragraphs): detect voted per paragraph, so a Danish page carrying an English article
  reports "en" (the cleaner stores it in Article.language);
- guess_language(text): "da" or "en" from frequent function words, no model: decides how the numbers of a
  text are written ("4.573" is four thousand in Danish) where langdetect would be slow or unsure;
- summary_language(article): what language a summary starts from: the article's, else the vote, else the cues.

Short Danish text is often mistaken for Norwegian or Swedish; words spelled differently in
those languages (summarizer/data/langid.json) settle it. Other codes are reported as they are.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from summarizer.resources import data_json
from summarizer.values import Article

DetectorFactory.seed = 0  # langdetect samples randomly; a fixed seed makes it deterministic
_DANISH_CUES = re.compile(r"\b(?:og|er|pct|mia|mio|kr|af|til|med|det|ikke|en|på|siger|ifølge)\b|[æøå]", re.I)
_ENGLISH_CUES = re.compile(r"\b(?:the|and|of|is|to|in|from|said|says|percent|billion|million)\b", re.I)

_WORD_RE = re.compile(r"[^\W\d_]+")
MIN_PARAGRAPH_CHARS = 20  # shorter lines (subheads, captions) only vote when nothing longer exists
MAX_SAMPLE_CHARS = 6000  # enough to decide; keeps long articles fast


@lru_cache(maxsize=1)
def _markers() -> dict:
    data = data_json("langid.json")
    return {
        "confusables": frozenset(data["confusables"]),
        "danish": frozenset(data["danish_only"]),
        "other": frozenset(data["other_only"]),
        "short": int(data["short_text_chars"]),
    }


def _settle_scandinavian(text: str, guess: str, candidates: dict[str, float]) -> str:
    """Map a doubtful guess to Danish when the spelling says Danish (or, on short text, cannot tell).

    Norwegian/Swedish guesses are checked always; other guesses ('nl' for 'Aktien steg 4,2 pct.')
    only on short text, where langdetect has little to go on.
    """
    m = _markers()
    short = len(text) < m["short"]
    words = [w.lower() for w in _WORD_RE.findall(text)]
    danish = sum(w in m["danish"] for w in words) + (2 if re.search("[æø]", text, re.I) else 0)
    other = sum(w in m["other"] for w in words) + (2 if re.search("[äö]", text, re.I) else 0)
    if danish > other:
        return "da"
    if guess not in m["confusables"] or danish < other or not short:
        return guess
    # a short Scandinavian-looking text with nothing to tell them apart: English if that was in the
    # running ('Shares fell'), else Danish, the language newsum reads
    return "en" if "en" in candidates else "da"


def _detect_with_probs(text: str) -> dict[str, float]:
    try:
        return {c.lang: c.prob for c in detect_langs(text)}
    except LangDetectException:  # no letters, only numbers or symbols
        return {}


def detect(text: str) -> str | None:
    """ISO 639-1 code of TEXT ("da", "en", ...), or None when there is nothing to go on."""
    text = (text or "").strip()
    if not _WORD_RE.search(text):
        return None
    candidates = _detect_with_probs(text[:MAX_SAMPLE_CHARS])
    if not candidates:
        return None
    guess = max(candidates, key=candidates.get)
    if guess not in ("da", "en") and (guess in _markers()["confusables"] or len(text) < _markers()["short"]):
        guess = _settle_scandinavian(text, guess, candidates)
    return guess


def article_language(paragraphs: list[str]) -> str | None:
    """The language most of the body is written in: each paragraph votes with its length."""
    texts = [p.strip() for p in paragraphs if p and p.strip()]
    voters = [p for p in texts if len(p) >= MIN_PARAGRAPH_CHARS] or texts
    if not voters:
        return None
    votes: Counter[str] = Counter()
    sampled = 0
    # Longest first: they decide most reliably, and the sample cap then drops only the short ones.
    for p in sorted(voters, key=len, reverse=True):
        if sampled >= MAX_SAMPLE_CHARS:
            break
        lang = detect(p)
        if lang:
            votes[lang] += len(p)
        sampled += len(p)
    if not votes:
        return None
    return votes.most_common(1)[0][0]


def guess_language(text: str) -> str:
    """'da' or 'en' from frequent function words; decides what "4.573" and "1,150" mean."""
    return "da" if len(_DANISH_CUES.findall(text)) > len(_ENGLISH_CUES.findall(text)) else "en"


def summary_language(article: Article) -> str:
    """'da' or 'en': the article's own language, else the paragraph vote, else (Norwegian, Swedish, or too
    short to tell) the cue words."""
    if article.language in ("da", "en"):
        return article.language
    lang = article_language(article.paragraphs)
    return lang if lang in ("da", "en") else guess_language(article.text)
