"""`newsum verify`: check any summary, in Danish or English, against its article, sentence by sentence.

The same checks newsum's own summaries pass (check.py's grounding, meaning.py's meaning checks, the
block's language, the headline's figures), for a summary written by newsum, another tool or a person.
"""

from __future__ import annotations

from summarizer.errors import UsageError
from summarizer.language import detect
from summarizer.summary.write import LANGUAGE_NAMES, Checker, language_issues
from summarizer.text import split_sentences
from summarizer.values import Article, SentenceCheck, Verification


def verify(article: Article, summary: str, language: str | None = None) -> Verification:
    """summary checked against article. language: the summary's, "da" or "en" (detected when None)."""
    summary = " ".join(summary.split())
    if not summary:
        raise UsageError("the summary to verify is empty")
    language = language or detect(summary)
    if language not in LANGUAGE_NAMES:
        raise UsageError(f"cannot tell whether the summary is Danish or English (detected {language}); pass --lang")
    check = Checker(article, None)
    sentences = []
    for s in split_sentences(summary):
        sentence = summary[s.start : s.end]
        sentences.append(SentenceCheck(sentence, check(sentence, language)))
    whole = language_issues(summary, language) + check.missing_headline(summary)
    return Verification(
        language=language,
        grounded=not whole and not any(s.problems for s in sentences),
        sentences=sentences,
        problems=whole,
        url=article.url,
        title=article.title,
    )
