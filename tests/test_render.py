"""render.py: every format shows the article's summary, tickers and claims; hostile text stays text."""

from __future__ import annotations

import html.parser
import json

import pytest

from summarizer.render import render
from summarizer.values import Article, Claim, ClaimNumber, Report, Summary, TickerHit

HOSTILE = "<script>alert(1)</script> & \x1b]52;c;ZXZpbA==\x07 \x1b[2J"


def report(*, grounded: bool = True) -> Report:
    text = "Novo Nordisk steg 4,2 pct. tirsdag."
    return Report(
        article=Article(paragraphs=[text], title=f"Novo stiger {HOSTILE}", url="https://example.com/a",
                        site="Eksempel", language="da"),
        summary=Summary(en=f"Novo Nordisk rose 4.2% on Tuesday. {HOSTILE}", da=text, source_language="da",
                        model="fake", grounded=grounded,
                        grounding_issues=[] if grounded else ["number '9' is not in the article"]),
        tickers=[TickerHit("NOVO-B.CO", "Novo Nordisk", "CPH", "Novo Nordisk", 0, 12, 0.9)],
        claims=[Claim(text, 0, len(text), [ClaimNumber(4.2, "%", "up")], "NOVO-B.CO", None)],
    )


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_every_format_shows_both_blocks_the_ticker_and_the_claim(fmt):
    out = render(report(), fmt)
    for piece in ("Novo Nordisk rose 4.2% on Tuesday.", "Novo Nordisk steg 4,2 pct. tirsdag.", "NOVO-B.CO"):
        assert piece in out


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_a_failed_check_is_shown_with_its_reason(fmt):
    assert "number &#x27;9&#x27; is not in the article" in render(report(grounded=False), fmt) if fmt == "html" \
        else "number '9' is not in the article" in render(report(grounded=False), fmt)
    assert "is not in the article" not in render(report(grounded=True), fmt)


def test_html_escapes_article_text():
    out = render(report(), "html")
    assert "<script>" not in out and "&lt;script&gt;" in out

    class Tags(html.parser.HTMLParser):
        seen: list[str] = []

        def handle_starttag(self, tag, attrs):
            self.seen.append(tag)

    parser = Tags()
    parser.feed(out)
    assert "script" not in parser.seen


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_terminal_control_sequences_never_reach_the_output(fmt):
    out = render(report(), fmt)
    assert not any(ch in out for ch in "\x1b\x07\x9b")


def test_json_round_trips_with_escapes():
    data = json.loads(render(report(), "json"))
    assert data["title"].endswith(HOSTILE)  # JSON keeps the text exact; its escapes make it safe
    assert data["claims"][0]["numbers"] == [{"value": 4.2, "unit": "%", "direction": "up"}]
