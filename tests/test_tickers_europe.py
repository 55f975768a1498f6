"""Tickers beyond Copenhagen and the US: the Nordic and European table, one listing among several,
names that are also words, and subjects vs. sources."""

from __future__ import annotations

import csv
import json

import pytest
from conftest import REPO

from summarizer.digest.render import article_tickers
from summarizer.facts.tickers import aliases, find_tickers, gazetteer, subject_symbols, unique_symbols
from summarizer.render import render
from summarizer.values import Article, Report

DATA = REPO / "summarizer" / "data"
LARGE_CAPS = REPO / "tests" / "data" / "european_large_caps.csv"


def _csv(path) -> list[dict[str, str]]:
    return list(csv.DictReader(line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")))


def symbols(text: str) -> list[str]:
    return [h.symbol for h in subject_symbols(find_tickers(text))]


def sources(text: str) -> list[str]:
    return [h.symbol for h in unique_symbols(find_tickers(text)) if h.role == "source"]


# ------------------------------------------------------------------ the table


def test_the_gazetteer_has_one_row_per_symbol_and_the_markets_a_danish_reader_follows():
    rows = _csv(DATA / "gazetteer.csv")
    seen = [r["symbol"] for r in rows]
    assert len(seen) == len(set(seen))
    suffixes = {r["symbol"].rsplit(".", 1)[1] for r in rows if "." in r["symbol"] and r["kind"] == "stock"}
    assert {"CO", "OL", "ST", "HE", "IC", "DE", "L", "PA", "AS", "BR", "MI", "LS", "SW"} <= suffixes
    for index in ("^OMX", "OBX.OL", "^OMXH25", "^FTSE", "^AEX", "^FCHI", "^SSMI", "^STOXX", "^STOXX50E", "^GDAXI"):
        assert gazetteer()[index].kind == "index", index


def test_stale_rows_are_replaced_by_current_names_and_symbols():
    table = gazetteer()
    curated = _csv(DATA / "listings_curated.csv")
    for row in curated:
        for stale in filter(None, row["replaces"].split("|")):
            assert stale not in table, f"{stale} should have been dropped ({row['symbol'] or 'delisted'})"
        if row["symbol"]:
            assert table[row["symbol"]].name == row["name"]
    assert table["EQNR.OL"].name == "Equinor ASA" and "STL.OL" not in table
    assert table["MBG.DE"].name.startswith("Mercedes-Benz") and "DAI.DE" not in table
    # the same share class written without its separator ("ERICB.ST" beside "ERIC-B.ST") is one listing
    assert "ERIC-B.ST" in table and "ERICB.ST" not in table


def test_every_name_points_at_a_symbol_the_gazetteer_has():
    table = gazetteer()
    missing = sorted({entry.symbol for _, entry in aliases() if entry.symbol not in table})
    assert missing == []


def test_the_source_file_records_the_corrections():
    source = json.loads((DATA / "tickers_source.json").read_text(encoding="utf-8"))
    assert source["corrections"]["file"] == "listings_curated.csv" and source["corrections"]["dropped"] > 0
    assert source["filters"]["home_exchanges"]["stocks_norway.csv"] == "OL"


LARGE_CAP_ROWS = _csv(LARGE_CAPS)


def test_the_large_cap_list_is_large():
    assert len({r["symbol"] for r in LARGE_CAP_ROWS}) >= 300


@pytest.mark.parametrize("lang", ["en", "da"])
def test_every_large_cap_name_maps_to_its_current_primary_symbol(lang):
    wrong = []
    for row in LARGE_CAP_ROWS:
        text = f"Shares in {row['name']} rose 2% on Tuesday." if lang == "en" else f"Aktierne i {row['name']} steg 2 pct. tirsdag."
        got = symbols(text)
        if got != [row["symbol"]]:
            wrong.append(f"{row['name']}: {got} != {row['symbol']}")
    assert wrong == []


@pytest.mark.parametrize(
    "text, symbol",
    [
        ("Mærsk steg 3 pct.", "MAERSK-B.CO"),
        ("Maersk rose 3%.", "MAERSK-B.CO"),
        ("Nestlé fell 1%.", "NESN.SW"),
        ("Nestle fell 1%.", "NESN.SW"),
        ("Novo steg 2 pct.", "NOVO-B.CO"),
        ("Statoil, now called Equinor, rose.", "EQNR.OL"),
        ("Kühne + Nagel rose 2%.", "KNIN.SW"),
        ("Wärtsilä and Wartsila are one company.", "WRT1V.HE"),
    ],
)
def test_danish_and_english_spellings(text, symbol):
    assert symbols(text) == [symbol]


# ------------------------------------------------------------------ explicit forms


@pytest.mark.parametrize(
    "text, symbol",
    [
        ("Volvo (STO: VOLV B) steg.", "VOLV-B.ST"),
        ("Shell (LON: SHEL) rose.", "SHEL.L"),
        ("SAP (ETR: SAP) fell.", "SAP.DE"),
        ("Nestlé (SIX: NESN) fell.", "NESN.SW"),
        ("Kursen på SHEL.L og NESN.SW steg.", "SHEL.L"),
        ("Volvo A steg 2 pct., mens Atlas Copco B faldt.", "VOLV-A.ST"),
    ],
)
def test_nordic_and_european_explicit_forms(text, symbol):
    assert symbols(text)[0] == symbol


def test_a_suffix_that_is_also_an_initial_needs_a_known_symbol():
    assert symbols("The report by J.L. Smith and A.B. Jones.") == []
    assert symbols("Kursen på SHEL.L og NESN.SW steg.") == ["SHEL.L", "NESN.SW"]
    assert symbols("Volvo A steg 2 pct., mens Atlas Copco B faldt.") == ["VOLV-A.ST", "ATCO-B.ST"]


# ------------------------------------------------------------------ one listing among several


@pytest.mark.parametrize(
    "text, symbol",
    [
        ("Nordea steg 2 pct. til 85 kr.", "NDA-DK.CO"),
        ("Nordea-aktien steg 2 pct. på københavnerbørsen.", "NDA-DK.CO"),
        ("Nordea rose 2% in Stockholm.", "NDA-SE.ST"),
        ("Nordea reported net profit of EUR 1.3bn.", "NDA-FI.HE"),
        ("Nordea rose 2%.", "NDA-FI.HE"),  # no cue: the primary listing
        ("Novo Nordisk's ADRs fell 3% in New York.", "NVO"),
        ("Novo Nordisk fell 3% in Copenhagen.", "NOVO-B.CO"),
        ("Novo Nordisk fell 3%.", "NOVO-B.CO"),
        ("Stora Enso faldt 2 pct. i Stockholm.", "STE-R.ST"),
        ("Stora Enso faldt 2 pct.", "STERV.HE"),
        ("Equinor's US-listed shares rose 1%.", "EQNR"),
    ],
)
def test_the_text_chooses_the_listing(text, symbol):
    assert symbols(text) == [symbol]


def test_a_symbol_written_after_the_name_chooses_the_listing():
    text = "Novo Nordisk (CPH: NOVO B) faldt 4 pct., og selskabets amerikanske depotbeviser faldt i New York."
    assert symbols(text) == ["NOVO-B.CO"]
    assert symbols("Equinor (EQNR) steg 3 pct. på Oslo Børs.") == ["EQNR.OL"]
    assert symbols("Equinor (NYSE: EQNR) rose 3%.") == ["EQNR"]


# ------------------------------------------------------------------ names that are also words


@pytest.mark.parametrize(
    "text",
    [
        "Orange juice futures jumped 5% after a hurricane hit Florida.",
        "Elisa Andersen, a portfolio manager, said her fund cut its bonds.",
        "Kone og børn flytter ud af byen.",
        "Ejendommen på Holmen blev solgt til en pensionskasse.",
        "Hydro-kraft udgør en stor del af Norges elproduktion.",
        "Investor-interessen for kontorejendomme er faldet.",
        "Next year, investors expect total returns to shrink.",
    ],
)
def test_a_short_name_that_is_also_a_word_is_not_taken_alone(text):
    assert symbols(text) == []


@pytest.mark.parametrize(
    "text, symbol",
    [
        ("Shares in Orange rose 2%.", "ORA.PA"),
        ("Orange (ORA) rose 2%.", "ORA.PA"),
        ("Elisa, the Finnish telecom operator, reported stable sales.", "ELISA.HE"),
        ("I Helsinki steg Nokia, og Kone lå uændret.", "KNEBV.HE"),
        ("Kongsberg-aktien steg 4 pct.", "KOG.OL"),
        ("Frontline shares rose 4%.", "FRO.OL"),
    ],
)
def test_a_short_name_with_a_corroborating_word_is_a_company(text, symbol):
    assert symbol in symbols(text)


# ------------------------------------------------------------------ subjects and sources


def test_a_bank_quoted_as_analyst_is_a_source_and_the_company_a_subject():
    text = "Heineken fell 4% in Amsterdam, said Sarah Miller, an analyst at Barclays."
    assert symbols(text) == ["HEIA.AS"]
    assert sources(text) == ["BARC.L"]
    assert sources("Vestas steg, viser beregninger fra Nordnet.") == ["SAVE.ST"]


def test_a_symbol_that_is_a_subject_anywhere_is_a_subject():
    text = "Danske Bank steg 3 pct. »Vi er positive,« siger aktieanalytiker Jens Hansen fra Danske Bank."
    assert symbols(text) == ["DANSKE.CO"] and sources(text) == []


def _report(text: str) -> Report:
    return Report(article=Article(paragraphs=[text], title="t", language="en"), tickers=find_tickers(text))


def test_json_keeps_sources_with_their_role_and_the_other_formats_show_subjects():
    report = _report("Heineken fell 4% in Amsterdam, said Sarah Miller, an analyst at Barclays.")
    data = json.loads(render(report, "json"))
    assert {(t["symbol"], t["role"]) for t in data["tickers"]} == {("HEIA.AS", "subject"), ("BARC.L", "source")}
    for fmt in ("text", "md", "html"):
        shown = render(report, fmt)
        assert "HEIA.AS" in shown and "BARC.L" not in shown, fmt


def test_the_digest_ranks_subjects_only():
    report = _report("Heineken fell 4%, said an analyst at Barclays. Barclays analysts see more. Heineken rose.")
    ranked = article_tickers(json.loads(render(report, "json")))
    assert [t["symbol"] for t in ranked] == ["HEIA.AS"]
    # a report stored before tickers had roles: every hit counts
    assert article_tickers({"tickers": [{"symbol": "AAPL", "name": "Apple"}]}) == [{"symbol": "AAPL", "name": "Apple", "mentions": 1}]
