"""newsum: what a financial article says, in Danish and English, checked against the source.

    import summarizer
    report = summarizer.analyse_html(html)        # the default model; model=... to choose
    report.summary.en, report.tickers, report.to_json()

The stages are subpackages (fetch, clean, facts, summary, models, digest), chained in pipeline.py; the
values passed between them are in values.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from summarizer.version import __version__

if TYPE_CHECKING:
    from summarizer.models.base import Model
    from summarizer.values import Article, Report

__all__ = ["__version__", "read", "clean_html", "extract_text", "analyse", "analyse_html", "load_model"]


def read(source: str, *, max_bytes: int | None = None) -> Article:
    """An http(s) URL, a local file path, or "-" (standard input) -> the cleaned Article."""
    from summarizer.pipeline import load_article

    return load_article(source, max_bytes=max_bytes)


def clean_html(html: str | bytes, url: str | None = None) -> Article:
    """An HTML page -> the Article and its metadata (no network)."""
    from summarizer.clean import clean_html as clean

    return clean(html, url=url)


def extract_text(html: str | bytes, url: str | None = None) -> str:
    """An HTML page -> only its article text (what the extraction benchmarks time)."""
    from summarizer.clean import extract_text as extract

    return extract(html, url=url)


def load_model(name: str | None = None, *, config: dict | None = None) -> Model:
    """A model by preset name, .gguf path, checkpoint folder or cached Hugging Face id; None: the default."""
    from summarizer.models import load_model as load

    return load(name, config=config)


def analyse(article: Article, model: Model | None = None, *, summarize: bool = True, length: str = "short") -> Report:
    """Tickers, claims and (with summarize) the checked bilingual summary of an Article."""
    from summarizer.pipeline import analyse as run

    if summarize and model is None:
        model = load_model()
    return run(article, model=model, summarize=summarize, length=length)


def analyse_html(html: str | bytes, url: str | None = None, *, model: Model | None = None,
                 summarize: bool = True, length: str = "short") -> Report:
    """An HTML page -> its Report: clean, then analyse."""
    return analyse(clean_html(html, url=url), model, summarize=summarize, length=length)
