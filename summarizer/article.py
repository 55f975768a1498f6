"""The small typed values passed from one pipeline stage to the next.

fetch -> Fetched -> clean -> Article -> (summarize, tickers, claims) -> Report -> render
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Fetched:
    """Raw bytes of a page or file, decoded to text, with where they came from."""

    source: str  # what the user gave: URL, path or "-"
    url: str | None  # final URL after redirects (None for files and stdin)
    text: str  # decoded content
    content_type: str  # "text/html", "text/plain", ...
    encoding: str | None = None
    status: int | None = None  # HTTP status, None for files
    headers: dict[str, str] = field(default_factory=dict)
    from_cache: bool = False


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
class Report:
    """Everything newsum says about one article."""

    article: Article
    summary: Summary | None = None  # None: not asked for (--clean-only)
    tickers: list[TickerHit] | None = None  # None: not computed
    claims: list[Claim] | None = None

    def to_dict(self) -> dict:
        """The JSON shape. Keys are a public contract: add keys, never rename them."""
        a = self.article
        out: dict = {
            "url": a.url,
            "title": a.title,
            "author": a.author,
            "published": a.published,
            "site": a.site,
            "attribution": a.attribution,
            "language": a.language,
            "paywalled": a.paywalled,
            "text": a.text,
        }
        if self.summary is not None:
            s = self.summary
            out["summary"] = {"en": s.en, "da": s.da}
            out["source_language"] = s.source_language
            out["model"] = s.model
            out["grounded"] = s.grounded
            out["grounding_issues"] = list(s.grounding_issues)
            out["timings"] = dict(s.timings)
        if self.tickers is not None:
            out["tickers"] = [asdict(t) for t in self.tickers]
        if self.claims is not None:
            out["claims"] = [asdict(c) for c in self.claims]
        return out
