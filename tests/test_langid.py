"""Language of the body: per paragraph, deterministic, sensible on short Danish text."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import REPO

from summarizer import language as langid

DANISH = "Nationalbanken sænkede torsdag renten med 0,25 procentpoint, og bankerne følger nu efter med lavere udlånsrenter."
ENGLISH = "The central bank lowered its benchmark rate on Thursday, and lenders are now expected to follow with cheaper loans."


def test_detects_danish_and_english():
    assert langid.detect(DANISH) == "da"
    assert langid.detect(ENGLISH) == "en"


def test_nothing_to_go_on_is_none():
    assert langid.detect("") is None
    assert langid.detect("  12,5 % -- 2024 ") is None
    assert langid.article_language([]) is None
    assert langid.article_language(["", "   "]) is None


def test_danish_page_carrying_an_english_article_reports_english():
    # Danish chrome and headline around an English body: the body's length decides
    paragraphs = [
        "US: Small cap aktier underperformer markant S&P 500",
        "Tilmeld dig vores gratis nyhedsbrev",
        ENGLISH,
        "Small caps have lagged the large-cap index for three months as earnings estimates keep falling.",
        "Jeg giver samtykke til, at I sender mig mails.",
    ]
    assert langid.article_language(paragraphs) == "en"


def test_longer_language_wins_the_vote():
    assert langid.article_language([ENGLISH, DANISH, DANISH + " " + DANISH]) == "da"


@pytest.mark.parametrize(
    "text", ["Renten stiger igen", "Aktien steg 4,2 pct.", "Kapaciteten er flaskehalsen", "Tilbagekøb sat på pause", "Novo Nordisk"]
)
def test_short_danish_is_not_called_norwegian(text):
    assert langid.detect(text) == "da"


def test_short_english_stays_english():
    assert langid.detect("Shares fell") == "en"


def test_real_norwegian_and_swedish_are_reported_as_they_are():
    norwegian = "Aksjen falt etter at selskapet la frem tallene for kvartalet, og analytikerne sier at det blir vanskelig fremover."
    swedish = "Aktien föll efter att bolaget presenterade siffrorna för kvartalet och analytikerna säger att det blir svårt framöver."
    assert langid.detect(norwegian) == "no"
    assert langid.detect(swedish) == "sv"


def test_short_paragraphs_only_vote_when_nothing_longer_exists():
    assert langid.article_language(["Renten stiger igen", "OK"]) == "da"
    assert langid.article_language(["Shares fell sharply", ENGLISH]) == "en"


def test_deterministic_within_and_across_processes():
    mixed = "Aktien steg 4,2 pct. after the results beat forecasts"
    first = [langid.detect(mixed) for _ in range(10)]
    assert len(set(first)) == 1
    code = "from summarizer import language as langid; print(langid.detect(%r))" % mixed
    outs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True).stdout.strip()
        for _ in range(2)
    }
    assert outs == {first[0]}
