"""The small typed values passed from one pipeline stage to the next, in one direction:

read_source -> Page -> clean -> Article -> find_facts -> Facts -> summarize -> Summary -> Report -> render

Report.to_dict() is the JSON shape of every output (CLI, digest results, digest JSON); its JSON Schema
is generated from these dataclasses by summarizer.schema, so the shape is written down once, here.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

# Bumped when a key changes meaning or type; adding a key keeps the version (keys are never renamed).
SCHEMA_VERSION = "1.1"


@dataclass
class Page:
    """Raw bytes of a page or file, decoded to text, with where they came from."""

    source: str  # what the user gave: URL, path or "-"
    url: str | None  # final URL after redirects (None for files and stdin)
    text: str  # decoded content
    content_type: str  # "text/html", "text/plain", ...
    encoding: str | None = None
    status: int | None = None  # HTTP status, None for files; one of LOGIN_STATUSES: a paywall's login page
    headers: dict[str, str] = field(default_factory=dict)
    from_cache: bool = False


# A paywalled article answers with its login or subscribe page under one of these (451, unavailable for
# legal reasons, is no paywall): fetch reads such a page, clean marks what it holds paywalled.
LOGIN_STATUSES = frozenset({401, 402, 403})


@dataclass
class Article:
    """The article and nothing else, with its metadata."""

    paragraphs: list[str]
    url: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None  # ISO date, YYYY-MM-DD
    site: str | None = None
    attribution: str | None = None  # original source of a republished piece ("Zerohedge")
    language: str | None = None  # language of the body ("da" / "en")
    paywalled: bool = False
    paywall_reason: str | None = None  # why newsum says paywalled, in words ("HTTP 402 ...", "a paywall prompt ...")

    @property
    def text(self) -> str:
        """The body as one string: paragraphs joined by blank lines. Claim and ticker offsets index this."""
        return "\n\n".join(self.paragraphs)


@dataclass
class Summary:
    """A bilingual summary and whether every checkable token in it was found in the article."""

    en: str
    da: str
    source_language: str
    model: str
    grounded: bool
    grounding_issues: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class TickerHit:
    symbol: str  # Yahoo-style: "^GSPC", "NOVO-B.CO", "AAPL"
    name: str
    exchange: str | None
    text: str  # the matched words, verbatim
    start: int  # offsets into Article.text
    end: int
    confidence: float
    # "subject": the article is about it; "source": a bank, broker or data provider quoted as analyst or
    # publisher (facts/ticker_roles.py). Summaries, claims and the digest's rankings use subjects only.
    role: str = "subject"


@dataclass
class ClaimNumber:
    value: float
    unit: str | None  # "%", "pp", "DKK", "USD", "EUR", "x", "contracts", ... or None
    direction: str | None  # "up", "down" or None


@dataclass
class Claim:
    text: str  # a verbatim sentence of Article.text
    start: int
    end: int
    numbers: list[ClaimNumber] = field(default_factory=list)
    subject: str | None = None  # ticker symbol where the subject links to one
    attributed_to: str | None = None


@dataclass
class KeyFact:
    """One key figure, read off one claim sentence and written in both languages from a template."""

    subject: str  # as the article names it ("Novo Nordisk", "C25", "Danmarks Nationalbank")
    symbol: str | None  # its ticker (None for a central bank)
    # "share_price", "index", "revenue", "operating_profit", "net_profit", "orders", "eps_estimates", "ebitda",
    # "net_interest_income", "dividend", "policy_rate", "deposit_rate", ...; "guidance:<metric>" for a forecast
    metric: str
    direction: str  # "up", "down", "unchanged" (a rate kept) or "narrowed" (a guidance range)
    value: float  # the change as written (2.4 for "2,4 pct."), else the figure itself (839 for "839 mio. dollar")
    unit: str | None  # its unit: "%", "pp", "bp", "DKK", "USD", ...
    level: float | None  # where it ended, after scale (694.2, 58.7e9), when the sentence says
    level_unit: str | None  # "DKK", "USD", "%", ... or None for index points
    # "Q3", "H1", "YTD", "since:03" (since March), "since:end:03" (since the end of March) or a year "2023"
    period: str | None
    source: str | None  # who the claim is attributed to
    en: str
    da: str
    start: int  # the source sentence in Article.text
    end: int
    value_high: float | None = None  # the top of a range ("18-20 mia. kr.": value 18, value_high 20)
    previous: float | None = None  # what it was before, after scale ("mod 4,8 mia. dollar" -> 4.8e9)
    previous_high: float | None = None


@dataclass
class Facts:
    """What the facts stage finds in Article.text without a model: securities and checkable claims."""

    tickers: list[TickerHit] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was left undone (a stage out of its time budget)


@dataclass
class SentenceCheck:
    """One sentence of a checked summary and what is wrong with it ([] when it is grounded)."""

    sentence: str
    problems: list[str] = field(default_factory=list)


@dataclass
class Verification:
    """`newsum verify`: a summary (anyone's) checked against its article, sentence by sentence."""

    language: str  # the summary's language, "da" or "en"
    grounded: bool
    sentences: list[SentenceCheck]
    problems: list[str] = field(default_factory=list)  # of the whole summary: its language, headline figures
    url: str | None = None
    title: str | None = None

    def to_dict(self) -> dict:
        return {"schema_version": SCHEMA_VERSION, **asdict(self)}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


@dataclass
class Report:
    """Everything newsum says about one article."""

    article: Article
    summary: Summary | None = None  # None: not asked for (--clean-only)
    tickers: list[TickerHit] | None = None  # None: not computed
    claims: list[Claim] | None = None
    notes: list[str] = field(default_factory=list)  # partial results, said in every output format
    key_facts: list[KeyFact] | None = None  # None: not computed

    def to_dict(self) -> dict:
        """The JSON shape (schema.report_schema describes it). Keys are a public contract: add keys, never
        rename them. The article's and the summary's fields sit at the top level, as in version 0 of the
        shape; `text` is the paragraphs joined by blank lines, the string every offset indexes."""
        out: dict = {"schema_version": SCHEMA_VERSION}
        out.update({k: getattr(self.article, k) for k in ARTICLE_KEYS})
        if self.summary is not None:
            s = self.summary
            out["summary"] = {"en": s.en, "da": s.da}
            out.update({k: _plain(getattr(s, k)) for k in SUMMARY_KEYS})
        if self.tickers is not None:
            out["tickers"] = [asdict(t) for t in self.tickers]
        if self.claims is not None:
            out["claims"] = [asdict(c) for c in self.claims]
        if self.key_facts is not None:
            out["key_facts"] = [asdict(k) for k in self.key_facts]
        if self.notes:
            out["notes"] = list(self.notes)
        return out

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


# The top-level keys Report.to_dict takes from Article (its paragraphs as `text`) and from Summary (its
# two blocks nested under `summary`); schema.py builds the JSON Schema from the same lists.
ARTICLE_KEYS = ("url", "title", "author", "published", "site", "attribution", "language", "paywalled", "paywall_reason", "text")
SUMMARY_KEYS = ("source_language", "model", "grounded", "grounding_issues", "timings")


def _plain(value):
    """A copy of a list or dict field, so the dict does not share state with the value."""
    return list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict) else value
