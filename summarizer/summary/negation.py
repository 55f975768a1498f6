"""Negation and polarity: a clause of a summary against the article sentences it comes from.

A negation added (the summary negates what the article states) or dropped (the summary states what the
article negates) is told by what is negated: the few content words after "not"/"ikke", looked up in the
article (across languages through the bilingual word list), or the figure the negation is on.
"""

from __future__ import annotations

import re

from summarizer.facts.quantities import find_quantities
from summarizer.summary import dictionary
from summarizer.summary.article_index import ArticleIndex
from summarizer.summary.check import _found, _name_variants, _norm, names, supports
from summarizer.summary.wording import (
    WORD,
    Problem,
    clauses,
    function_words,
    meaning_words,
    shared,
    translations,
)

NEGATIVE_PREFIXES = {"en": ("un", "non"), "da": ("u",)}  # "unprofitable", "urentabel": a negation in a word


def poles(text: str) -> dict[str, set[int]]:
    words = {w.lower() for w in WORD.findall(text)}
    out: dict[str, set[int]] = {}
    for axis, sides in meaning_words()["polarity_axes"].items():
        found = {i for i, side in enumerate(sides) if words & set(side)}
        if found:
            out[axis] = found
    return out


def negated(text: str, language: str | None, prefixes: bool = True) -> bool:
    """An explicit negation ("not", "ikke", "no", "n't") or, with prefixes, a negative prefix on a word of
    the language ("unprofitable", "urentable"; "uændret" and the like are listed as no negation). Across
    languages prefixes are not compared: "innocent" is "uskyldig", "unprofitable" is "ikke rentabel"."""
    lowered = text.lower().replace("’", "'").replace("‘", "'").replace("n 't", "n't")
    words = {w.lower() for w in WORD.findall(text)} - set(meaning_words()["not_negations"])
    if "n't" in lowered or words & set(meaning_words()["negations"]):
        return True
    if not prefixes:
        return False
    for lang in ([language] if language else ["da", "en"]):
        for prefix in NEGATIVE_PREFIXES.get(lang, ()):
            for w in words:
                rest = w[len(prefix):]
                if w.startswith(prefix) and len(rest) >= 5 and dictionary.available(lang) and dictionary.is_word(rest, lang):
                    return True
    return False


def _negation_at(clause: str) -> int:
    m = re.search(r"(?<!\w)(?:" + "|".join(map(re.escape, meaning_words()["negations"])) + r")(?!\w)|n['’]t\b", clause, re.IGNORECASE)
    return m.start() if m else 0


def _negated_phrases(clause: str) -> list[list[str]]:
    """The content words right after each explicit negation of clause: what it negates (names aside:
    "not ... Trump" says nothing of what is negated)."""
    raw = [t.replace("’", "'") for t in WORD.findall(clause)]
    tokens = [t.lower() for t in raw]
    skip = function_words() | set(meaning_words()["abbreviations"])
    out = []
    for i, t in enumerate(tokens):
        if t in meaning_words()["negations"] or t.endswith("n't"):
            out.append([w.lower() for w in raw[i + 1 : i + 7]
                        if w.lower() not in skip and len(w) > 2 and not w[:1].isupper()][:3])
    return out


def in_article_language(words, language: str, index: ArticleIndex) -> set[str]:
    """words, translated into the article's language through the word list when the languages differ."""
    words = set(words)
    if language != index.language:
        words = set().union(*(translations(w, language) for w in words)) if words else set()
    return words


MIN_CONTENT_SHARED = 4  # words a clause shares with an article sentence for it to be where the clause is from
CONTENT_SHARE = 0.6


def negation_problems(clause: str, sentence: str, language: str, index: ArticleIndex,
                       sources: list[int], *, prefixes: bool = True) -> list[Problem]:
    """A negation added (the summary negates what the article states) or dropped (the summary states
    what the article negates). The negated words are what tell: the few content words after "not"/"ikke".
    prefixes: False leaves out negative prefixes ("urentabel"), which need the dictionary."""
    out = []
    same = language == index.language and prefixes
    article_negated = [negated(s, index.language, same) for s in index.sentences]
    for phrase in _negated_phrases(clause):
        first = in_article_language(phrase[:1], language, index)  # the word the negation is on
        if first and any(article_negated[i] and shared(first, index.words[i]) for i in range(len(index.sentences))):
            continue  # the article negates it too
        wanted = [in_article_language([w], language, index) for w in phrase]
        # Across languages the word list gives a word's usual translations, not every paraphrase: ask more.
        need = min(2 if same else 3, len(phrase))
        named = [n for n, _ in names(clause)]
        stating = [i for i in range(len(index.sentences)) if phrase
                   and sum(bool(shared(w, index.words[i])) for w in wanted) >= need
                   and (i in sources or any(_found(v, _norm(index.sentences[i])) for n in named for v in _name_variants(n)))]
        # A figure the negation is on ("is not down 2.1%", "ikke faldet 6,8 pct.") ties it to the sentence
        # that gives the figure.
        negated_part = re.split(r"[,;:]\s", clause[_negation_at(clause):], maxsplit=1)[0]
        strong = [i for i in sources if any(supports(a, q) for q in find_quantities(negated_part)
                                            for a in index.quantities[i])]
        if stating or strong:
            out.append(Problem("negated, but the article states it", " ".join(phrase), sentence))
            return out
    clause_words = in_article_language({w.lower() for w in WORD.findall(clause)} - function_words(), language, index)
    # Names pull a clause towards the sentence that names the speaker ("..., siger investeringsstrateg X");
    # what the clause says may be in another one: any sentence sharing most of its words is a source too.
    tokens = WORD.findall(clause)
    content = in_article_language({w.lower() for k, w in enumerate(tokens) if k == 0 or not w[:1].isupper()}
                                  - function_words(), language, index)  # its words, not its names
    enough = max(MIN_CONTENT_SHARED, round(CONTENT_SHARE * len(content)))
    sources = sources + [i for i in range(len(index.sentences))
                         if i not in sources and shared(content, index.words[i]) >= enough]
    if negated(clause, language, same) or not sources:
        return out
    # The clause of each source sentence that the summary's clause is from ("X rose, but Y did not").
    closest = [max(clauses(index.sentences[i]), key=lambda c: shared(clause_words, {w.lower() for w in WORD.findall(c)}))
               for i in sources]
    if all(negated(c, index.language, same) for c in closest):
        return [Problem("the article's sentence is negated, the summary's is not", clause.strip(), sentence)]
    best = closest[0]
    for i in sources:  # what the sentences it is from negate, stated: two of the negated words (one, in
        for c in clauses(index.sentences[i]):  # the clause the summary's is from)
            if not negated(c, index.language, same):
                continue
            for phrase in _negated_phrases(c):
                if phrase and shared(set(phrase), clause_words) >= (1 if c == best else 2):
                    return [Problem("the article negates this, the summary does not", " ".join(phrase), sentence)]
    return out
