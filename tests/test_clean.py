"""The cleaner: golden output for every sample page, the seed's exact article, and each line rule.

Regenerate the golden files after an intended change (then read the diff!):
    NEWSUM_UPDATE_GOLDEN=1 python -m pytest tests/test_clean.py -q
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from conftest import REPO, SAMPLES

from summarizer.clean import cleaner as clean
from summarizer.clean import line_rules, metadata
from summarizer.errors import NoArticleError
from summarizer.text import has_markup, looks_like_html
from summarizer.values import Page, Report

SEED = SAMPLES / "oeu-zerohedge-smallcap.txt"
PAGES = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".html", ".htm", ".txt"))
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", re.I)


def fetched_for(path) -> Page:
    """What fetch gives for a local file: text decoded by the page's declared charset."""
    data = path.read_bytes()
    m = _META_CHARSET.search(data[:4096])
    encoding = m.group(1).decode() if m else "utf-8"
    content_type = "text/plain" if path.suffix == ".txt" else "text/html"
    return Page(source=str(path), url=None, text=data.decode(encoding), content_type=content_type, encoding=encoding)


def golden_for(page):
    """NAME.html -> NAME.expected.json; the plain-text twin NAME.txt -> NAME.txt.expected.json."""
    name = page.name if page.suffix == ".txt" else page.stem
    return page.with_name(name + ".expected.json")


def clean_json(path) -> dict:
    return Report(article=clean.clean(fetched_for(path))).to_dict()


def seed_article_paragraphs() -> list[str]:
    """The seed's article, read straight off the file: 'As discussed...' to '...from here.', minus the ad line."""
    lines = [line.strip() for line in SEED.read_text("utf-8").splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.startswith("As discussed over the weekend"))
    end = next(i for i, line in enumerate(lines) if line.endswith("there is a long way to go from here."))
    return [line for line in lines[start:end + 1] if line != "Wall Street Furious Over New Trading Algorithm"]


# ---------------------------------------------------------------- golden files


def test_every_sample_page_has_a_golden_file():
    kinds = {p.suffix for p in PAGES}
    assert {".html", ".txt"} <= kinds and len(PAGES) >= 6
    for page in PAGES:
        assert golden_for(page).exists(), f"no golden file for {page.name}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_sample_matches_golden_output(page):
    golden = golden_for(page)
    actual = clean_json(page)
    if os.environ.get("NEWSUM_UPDATE_GOLDEN"):
        golden.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n", "utf-8")
    expected = json.loads(golden.read_text("utf-8"))
    assert actual == expected


# ---------------------------------------------------------------- the seed


def test_seed_text_gives_exactly_the_article():
    article = clean.clean(fetched_for(SEED))
    assert article.paragraphs == seed_article_paragraphs()
    assert article.text == "\n\n".join(seed_article_paragraphs())
    assert article.title == "US: Small cap aktier underperformer markant S&P 500"
    assert article.author == "Morten W. Langer"
    assert article.published == "2017-03-14"
    assert article.attribution == "Zerohedge"
    assert article.language == "en"
    assert article.paywalled is False
    for chrome in ("Log ind", "Fra Zerohedge", "Tilmeld", "Region Hovedstaden", "Udløber snart", "Tilbuddet", "Goldman"):
        assert chrome not in article.text


