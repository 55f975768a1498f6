"""Clean: a fetched page (HTML or plain text) -> the Article and nothing else, with its metadata.

HTML goes through trafilatura (balanced mode, comments off) after a finance layer has pruned
page furniture by class/id (newsletter, paywall, login, consent, share, related, ads, job lists,
offers). Plain text (feed content, a copied page) has no markup, so the body is found as the
densest run of prose lines. Both then pass the same line rules: boilerplate phrases, paywall
prompts (cut there, flag `paywalled`), a source line ("Fra Zerohedge:") that becomes the
attribution, and ad headlines injected between paragraphs. All phrase and selector lists are
data: summarizer/data/boilerplate.json and dates.json.

The pieces: line_rules.py (the line rules and their data), metadata.py (dates, bylines),
furniture.py (HTML pruning), html_page.py (HTML -> blocks), plain_text.py (plain text -> body).
"""

from __future__ import annotations

import re
from http import HTTPStatus

from summarizer.clean.html_page import _extract_page
from summarizer.clean.line_rules import (
    Block,
    _filter_blocks,
    _Filtered,
    _norm,
    _words,
    attribution_of,
    is_paywall_prompt,
    is_prose,
)
from summarizer.clean.metadata import parse_date, tidy_author
from summarizer.clean.plain_text import _densest_run, _read_header, _text_units
from summarizer.errors import NoArticleError
from summarizer.language import article_language
from summarizer.text import looks_like_html
from summarizer.values import LOGIN_STATUSES, Article, Page


def clean_text(text: str, url: str | None = None) -> Article:
    """A plain-text page (feed content, a copied page) -> Article."""
    units = _text_units(text or "")
    start, end = _densest_run(units)
    header = _read_header(units[:start])
    body = units[start:end]
    # the line right after the body may still be the source line or the paywall prompt
    tail = units[end:end + 2]
    blocks = [Block(u, "line") for u in body + [t for t in tail if attribution_of(t) or is_paywall_prompt(t)]]
    filtered = _filter_blocks(blocks, titles=(header["title"],), markup=False)
    return _article(
        filtered,
        url=url,
        title=header["title"],
        author=header["author"],
        published=header["published"],
        site=None,
        attribution=header["attribution"],
    )


# ---------------------------------------------------------------- public API


def _with_dek(paragraphs: list[str], dek: str | None) -> list[str]:
    if dek and paragraphs and _norm(dek) not in {_norm(p) for p in paragraphs[:3]}:
        return [dek, *paragraphs]
    return paragraphs


_NOT_FREE_RE = re.compile(r"[\"']isAccessibleForFree[\"']\s*:\s*[\"']?false", re.I)
TEASER_MAX_WORDS = 200


def _marked_locked_and_short(html: str | bytes, paragraphs: list[str]) -> bool:
    """schema.org says the article is not free and the page holds only a short text: a teaser."""
    source = html if isinstance(html, str) else html.decode("latin-1")
    return bool(_NOT_FREE_RE.search(source)) and sum(len(_words(p)) for p in paragraphs) < TEASER_MAX_WORDS


def clean_html(html: str | bytes, url: str | None = None) -> Article:
    """An HTML page -> Article (raises NoArticleError when it holds no article text)."""
    page = _extract_page(html, url, with_meta=True)
    meta = page.meta
    title = meta.title if meta else None
    filtered = _filter_blocks(page.blocks, titles=(title, *page.headlines))
    filtered.paragraphs = _with_dek(filtered.paragraphs, page.dek)
    if not filtered.paywalled and page.paywall_seen:
        filtered.paywalled, filtered.paywall_reason = True, page.paywall_seen
    if not filtered.paywalled and _marked_locked_and_short(html, filtered.paragraphs):
        filtered.paywalled = True
        filtered.paywall_reason = f"schema.org marks the article not free and the page holds under {TEASER_MAX_WORDS} words"
    published = parse_date(meta.date) if meta and meta.date else None
    author = tidy_author(meta.author if meta else None, html if isinstance(html, str) else "")
    author, published = author or page.byline[0], published or page.byline[1]
    return _article(
        filtered,
        url=url or (meta.url if meta else None),
        title=title,
        author=author,
        published=published,
        site=meta.sitename if meta else None,
        attribution=filtered.attribution,
    )


def extract_text(html: str | bytes, url: str | None = None) -> str:
    """Only the body text (no metadata, no language): the function the extraction benchmark times."""
    page = _extract_page(html, url, with_meta=False)
    paragraphs = _filter_blocks(page.blocks, titles=page.headlines).paragraphs
    return "\n".join(_with_dek(paragraphs, page.dek))


def clean(page: Page) -> Article:
    """A fetched Page -> Article, choosing HTML or plain-text cleaning by content.

    A page the site answered with 401/402/403 is its login or subscribe page: whatever teaser it holds is
    the article, paywalled, and one with no text at all is a paywall, said as such."""
    login = f"HTTP {page.status} {HTTPStatus(page.status).phrase}" if page.status in LOGIN_STATUSES else None
    try:
        if "html" in (page.content_type or "").lower() or looks_like_html(page.text):
            article = clean_html(page.text, url=page.url)
        else:
            article = clean_text(page.text, url=page.url)
    except NoArticleError:
        if login:
            raise NoArticleError(f"{page.url or page.source} answered {login} with a login or subscribe page and no "
                                 "article text: paywalled") from None
        raise
    if login:
        article.paywalled = True
        article.paywall_reason = f"the site answered {login} with a login or subscribe page"
    return article


def _article(filtered: _Filtered, **fields) -> Article:
    paragraphs = filtered.paragraphs
    if not any(is_prose(p) for p in paragraphs):
        raise NoArticleError("no article text found (the page holds only navigation, forms or other page furniture)")
    return Article(
        paragraphs=paragraphs,
        language=article_language(paragraphs),
        paywalled=filtered.paywalled,
        paywall_reason=filtered.paywall_reason if filtered.paywalled else None,
        **fields,
    )
