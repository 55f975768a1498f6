"""Paywalls (issue 12): a 401/402/403 answer with a login or subscribe page, and a teaser that stops at
'Log ind for at læse resten', are `paywalled: true` with the reason in every output format; a login page
with no article text is a one-line error that says paywalled. A real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import json

import pytest
from conftest import Reply
from typer.testing import CliRunner

from summarizer.cli import app

TEASER = (
    "<html><head><title>Mærsk hæver forventningerne</title></head><body><article><h1>Mærsk hæver forventningerne</h1>"
    "<p>A.P. Møller-Mærsk hæver forventningerne til årets driftsresultat til mellem 9 og 11 mia. dollar, efter at "
    "fragtraterne mellem Asien og Europa er steget mere end ventet i de seneste uger, oplyser selskabet.</p>"
    "<p>Aktien steg 7,2 pct. i de første handelsminutter, og flere analytikere venter nu, at udbyttet også hæves.</p>"
    "{prompt}</article></body></html>"
)
LOGIN_ONLY = ("<html><body><form><h2>Log ind</h2><input name='user'><input name='pass' type='password'>"
              "<button>Log ind</button></form></body></html>")


def run(*args: str):
    result = CliRunner().invoke(app, [*args, "--no-summary", "--no-cache"])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("status", [401, 402, 403])
def test_a_teaser_behind_a_login_status_is_paywalled_with_the_status_in_every_format(http_server, status):
    url = http_server.route("/artikel", Reply(status, TEASER.format(prompt="").encode(), {"Content-Type": "text/html; charset=utf-8"}))
    code, out, err = run(url, "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["paywalled"] is True
    assert f"HTTP {status}" in report["paywall_reason"]
    assert "9 og 11 mia. dollar" in report["text"]
    for fmt in ("text", "markdown", "html"):
        code, out, err = run(url, "--format", fmt)
        assert code == 0, err
        assert "PAYWALLED (teaser only: the site answered HTTP" in out, fmt


def test_a_teaser_that_stops_at_a_login_prompt_says_so(http_server):
    page = TEASER.format(prompt="<div class='teaser-end'><p>Log ind for at læse resten af artiklen</p></div>")
    url = http_server.route("/artikel", Reply(200, page.encode(), {"Content-Type": "text/html; charset=utf-8"}))
    code, out, err = run(url, "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["paywalled"] is True
    assert "paywall prompt" in report["paywall_reason"] and "Log ind for at læse resten" in report["paywall_reason"]
    assert "Log ind" not in report["text"]


def test_a_free_article_has_no_paywall_reason(http_server):
    url = http_server.route("/artikel", Reply(200, TEASER.format(prompt="").encode(), {"Content-Type": "text/html; charset=utf-8"}))
    report = json.loads(run(url, "--format", "json")[1])
    assert report["paywalled"] is False and report["paywall_reason"] is None


def test_a_login_page_without_text_is_a_one_line_error_saying_paywalled(http_server):
    url = http_server.route("/artikel", Reply(402, LOGIN_ONLY.encode(), {"Content-Type": "text/html"}))
    code, out, err = run(url)
    assert code == 4 and out == ""
    assert err.count("\n") == 1 and "HTTP 402 Payment Required" in err and "paywalled" in err


def test_the_digest_shows_the_reason_beside_the_paywall_flag():
    from summarizer.digest.render import flag_label

    article = {"paywall_reason": "the site answered HTTP 402 Payment Required with a login or subscribe page"}
    assert flag_label(article, "paywalled") == ("paywalled: teaser only (the site answered HTTP 402 Payment "
                                                "Required with a login or subscribe page)")
    assert flag_label({}, "paywalled") == "paywalled: teaser only"