def test_seed_through_the_cli_as_a_subprocess():
    proc = subprocess.run(
        [sys.executable, "-m", "summarizer.cli", str(SEED), "--clean-only", "--format", "json"],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["text"] == "\n\n".join(seed_article_paragraphs())
    assert (out["title"], out["author"], out["published"], out["attribution"], out["language"], out["paywalled"]) == (
        "US: Small cap aktier underperformer markant S&P 500", "Morten W. Langer", "2017-03-14", "Zerohedge", "en", False,
    )


def test_oeu_page_rebuilt_as_html_gives_the_same_article_as_the_seed():
    html = clean.clean(fetched_for(SAMPLES / "oeu-zerohedge-smallcap.html"))
    assert html.paragraphs == seed_article_paragraphs()
    assert (html.author, html.published, html.attribution, html.language) == ("Morten W. Langer", "2017-03-14", "Zerohedge", "en")


def test_latin1_page_keeps_danish_letters():
    article = clean.clean(fetched_for(SAMPLES / "borsen-style-da.html"))
    assert "højeste niveau i et år" in article.title
    assert "Især aktier med tilknytning til boligmarkedet" in article.text
    assert article.language == "da" and article.attribution == "Ritzau"
    for chrome in ("Læs også", "Annonce", "Kommentarer", "Udskriv", "Kurser er forsinket", "cookies"):
        assert chrome not in article.text


# ---------------------------------------------------------------- paywall


def test_paywalled_teaser_is_flagged_and_not_padded():
    article = clean.clean(fetched_for(SAMPLES / "paywall-teaser-en.html"))
    assert article.paywalled is True
    assert article.paragraphs[-1].startswith("Lower deposit margins are the main drag.")
    for chrome in ("Subscribe", "subscribers only", "free trial", "Already a subscriber", "Related"):
        assert chrome not in article.text


def test_paywall_prompt_in_plain_text_cuts_the_rest():
    text = (
        "Renten på de korte obligationer faldt tirsdag til det laveste niveau i over et år, efter at inflationen overraskede.\n\n"
        "Det sender kurserne op på både stats- og realkreditobligationer, og flere banker sænker nu deres prognoser.\n\n"
        "Resten af artiklen er kun for abonnenter. Bliv abonnent og læs videre.\n\n"
        "Første måned for 1 kr.\n"
    )
    article = clean.clean_text(text)
    assert article.paywalled is True
    assert len(article.paragraphs) == 2 and "abonnent" not in article.text


def test_paywall_phrase_inside_a_body_sentence_is_not_a_prompt():
    assert line_rules.is_paywall_prompt("Vil du læse videre? Log ind for at læse hele artiklen.")
    assert not line_rules.is_paywall_prompt(
        "Investors who want a clear view of the cycle have had enough reasons to keep reading the bond market this year."
    )


def test_schema_org_locked_teaser_is_flagged():
    teaser = (
        '<html><head><script type="application/ld+json">{"@type":"NewsArticle","isAccessibleForFree":false}</script></head>'
        "<body><article><h1>Carlsberg hæver prognosen</h1><p>Carlsberg hæver forventningen til årets organiske "
        "resultatvækst efter et stærkt andet kvartal i Asien og Centraleuropa.</p></article></body></html>"
    )
    assert clean.clean_html(teaser).paywalled is True
    long_free = teaser.replace("false", "true")
    assert clean.clean_html(long_free).paywalled is False


def test_free_article_is_not_flagged():
    assert clean.clean(fetched_for(SAMPLES / "northgate-en.html")).paywalled is False
    sidebar = (
        "<html><body><article><h1>Renten stiger</h1><p>Renten på de lange realkreditobligationer steg tirsdag "
        "til det højeste niveau siden marts, efter at amerikanske inflationstal overraskede.</p>"
        "<p>Det betyder højere ydelser for boligejere med variabelt forrentede lån ved næste refinansiering.</p>"
        "</article><aside class='most-read'><h3>Mest læste</h3><ul><li><a href='/a'>Bankerne hæver gebyrerne</a> "
        "<span class='badge'>Kun for abonnenter</span></li></ul></aside></body></html>"
    )
    assert clean.clean_html(sidebar).paywalled is False


# ---------------------------------------------------------------- attribution, dates, names


@pytest.mark.parametrize(
    ("line", "name"),
    [("Fra Zerohedge:", "Zerohedge"), ("Kilde: Reuters", "Reuters"), ("Source: Bloomberg", "Bloomberg"),
     ("KILDE: Ritzau Finans", "Ritzau Finans"), ("Via: Financial Times", "Financial Times")],
)
def test_source_lines_become_attribution(line, name):
    assert line_rules.attribution_of(line) == name


@pytest.mark.parametrize(
    "line",
    ["Kilde: tallene fra Danmarks Statistik viser, at ledigheden steg i marts.", "From the archive of our reporters on the ground",
     "Fra og med i dag", "Source: 1"],
)
def test_sentences_are_not_attribution(line):
    assert line_rules.attribution_of(line) is None


def test_source_line_leaves_the_text_in_html():
    page = (
        "<html><body><article><h1>Fed holder renten</h1><p>Kilde: Reuters</p>"
        "<p>Den amerikanske centralbank holdt onsdag renten uændret og gentog, at den venter to nedsættelser i år.</p>"
        "<p>Aktiemarkederne steg efter meddelelsen, og dollaren svækkedes over for de fleste store valutaer.</p>"
        "</article></body></html>"
    )
    article = clean.clean_html(page)
    assert article.attribution == "Reuters" and "Reuters" not in article.text


@pytest.mark.parametrize(
    ("text", "iso"),
    [("tirsdag 14. marts 2017 kl. 10:14", "2017-03-14"), ("Torsdag den 9. januar 2025", "2025-01-09"),
     ("14. okt. 2023", "2023-10-14"), ("1. maj 2024 kl. 8.05", "2024-05-01"), ("06.06.2024 kl. 16:05", "2024-06-06"),
     ("March 20, 2024 at 4:31 p.m. ET", "2024-03-20"), ("Aug. 16, 2023", "2023-08-16"), ("2019-11-05T10:00:00Z", "2019-11-05"),
     ("Opdateret 31/12 2024", None), ("30. februar 2024", None), ("ingen dato her", None)],
)
def test_dates_are_parsed_generally(text, iso):
    assert metadata.parse_date(text) == iso


def test_date_line_is_a_date_and_little_else():
    assert metadata.is_date_line("tirsdag 14. marts 2017 kl. 10:14")
    assert metadata.is_date_line("Published March 20, 2024 at 4:31 p.m. ET")
    assert not metadata.is_date_line("Aktien steg 14. marts 2017 efter et stærkt regnskab fra selskabet")


@pytest.mark.parametrize(
    ("line", "name"),
    [("Morten W. Langer", "Morten W. Langer"), ("Af Lene Bak Sørensen", "Lene Bak Sørensen"), ("By Tom Lindqvist", "Tom Lindqvist"),
     ("US: Small cap aktier underperformer markant S&P 500", None), ("Udløber snart", None), ("Region Hovedstaden 2024", None)],
)
def test_bylines(line, name):
    assert metadata.author_of(line) == name


def test_author_from_metadata_is_tidied():
    page = "<meta name='author' content='Morten W Langer'> ... Af Morten W. Langer"
    assert metadata.tidy_author("Af Mette Kruse Holm Torsdag den 9. januar", "") == "Mette Kruse Holm"
    assert metadata.tidy_author("Morten W Langer", page) == "Morten W. Langer"


# ---------------------------------------------------------------- line rules


def test_injected_title_case_headline_between_paragraphs_is_removed():
    body = (
        "Shares of Nordic banks rose on Monday as investors bet that the rate cuts would be slower than feared this year.\n\n"
        "This One Simple Trick Beats The Market Every Year\n\n"
        "Analysts at two brokers raised their targets for the sector, citing stronger fee income and lower loan losses.\n\n"
        "Deposit margins hold up\n\n"
        "The banks have so far passed on only part of the rate cuts to savers, which supports their net interest income.\n"
    )
    article = clean.clean_text(body)
    assert "This One Simple Trick" not in article.text
    assert "Deposit margins hold up" in article.paragraphs  # a sentence-case subhead stays
    assert len(article.paragraphs) == 4


@pytest.mark.parametrize(
    "line",
    ["Read more: Why the bond market still doesn't believe the Fed", "Læs også: Nordea hæver udbyttet", "Advertisement",
     "Annonce", "Story continues below advertisement", "Tilmeld dig vores gratis nyhedsbrev", "Sign up for The Morning Brief",
     "Jeg giver samtykke til, at I sender mig mails med de seneste historier.", "We use cookies to personalise content and ads.",
     "Har du ikke allerede en bruger? Opret dig her.", "Tilbuddet udløber om:", "Udløber snart", "Region Hovedstaden",
     "218 Comments", "Kommentarer (3)", "Log ud Log ind", "Share Copy link", "Foto: Henrik Lyng/Ritzau Scanpix", "© 2024 Market Ledger Media LLC."],
)
def test_furniture_lines_are_boilerplate(line):
    assert line_rules.is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    ["The Federal Reserve held interest rates steady on Wednesday and stuck to its projection of three cuts.",
     "Læs mere om, hvordan renten påvirker boligejerne, i næste uge, siger økonomen.", "Growth forecast raised",
     "Tilbagekøb sat på pause", "Aktien steg 4,2 pct. til 153,45 kr."],
)
def test_body_lines_are_not_boilerplate(line):
    assert not line_rules.is_boilerplate(line)


