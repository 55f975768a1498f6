"""An article read once for the meaning checks, and where a clause of a summary comes from in it."""

from __future__ import annotations

from dataclasses import dataclass, field

from summarizer.facts.quantities import Quantity, find_quantities
from summarizer.facts.tickers import find_tickers, subjects
from summarizer.summary.check import _found, _name_variants, _norm, names, supports
from summarizer.summary.wording import (
    HOME_COUNTRY,
    WORD,
    countries_implied,
    countries_in,
    function_words,
    shared,
    translations,
)
from summarizer.text import split_sentences

MIN_MATCH = 3  # evidence needed before a summary clause is compared with an article sentence
CANDIDATE_SHARE = 0.75  # article sentences scoring this share of the best are also where a clause may come from


@dataclass
class ArticleIndex:
    """An article read once for the meaning checks: its sentences with their figures, words and names."""

    text: str
    language: str | None = None
    sentences: list[str] = field(default_factory=list)
    quantities: list[list[Quantity]] = field(default_factory=list)
    words: list[set[str]] = field(default_factory=list)
    tickers: list[list] = field(default_factory=list)
    all_words: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    sentence_countries: list[set[str]] = field(default_factory=list)

    @classmethod
    def of(cls, text: str, language: str | None = None) -> ArticleIndex:
        index = cls(text=text, language=language)
        for s in split_sentences(text):
            sentence = text[s.start : s.end]
            index.sentences.append(sentence)
            index.quantities.append(find_quantities(sentence))
            index.words.append({w.lower() for w in WORD.findall(sentence)})
            index.tickers.append(subjects(find_tickers(sentence)))
            index.sentence_countries.append(set(countries_in(sentence)))
        for w in WORD.findall(text):  # "SocGen's" gives "socgen's" and "socgen"
            low = w.lower().replace("’", "'")
            index.all_words |= {low, low.split("'")[0]}
        index.countries = countries_implied(text) | ({HOME_COUNTRY[language]} if language in HOME_COUNTRY else set())
        return index

    def holding(self, q: Quantity) -> list[int]:
        """The sentences whose figures back q."""
        return [i for i, qs in enumerate(self.quantities) if any(supports(a, q) for a in qs)]

    def sources(self, clause: str, language: str, skip: Quantity | None = None) -> list[int]:
        """The article sentences a summary clause may come from, best first, when the evidence suffices:
        a shared figure counts 3 (a year 2), a shared name or country 2, a shared word 1 (across
        languages through the bilingual word list). skip: a figure not to count (the one being judged)."""
        qs = [q for q in find_quantities(clause) if q is not skip and q.kind != "date"]
        clause_names = [n for n, _ in names(clause)]
        clause_countries = set(countries_in(clause))
        words = {w.lower() for w in WORD.findall(clause)} - function_words()
        if language != self.language:
            words = set().union(*(translations(w, language) for w in words)) if words else set()
        scores = []
        for i, article_sentence in enumerate(self.sentences):
            score = sum((2 if q.kind == "year" else 3) for q in qs if any(supports(a, q) for a in self.quantities[i]))
            norm = _norm(article_sentence)
            score += 2 * sum(any(_found(v, norm) for v in _name_variants(n)) for n in clause_names)
            score += 2 * len(clause_countries & self.sentence_countries[i])
            score += shared(words, self.words[i])
            scores.append(score)
        best = max(scores, default=0)
        if best < MIN_MATCH:
            return []
        return sorted((i for i, sc in enumerate(scores) if sc >= max(MIN_MATCH, CANDIDATE_SHARE * best)),
                      key=lambda i: -scores[i])
