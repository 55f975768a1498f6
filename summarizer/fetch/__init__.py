"""fetch: a SOURCE (an http(s) URL, a local file, or "-" for standard input) -> Page.

source.py reads the source and sniffs what it is; http_get.py is the one HTTP GET (redirects by hand,
retries, size and time caps); http_cache.py keeps validators for revalidation; charset.py turns bytes
into text.
"""

from summarizer.fetch.charset import decode
from summarizer.fetch.http_get import FetchResult, fetch_url, make_client
from summarizer.fetch.source import read_source

__all__ = ["read_source", "fetch_url", "make_client", "FetchResult", "decode"]
