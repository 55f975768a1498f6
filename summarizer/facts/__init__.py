"""facts: what an article states, found without a model: the securities it names and its checkable claims.

tickers.py finds tickers and company/index names (gazetteer.csv); quantities.py reads numbers, units,
dates and scales in Danish and English; claims.py picks the sentences that assert a figure, with the
numbers' directions and the claim's subject; attribution.py says who asserts it; model_claims.py adds
claims a model proposes (--llm-extract), verified against the text.
"""

from __future__ import annotations

from summarizer.facts.claims import find_claims
from summarizer.facts.tickers import find_tickers
from summarizer.values import Facts


def find_facts(text: str) -> Facts:
    """Tickers and claims of Article.text; tickers are found once and the claims reuse them."""
    tickers = find_tickers(text)
    return Facts(tickers=tickers, claims=find_claims(text, tickers=tickers))


__all__ = ["find_facts", "find_tickers", "find_claims"]