def test_html_furniture_is_pruned_by_class_and_label():
    page = (
        "<html><body><article><h1>Vestas vinder ordre</h1>"
        "<p>Vestas har vundet en ordre på 1.200 MW i Tyskland, oplyser selskabet i en meddelelse fredag morgen.</p>"
        "<div class='partner-box'><span>Sponsoreret</span><h3>Sådan får du 9 pct. om året uden risiko</h3></div>"
        "<div class='nl-box newsletter'><h3>Få morgenbrevet</h3><p>Hver hverdag kl. 6 i din indbakke.</p></div>"
        "<p>Ordren omfatter levering, installation og en serviceaftale på 20 år, og leveringen begynder i 2026.</p>"
        "<aside class='job-list'><ul><li>Controller, Aarhus</li><li>CFO, Kolding</li></ul></aside>"
        "</article></body></html>"
    )
    article = clean.clean_html(page)
    assert article.paragraphs == [
        "Vestas har vundet en ordre på 1.200 MW i Tyskland, oplyser selskabet i en meddelelse fredag morgen.",
        "Ordren omfatter levering, installation og en serviceaftale på 20 år, og leveringen begynder i 2026.",
    ]


def test_content_wrapper_named_like_furniture_is_kept():
    page = (
        "<html><body><article><h1>Renten stiger</h1><div class='article-body paywall-content'>"
        "<p>Renten på de lange realkreditobligationer steg tirsdag til det højeste niveau siden marts, efter at "
        "amerikanske inflationstal overraskede i opadgående retning, oplyser Finans Danmark.</p></div>"
        "<div class='paywall-box'><p>Resten af artiklen er kun for abonnenter.</p></div></article></body></html>"
    )
    article = clean.clean_html(page)
    assert article.paragraphs[0].startswith("Renten på de lange realkreditobligationer")
    assert article.paywalled is True and "abonnenter" not in article.text


