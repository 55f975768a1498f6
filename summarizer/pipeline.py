"""The only place stages are chained: fetch -> clean -> facts -> summary -> Report.

The CLI, the digest and the public API (summarizer/__init__.py) all call these functions, so a page is
treated the same whichever way it comes in. Stages are imported where they are first needed: a bad
source fails fast, before the extractor or a model is loaded.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

from summarizer.errors import ModelError, NoArticleError, UsageError
from summarizer.models.base import Model
from summarizer.values import Article, Report

LANGUAGES = ("da", "en")
TRANSLATE_BATCH = 4  # units translated per model call: what the model decodes side by side


def load_article(source: str, *, max_bytes: int | None = None, cache: bool = False, policy=None) -> Article:
    """Read SOURCE (URL, file path or "-") and return the cleaned article, or raise a NewsumError.
    policy: a fetch.addresses.AddressPolicy for a URL someone else handed over (a feed's entry link)."""
    from summarizer.fetch import read_source

    kwargs = {} if max_bytes is None else {"max_bytes": max_bytes}
    page = read_source(source, use_cache=cache, policy=policy, **kwargs)
    from summarizer.clean import clean

    article = clean(page)
    if not article.paragraphs:
        raise NoArticleError(f"no article text found in {source}")
    return article


def analyse(
    article: Article,
    *,
    model: Model | None = None,
    summarize: bool = True,
    length: str = "short",
    llm_extract: bool = False,
    facts_budget: float | None = None,
) -> Report:
    """Tickers and claims always (cheap, no model); the bilingual summary when asked (needs a model).
    facts_budget: seconds the claims may take on a huge page before they stop, flagged in Report.notes
    (settings.Settings.facts_budget: 60 s unless the config says otherwise; None: no limit)."""
    from summarizer.facts import find_facts, subjects

    facts = find_facts(article.text, budget_seconds=facts_budget)
    report = Report(article=article, tickers=facts.tickers, claims=facts.claims, notes=list(facts.notes))
    from summarizer.facts.key_facts import find_key_facts

    report.key_facts = find_key_facts(article.text, article.title, facts.claims, subjects(facts.tickers))
    if llm_extract and model is not None:
        if not model.can_chat:
            raise ModelError(f"--llm-extract needs a chat model; {model.name!r} only translates")
        from summarizer.facts.model_claims import with_model_claims

        report.claims = with_model_claims(article.text, report.claims, model)
    if summarize:
        from summarizer.summary import summarize as write_summary

        with model.working() if model is not None else nullcontext():
            report.summary = write_summary(article, model, facts=facts, length=length, key_facts=report.key_facts)
    return report


# ------------------------------------------------------------------------------ newsum translate


def translation_units(source: str, *, lines: bool) -> list[str]:
    """What `newsum translate` translates: each line (--lines), else each paragraph of a plain text, else
    the title and paragraphs of the cleaned page."""
    plain = _read_plain(source)
    if lines:
        if plain is None:
            raise UsageError("--lines needs plain text: a .txt file or - for stdin")
        return plain.splitlines()
    if plain is not None:
        return [p.strip() for p in re.split(r"\n\s*\n", plain) if p.strip()]
    article = load_article(source)
    return ([article.title] if article.title else []) + list(article.paragraphs)


def translate_units(units: list[str], model: Model, *, to: str) -> Iterator:
    """Translations of units into `to`, in order, a few at a time (long articles show progress, and a
    pipe gets each line soon). Yields summary.Translation values, each checked against its source."""
    from summarizer.summary import translate_texts

    to = target_language(to)
    source_language = "da" if to == "en" else "en"
    for start in range(0, len(units), TRANSLATE_BATCH):
        yield from translate_texts(units[start:start + TRANSLATE_BATCH], model, source_language, to)


def target_language(to: str | None) -> str:
    to = (to or "").lower()
    if to not in LANGUAGES:
        raise UsageError(f"--to must be da or en, not {to!r}")
    return to


def _read_plain(source: str) -> str | None:
    """Text of stdin or a .txt file; None when SOURCE is a page to clean first."""
    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    if path.suffix.lower() == ".txt" and not re.match(r"^[a-z]+://", source):
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UsageError(f"no such file: {source}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read {source} as UTF-8 text: {exc}") from None
    return None


# ------------------------------------------------------------------------------ newsum verify


def verify_source(source: str, summary: str, *, language: str | None = None, max_bytes: int | None = None):
    """A summary (anyone's) checked against the article at source: a values.Verification."""
    from summarizer.summary import verify

    if language is not None and language not in LANGUAGES:
        raise UsageError(f"--lang must be da or en, not {language!r}")
    return verify(load_article(source, max_bytes=max_bytes), summary, language)
