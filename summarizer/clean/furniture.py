"""Prune page furniture from a parsed HTML tree before trafilatura sees it.

Newsletter boxes, paywalls, login and consent dialogs, share bars, related lists, ads, job lists and
offers, found by class/id token, by tag, by a box's label ('Læs også') and by headlines that link
off-site. Kept apart from html_extract.py because this is the finance-specific layer (and the
largest piece of the HTML path); the token lists are data in summarizer/data/boilerplate.json.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice

from lxml import etree

from summarizer.clean.line_rules import (
    _SENTENCE_END_RE,
    _load_json,
    _norm,
    _squash,
    _words,
    is_paywall_prompt,
    rules,
)


def _class_id(el) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _long_paragraphs(el) -> int:
    return sum(1 for p in el.iter("p") if len(p.text_content()) >= 120)


_VERDICTS: dict[str, bool] = {}  # class/id value -> furniture?; values repeat across pages of a site
_TOKEN_VERDICTS: dict[str, bool] = {}  # one token of a value ('menu-item') -> furniture?


def _is_furniture(value: str) -> bool:
    """Does a class/id attribute value hold a furniture token ('newsletter-signup', 'ad-slot', ...)?"""
    verdict = _VERDICTS.get(value)
    if verdict is None:
        if len(_VERDICTS) > 50_000:
            _VERDICTS.clear()
            _TOKEN_VERDICTS.clear()
        verdict = False
        for tok in value.lower().split():
            hit = _TOKEN_VERDICTS.get(tok)
            if hit is None:
                hit = _TOKEN_VERDICTS[tok] = rules().prune.search(tok) is not None
            if hit:
                verdict = True
                break
        _VERDICTS[value] = verdict
    return verdict


def forget_seen_classes() -> None:
    """Empty the class/id verdict caches (the benchmark starts every round cold)."""
    _VERDICTS.clear()
    _TOKEN_VERDICTS.clear()


# Attribute values as strings, judged in Python (a cached dict lookup each), their elements fetched
# only for the hits: cheaper than an element object per tag.
_CLASS_ID_XPATH = etree.XPath("//@class | //@id")


@lru_cache(maxsize=1)
def _box_labels() -> str:
    return "|" + "|".join(_load_json("boilerplate.json")["box_labels"]) + "|"


def _prune_furniture(tree, source: str = "", page_url: str | None = None, find_paywall: bool = True) -> bool:
    """Drop page furniture by class/id, tag and label; returns True when a paywall box was seen.

    An element holding most of the page's long paragraphs is kept (see content_tokens in the data),
    so a content wrapper whose class happens to say 'paywall' or 'comments' keeps the article.
    """
    r = rules()
    doomed = [v.getparent() for v in _CLASS_ID_XPATH(tree) if _is_furniture(v)]
    doomed = [el for el in doomed if el.tag not in r.protect_tags]
    if not source or "sponsored" in source:
        doomed.extend(tree.xpath("//a[contains(@rel, 'sponsored')]"))
    doomed.extend(tree.iter(*r.prune_tags))
    doomed.extend(_external_link_blocks(tree, page_url))
    for label in r.box_label(tree, labels=_box_labels()):
        box = label.getparent()
        if box is not None and box.tag not in r.protect_tags and len(box.text_content()) <= r.box_max_chars:
            doomed.append(box)
    page_long, paywall_seen = None, False
    for el in doomed:
        if el.getparent() is None:  # listed twice, and already dropped
            continue
        held = _long_paragraphs(el)
        if held >= 2 or (held == 1 and r.content_name.search(_class_id(el))):
            page_long = page_long if page_long is not None else _long_paragraphs(tree)
            if held * 2 >= page_long:
                continue
        if find_paywall and not paywall_seen:
            paywall_seen = _is_paywall_box(el)
        _drop(el)
    return paywall_seen


_LINK_BLOCK_TAGS = frozenset({"p", "h2", "h3", "h4", "div"})


_HOST_RE = re.compile(r"https?://([^/:?#\s]+)", re.I)


def _site(url: str | None) -> str | None:
    """'https://www.oeugebrev.dk/x' -> 'oeugebrev.dk' (the last two host labels, three for co.uk and the like)."""
    m = _HOST_RE.match(url or "")
    return _site_of_host(m.group(1).lower()) if m else None


@lru_cache(maxsize=4096)
def _site_of_host(host: str) -> str:
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in ("co", "com", "org", "net", "ac", "gov") and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def _external_link_blocks(tree, page_url: str | None) -> list:
    """Blocks whose whole text is one link to another site: ad and partner headlines pushed into
    the body ('Sådan fik jeg 8 pct. om året' -> a click tracker), whatever their markup."""
    if page_url is None:
        canonical = tree.xpath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content")
        page_url = str(canonical[0]) if canonical else None
    home = _site(page_url)
    if home is None:
        return []
    found = []
    for a in tree.xpath("//body//a[starts-with(@href, 'http')]"):
        site = _site(a.get("href"))
        if site is None or site == home:
            continue
        text = _squash(a.text_content())
        if not 3 <= len(_words(text)) <= 20 or _SENTENCE_END_RE.search(text):
            continue
        block = a.getparent()
        while block is not None and block.tag not in _LINK_BLOCK_TAGS:
            block = block.getparent()
        if block is not None and _squash(block.text_content()) == text:
            found.append(block)
    return found


def _is_paywall_box(el) -> bool:
    """A dropped box that is the paywall: its first lines are a paywall prompt, or it has a paywall
    class and talks subscriptions. (A sidebar of teasers badged 'Kun for abonnenter' is neither.)"""
    if len(el) >= 40:  # a big container (a whole sidebar) is not a paywall box
        return False
    first_lines = [t for t in islice((t for t in el.itertext() if t.strip()), 2)]
    if any(is_paywall_prompt(t) for t in first_lines):
        return True
    r = rules()
    return r.prune_paywall.search(_class_id(el)) is not None and re.search(
        r"abonn|subscri|member|medlem", _norm(el.text_content())[:2000]
    ) is not None


def _drop(el) -> None:
    """Remove EL; loose text after it becomes a paragraph of its own (old pages write body text as
    bare text between <br>s, and glued to the previous element it would be lost)."""
    tail, el.tail = el.tail, None
    if tail and tail.strip():
        para = el.makeelement("p", {})
        para.text = tail
        el.addnext(para)
    el.getparent().remove(el)
