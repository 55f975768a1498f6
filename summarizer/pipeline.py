"""The single-article pipeline: fetch -> clean -> (summary, tickers, claims) -> Report.

The CLI and the digest both call these two functions, so a page is treated the same either way.
"""

from __future__ import annotations

from .article import Article, Fetched, Report
from .errors import NoArticleError


def load_article(source: str, *, max_bytes: int | None = None, cache: bool = False) -> Article:
    """Read SOURCE (URL, file path or "-") and return the cleaned article, or raise a NewsumError."""
    from . import fetch

    kwargs = {}
    if max_bytes is not None:
        kwargs["max_bytes"] = max_bytes
    fetched: Fetched = fetch.read_source(source, use_cache=cache, **kwargs)
    from . import clean  # imported after the fetch: a bad source fails fast, without loading the extractor

    article = clean.clean(fetched)
    if not article.paragraphs:
        raise NoArticleError(f"no article text found in {source}")
    return article


def analyse(
    article: Article,
    *,
    model=None,
    summarize: bool = True,
    length: str = "short",
    llm_extract: bool = False,
) -> Report:
    """Tickers and claims always (cheap, no model); the bilingual summary when asked (needs a model)."""
    from . import claims as claims_mod
    from . import tickers as tickers_mod

    report = Report(article=article)
    report.tickers = tickers_mod.find_tickers(article.text)
    report.claims = claims_mod.find_claims(article.text, tickers=report.tickers)
    if llm_extract and model is not None:
        claims_mod.add_model_claims(report, model)
    if summarize:
        from . import summarize as summarize_mod

        report.summary = summarize_mod.summarize(article, model, length=length)
    return report
