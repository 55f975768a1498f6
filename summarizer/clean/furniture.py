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
    rule_on,
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


# Styled out of sight: a schema.org copy of the headline and dates, a closed menu. (An article body
# hidden until a script shows it holds most of the long paragraphs, and the guard below keeps it. The
# `hidden` attribute is not read: React streams whole articles in hidden blocks and swaps them in.)
_HIDDEN_XPATH = etree.XPath(
    "//body//*[@style][contains(translate(@style, ' ', ''), 'display:none')"
    " or contains(translate(@style, ' ', ''), 'visibility:hidden')]"
)


# Attribute values as strings, judged in Python (a cached dict lookup each), their elements fetched
# only for the hits: cheaper than an element object per tag. Two paths, not a union, which would sort
# the values into document order for nothing.
_CLASS_XPATH = etree.XPath("//@class")
_ID_XPATH = etree.XPath("//@id")


@lru_cache(maxsize=1)
def _box_labels() -> str:
    return "|" + "|".join(_load_json("boilerplate.json")["box_labels"]) + "|"


def _prune_furniture(tree, source: str = "", page_url: str | None = None, find_paywall: bool = True) -> bool:
    """Drop page furniture by class/id, tag and label; returns True when a paywall box was seen.

    An element holding most of the page's long paragraphs is kept (see content_tokens in the data),
    so a content wrapper whose class happens to say 'paywall' or 'comments' keeps the article.
    """
    r = rules()
    values = _CLASS_XPATH(tree) + _ID_XPATH(tree) if rule_on("class/id tokens") else []
    furniture = {v for v in set(values) if _is_furniture(v)}  # a value repeats; judge it once
    doomed = [v.getparent() for v in values if v in furniture]
    doomed = [el for el in doomed if el.tag not in r.protect_tags and not _in_code(el) and not _prose_in_link_box(el)]
    if (not source or "sponsored" in source) and rule_on("sponsored links"):
        # a sponsored link standing alone is an ad; one inside a sentence or a list item is the text's
        doomed.extend(a for a in tree.xpath("//a[contains(@rel, 'sponsored')]") if _stands_alone(a))
    if rule_on("form tags"):
        doomed.extend(tree.iter(*r.prune_tags))
    if rule_on("hidden by style"):
        doomed.extend(_HIDDEN_XPATH(tree))
    if rule_on("link blocks"):
        doomed.extend(_link_blocks(tree, page_url))
    for label in r.box_label(tree, labels=_box_labels()) if rule_on("labelled boxes") else ():
        box = label.getparent()
        if box is not None and box.tag not in r.protect_tags and _is_labelled_box(box, r.box_max_chars):
            doomed.append(box)
            # a label alone in its element (<h3>Related</h3>) heads the list of links that follows it
            listed = box.getnext()
            if _squash(box.text_content()) == _squash(label.text_content()) and listed is not None and _is_link_list(listed, r.box_max_chars):
                doomed.append(listed)
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


def _is_labelled_box(box, max_chars: int) -> bool:
    """Under a label ('Related links:', 'Læs også'): a small box, or a list of links of any length up to
    ten times that (the links' text at least four fifths of the box's)."""
    return len(box.text_content()) <= max_chars or _is_link_list(box, max_chars)


def _is_link_list(el, max_chars: int) -> bool:
    """Up to ten small boxes' worth of text, four fifths of it or more the text of links."""
    chars = len(el.text_content())
    return 0 < chars <= 10 * max_chars and _linked_chars(el) * 5 >= chars * 4


def _linked_chars(el) -> int:
    """How much of an element's text is the text of links."""
    return sum(len(a.text_content()) for a in el.iter("a"))


def _in_code(el) -> bool:
    """Inside <pre>/<code>: a highlighter's 'token comment' span is the code's text, not reader comments."""
    return any(a.tag in ("pre", "code") for a in el.iterancestors()) or el.tag in ("pre", "code")


def _prose_in_link_box(el) -> bool:
    """A 'related'/'read more' box is a list of links; one holding two or more long paragraphs of
    plain prose is the article's own text under an unlucky class name, and stays."""
    if not rules().link_list.search(_class_id(el).lower()) or _long_paragraphs(el) < 2:
        return False
    return _linked_chars(el) * 5 < len(el.text_content())


def _stands_alone(link) -> bool:
    """A link that is the whole text of its block, outside any list: an ad headline, not a word of the text."""
    block = link.getparent()
    while block is not None and block.tag in ("span", "strong", "em", "b", "i"):
        block = block.getparent()
    if block is None or any(a.tag == "li" for a in link.iterancestors()):
        return False
    return _squash(block.text_content()) == _squash(link.text_content())


_LINK_BLOCK_TAGS = frozenset({"p", "h2", "h3", "h4", "div", "li"})


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


def _link_blocks(tree, page_url: str | None) -> list:
    """Blocks whose whole text is one link: page furniture whatever its markup.

    - To another site: an ad or partner headline pushed into the body ('Sådan fik jeg 8 pct. om året'
      -> a click tracker). A list of such links (filings, sources) is the article's own.
    - To another article of this site: a 'read also' teaser. Alone in its block it goes; in a list, the
      list goes when all its items (two or more), or three or more and two thirds of them, lead with such a teaser.
    """
    if page_url is None:
        canonical = tree.xpath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content")
        page_url = str(canonical[0]) if canonical else None
    home = _site(page_url)
    if home is None:
        return []
    found, teaser_items = [], {}
    for a in tree.xpath("//body//a[@href]"):
        href = a.get("href")
        site = _site(href) if href.startswith("http") else home if href.startswith("/") and not href.startswith("//") else None
        if site is None:
            continue
        text = _squash(a.text_content())
        n_words = len(_words(text))
        if site != home:
            if not 3 <= n_words <= 20 or _SENTENCE_END_RE.search(text):
                continue
        elif not (4 <= n_words <= 40 and _ARTICLE_PATH_RE.search(href)):
            continue
        block = a.getparent()
        while block is not None and block.tag not in _LINK_BLOCK_TAGS:
            block = block.getparent()
        if block is None or _squash(block.text_content()) != text:
            continue
        item = block if block.tag == "li" else next(block.iterancestors("li"), None)
        if item is None:
            found.append(block)
        elif site == home:
            teaser_items[item] = True
    lists = {}
    for item in teaser_items:
        parent = item.getparent()
        if parent is not None:
            lists.setdefault(parent, []).append(item)
    for parent, items in lists.items():
        all_items = sum(1 for c in parent if c.tag == "li")
        if (len(items) >= 3 and len(items) * 3 >= all_items * 2) or len(items) == all_items >= 2:
            found.append(parent)
    return found


# an article's address: a slug of three or more hyphenated words, or a long number (an id)
_ARTICLE_PATH_RE = re.compile(r"/[^/?#]*[a-z0-9]+-[a-z0-9]+-[a-z0-9]+[^/?#]*(?:[/?#]|$)|/\d{5,}(?:[/.?#-]|$)", re.I)


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