# ---------------------------------------------------------------- no article


def test_page_of_chrome_only_raises_no_article():
    page = (
        "<html><head><title>Forside</title></head><body><nav><a href='/'>Forside</a> <a href='/login'>Log ind</a></nav>"
        "<div class='cookie-banner'><p>Vi bruger cookies til statistik og annoncer.</p><button>Accepter alle</button></div>"
        "<div class='newsletter'><h3>Tilmeld dig vores gratis nyhedsbrev</h3><form><input type='email'></form></div>"
        "<ul class='job-list'><li>Business Controller</li><li>Region Hovedstaden</li></ul>"
        "<footer>© Eksempel Medier 2024</footer></body></html>"
    )
    with pytest.raises(NoArticleError):
        clean.clean(Page(source="x.html", url=None, text=page, content_type="text/html"))


def test_text_of_chrome_only_raises_no_article():
    with pytest.raises(NoArticleError):
        clean.clean_text("Log ud Log ind\n\nTilmeld dig vores gratis nyhedsbrev\n\nUdløber snart\nRegion Midt\n")
    with pytest.raises(NoArticleError):
        clean.clean_text("")


def test_feed_content_html_fragment_is_cleaned():
    fragment = (
        "<p>Novo Nordisk hæver forventningerne til året efter et stærkt kvartal med høj vækst i salget af Wegovy.</p>"
        "<p><strong>Læs også:</strong> <a href='/x'>Lilly presser prisen</a></p>"
    )
    article = clean.clean(Page(source="feed", url="https://example.dk/a", text=fragment, content_type="text/html"))
    assert article.paragraphs == [
        "Novo Nordisk hæver forventningerne til året efter et stærkt kvartal med høj vækst i salget af Wegovy."
    ]
    assert article.language == "da" and article.url == "https://example.dk/a"


def test_plain_feed_text_without_header_is_all_body():
    text = (
        "Vestas har vundet en ordre på 1.200 MW i Tyskland, oplyser selskabet i en meddelelse fredag morgen.\n\n"
        "Ordren omfatter levering, installation og en serviceaftale på 20 år, og leveringen begynder i 2026.\n"
    )
    article = clean.clean(Page(source="feed", url=None, text=text, content_type="text/plain"))
    assert len(article.paragraphs) == 2 and article.title is None and article.language == "da"


def test_plain_text_and_html_are_told_apart():
    assert looks_like_html("<!DOCTYPE html><html>") and looks_like_html("\ufeff <!-- saved --> <html><body>")
    assert looks_like_html("<p>Feed content</p>") and looks_like_html("junk before\n<html lang='da'><body>x")
    assert not looks_like_html("Aktien steg <3 pct. i dag") and not looks_like_html("Brug <p> til afsnit.")
    assert has_markup("Aktien <b>steg</b>") and not has_markup("Aktien steg <3 pct.")
