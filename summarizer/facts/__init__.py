"""facts: what an article states, found without a model: the securities it names and its checkable claims.

tickers.py finds tickers and company/index names (gazetteer.csv); quantities.py reads numbers, units,
dates and scales in Danish and English; claims.py picks the sentences that assert a figure, with the
numbers' directions and the claim's subject; attribution.py says who asserts it; model_claims.py adds
claims a model proposes (--llm-extract), verified against the text.
"""

from __future__ import annotations

import time

from summarizer.facts.claims import find_claims
from summarizer.facts.tickers import find_tickers, subjects
from summarizer.values import Facts


def find_facts(text: str, *, budget_seconds: float | None = None) -> Facts:
    """Tickers (subjects and sources) and claims of Article.text; tickers are found once and the claims
    reuse the subjects. With a budget, the claims stop when it is spent and Facts.notes says how far they got."""
    started = time.monotonic()
    tickers = find_tickers(text)
    deadline = None if budget_seconds is None else started + budget_seconds
    claims, reached = find_claims(text, tickers=subjects(tickers), deadline=deadline, with_progress=True)
    notes = [] if reached >= len(text) else [
        f"claims: stopped after {budget_seconds:g} s at character {reached:,} of {len(text):,}; "
        "the rest of the article was not checked for claims"]
    return Facts(tickers=tickers, claims=claims, notes=notes)


__all__ = ["find_facts", "find_tickers", "find_claims", "subjects"]
