"""A plain text (feed content, a copied page) -> the body's lines and the header above them.

Plain text has no markup, so the body is found as the densest run of prose lines, and title,
author, date and source line are read from the lines above it. clean.clean_text puts it together.
"""

from __future__ import annotations

import re

from summarizer.clean.line_rules import (
    _squash,
    _words,
    attribution_of,
    is_boilerplate,
    is_paywall_prompt,
    is_prose,
)
from summarizer.clean.metadata import author_of, is_date_line, parse_date


def _text_units(text: str) -> list[str]:
    """Lines of a plain text; a hard-wrapped paragraph (even, long lines) is joined back into one."""
    units: list[str] = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [_squash(line) for line in chunk.split("\n") if line.strip()]
        if len(lines) >= 2:
            heads = [len(line) for line in lines[:-1]]
            if min(heads) >= 55 and max(heads) - min(heads) <= 25:
                units.append(" ".join(lines))
                continue
        units.extend(lines)
    return units


def _densest_run(units: list[str]) -> tuple[int, int]:
    """The stretch of lines richest in prose (maximum-sum run): boilerplate breaks it, short lines cost a little."""
    best, best_span = 0, (0, 0)
    total, start = 0, 0
    for i, u in enumerate(units):
        if is_boilerplate(u) or is_paywall_prompt(u):
            w = -40
        elif is_prose(u):
            w = len(_words(u))
        else:
            w = -3
        if total <= 0:
            total, start = 0, i
        total += w
        if total > best:
            best, best_span = total, (start, i + 1)
    return best_span


def _read_header(lines: list[str]) -> dict:
    """Title, author, date and source line from the lines above a plain-text article."""
    meta: dict = {"title": None, "author": None, "published": None, "attribution": None}
    rest = []
    for line in lines:
        if is_boilerplate(line):
            continue
        if meta["published"] is None and is_date_line(line):
            meta["published"] = parse_date(line)
        elif name := attribution_of(line):
            meta["attribution"] = name
        else:
            rest.append(line)
    for line in rest:
        if meta["title"] is None and len(_words(line)) >= 3 and not author_of(line):
            meta["title"] = line
        elif meta["author"] is None and (name := author_of(line)):
            meta["author"] = name
    return meta
