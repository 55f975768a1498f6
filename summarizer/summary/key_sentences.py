"""Content selection: the article's key sentences, by an extractive method that works for Danish and English.

Each sentence is scored by TextRank over content-word overlap (stopwords from package data, words cut
to a 6-letter prefix as a language-light stem, so "indtjeningen"/"indtjening" and "earnings"/"earning"
meet), plus a lead bonus (news puts the point first) and a bonus for sentences carrying numbers or
names (what a financial reader checks). The best sentences that fit the model's context budget are
returned in article order, so the model reads them as a coherent text.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from summarizer.resources import data_text
from summarizer.text import split_sentences as text_sentences

WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", re.UNICODE)
HAS_NUMBER = re.compile(r"\d")
# The headline says what the news is: the sentence with its figures is kept (the bonus outweighs the lead
# bonus of the second sentence), and shared words count like a second lead.
HEADLINE_FIGURE_BONUS = 1.0
HEADLINE_WORDS_BONUS = 0.5
CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-ZÆØÅ][\w&]+")


@dataclass
class Sentence:
    text: str
    position: int  # index in the article, in reading order
    score: float = 0.0


@lru_cache(maxsize=4)
def stopwords(language: str) -> frozenset[str]:
    lang = language if language in ("da", "en") else "en"
    raw = data_text(f"stopwords.{lang}.txt")
    return frozenset(w.strip() for w in raw.splitlines() if w.strip() and not w.startswith("#"))


def split_sentences(text: str, language: str = "en") -> list[str]:
    """Sentences of one paragraph, by text.split_sentences (it knows "pct.", "mia. kr.", "pr. MW", "U.S."
    are not ends, in either language)."""
    return [text[s.start:s.end] for s in text_sentences(text)]


def article_sentences(paragraphs: list[str], language: str = "en") -> list[Sentence]:
    out: list[Sentence] = []
    for para in paragraphs:
        for s in split_sentences(para, language):
            out.append(Sentence(text=s, position=len(out)))
    return out


def content_words(text: str, language: str) -> set[str]:
    stop = stopwords(language)
    return {w.lower()[:6] for w in WORD.findall(text) if len(w) > 2 and w.lower() not in stop}


def _textrank(bags: list[set[str]], damping: float = 0.85, iterations: int = 40) -> list[float]:
    """PageRank over the sentence graph; edge weight = shared words / (log|a| + log|b|) (Mihalcea & Tarau 2004)."""
    n = len(bags)
    weights = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            shared = len(bags[i] & bags[j])
            if shared and len(bags[i]) > 1 and len(bags[j]) > 1:
                w = shared / (math.log(len(bags[i])) + math.log(len(bags[j])))
                weights[i][j] = weights[j][i] = w
    out_sum = [sum(row) for row in weights]
    rank = [1.0 / n] * n
    for _ in range(iterations):
        rank = [
            (1 - damping) / n
            + damping * sum(rank[j] * weights[j][i] / out_sum[j] for j in range(n) if weights[j][i])
            for i in range(n)
        ]
    return rank


def score_sentences(sentences: list[Sentence], language: str, title: str | None = None) -> list[Sentence]:
    """Scores in place. title: the headline, which says what the news is; a sentence that gives the
    headline's figures, or shares its words, is what the summary must say."""
    if not sentences:
        return sentences
    from summarizer.facts.quantities import find_quantities, same_quantity

    title_figures = [q for q in find_quantities(title or "") if q.kind not in ("year", "date", "ordinal")]
    title_words = content_words(title or "", language)
    bags = [content_words(s.text, language) for s in sentences]
    ranks = _textrank(bags) if len(sentences) > 1 else [1.0]
    top = max(ranks) or 1.0
    for s, r, bag in zip(sentences, ranks, bags):
        words = len(s.text.split())
        score = r / top  # 0..1
        score += 1.0 / (1 + s.position)  # lead bonus: the first sentences carry the news
        score += 0.25 if HAS_NUMBER.search(s.text) else 0.0
        score += 0.1 if CAPITALISED.search(s.text) else 0.0
        if words < 6:  # fragments, captions, "Fra Zerohedge:"
            score *= 0.3
        elif words > 60:  # run-ons are expensive context and hard to summarize
            score *= 0.7
        if s.text.rstrip().endswith("?"):
            score *= 0.6
        if title_figures and any(same_quantity(q, t) for q in find_quantities(s.text) for t in title_figures):
            score += HEADLINE_FIGURE_BONUS
        if title_words:
            score += HEADLINE_WORDS_BONUS * len(title_words & bag) / len(title_words)
        s.score = score
    return sentences


def select_sentences(
    paragraphs: list[str],
    language: str = "en",
    *,
    max_sentences: int = 7,
    max_chars: int = 1600,
    title: str | None = None,
) -> list[Sentence]:
    """The best-scoring sentences that fit max_chars (the model's context budget), in article order.

    The budget is in characters because it is checked before tokenizing; ~4 characters per token for
    English and Danish with the Qwen tokenizer.
    """
    scored = score_sentences(article_sentences(paragraphs, language), language, title)
    chosen: list[Sentence] = []
    used = 0
    for s in sorted(scored, key=lambda s: -s.score):
        if len(chosen) >= max_sentences:
            break
        if used + len(s.text) > max_chars and chosen:
            continue
        chosen.append(s)
        used += len(s.text) + 1
    return sorted(chosen, key=lambda s: s.position)
