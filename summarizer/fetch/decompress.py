"""Content-Encoding decoding that never produces more than a size cap.

httpx decodes a response as it streams, but its brotli decoder hands back everything one compressed
chunk expands to at once: a 6.5 KB brotli body grew the process past 4 GB before --max-bytes was checked.
Here every layer (gzip, deflate, br) is asked for at most what is left under the cap, so a bomb stops
with a FetchError after producing max_bytes + 1 bytes, whatever its ratio.
"""

from __future__ import annotations

import zlib

import brotli

from summarizer.errors import FetchError

SUPPORTED = ("gzip", "x-gzip", "deflate", "br", "identity")


class TooLarge(Exception):
    """Decoding would go past the cap."""


class _Zlib:
    def __init__(self, wbits: int) -> None:
        self._d = zlib.decompressobj(wbits)
        self._raw_fallback = wbits == zlib.MAX_WBITS  # "deflate" is zlib-wrapped by the RFC, raw in practice
        self._started = False

    def feed(self, data: bytes, room: int) -> bytes:
        out = bytearray()
        while True:
            try:
                out += self._d.decompress(data, room + 1 - len(out))
            except zlib.error:
                if self._raw_fallback and not self._started:
                    self._d, self._raw_fallback = zlib.decompressobj(-zlib.MAX_WBITS), False
                    continue
                raise
            self._started = True
            if len(out) > room:
                raise TooLarge
            data = self._d.unconsumed_tail
            if not data:
                return bytes(out)


class _Brotli:
    def __init__(self) -> None:
        self._d = brotli.Decompressor()

    def feed(self, data: bytes, room: int) -> bytes:
        out = bytearray(self._d.process(data, output_buffer_limit=room + 1))
        while len(out) <= room and not self._d.can_accept_more_data():
            more = self._d.process(b"", output_buffer_limit=room + 1 - len(out))
            if not more:
                break
            out += more
        if len(out) > room:
            raise TooLarge
        return bytes(out)


class BoundedDecoder:
    """Decode a Content-Encoding chain ("gzip", "br", "gzip, br", ...) chunk by chunk, at most limit bytes."""

    def __init__(self, content_encoding: str, limit: int, *, url: str) -> None:
        names = [e.strip().lower() for e in content_encoding.split(",") if e.strip()]
        unknown = [n for n in names if n not in SUPPORTED]
        if unknown:
            raise FetchError(f"{url} is sent with Content-Encoding {unknown[0]!r}, which newsum does not read")
        layers = {"gzip": lambda: _Zlib(16 + zlib.MAX_WBITS), "x-gzip": lambda: _Zlib(16 + zlib.MAX_WBITS),
                  "deflate": lambda: _Zlib(zlib.MAX_WBITS), "br": _Brotli}
        # the last encoding named was applied last, so it is undone first
        self._layers = [layers[n]() for n in reversed(names) if n != "identity"]
        self.limit = limit
        self.produced = 0
        self.url = url

    def feed(self, data: bytes) -> bytes:
        try:
            for layer in self._layers:
                # every layer but the last may expand too: each is held to what is left under the cap
                data = layer.feed(data, self.limit - self.produced)
        except TooLarge:
            raise FetchError(f"{self.url} decompresses to more than the {self.limit:,}-byte limit (--max-bytes); "
                             "stopped reading") from None
        except (zlib.error, brotli.error) as exc:
            raise FetchError(f"{self.url} sent a body that could not be decompressed ({exc})") from None
        self.produced += len(data)
        return data
