"""Bytes -> text: which charset a fetched page is in, and why in this order.

Kept apart from fetch.py because it is pure (bytes in, text out, no I/O) and its precedence rules
are the part most worth reading on their own.

Decoding precedence, and why:
1. A byte-order mark. It cannot appear by accident and browsers let it override everything.
2. The declared charset: the HTTP Content-Type header, then <meta charset>, <meta http-equiv> or
   <?xml encoding?>. A declaration is used only if the bytes decode strictly with it: a page whose
   header says utf-8 but whose bytes are latin-1 is common (a CMS template with the wrong header),
   and honouring it would turn every æøå into U+FFFD. ISO-8859-1 and ASCII labels are read as
   windows-1252, as browsers do (WHATWG Encoding), so curly quotes and € survive. A declared
   Western single-byte charset also loses to UTF-8 when the bytes are valid UTF-8 with non-ASCII
   in them: that happens by accident essentially never, while "server default latin-1 header on a
   UTF-8 page" happens all the time.
3. Nothing usable declared: strict UTF-8, else charset-normalizer. Its best guess on short Danish
   text is often a DOS or Baltic code page (cp775, cp850) that turns æøå into other letters, so a
   Western code page (windows-1252, latin-1, iso-8859-15) nearly as good as its best guess wins.
4. Last resort: windows-1252 with replacement characters.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer
from charset_normalizer.md import mess_ratio

SNIFF_BYTES = 8192  # how far into the body a <meta charset> (and, in fetch.py, binary data) is looked for
_LATIN1_LABELS = {"iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819", "ibm819",
                  "us-ascii", "ascii", "windows-1252", "cp1252", "x-cp1252"}
_WESTERN_CODECS = ("cp1252", "latin_1", "iso8859_15")
_BOMS = (  # UTF-32 before UTF-16: the UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)


def decode(body: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode body; return (text, codec name). declared is the HTTP header's charset, if any."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(codec, errors="replace"), codec
    for label in (declared, _meta_charset(body)):
        codec = _codec(label)
        if codec is None:
            continue
        text = _strict(body, codec)
        if text is None:
            continue
        if codec in _WESTERN_CODECS and not body.isascii():
            utf8 = _strict(body, "utf-8")
            if utf8 is not None:
                return utf8, "utf-8"
        return text, codec
    return _detect(body)


def _meta_charset(body: bytes) -> str | None:
    head = body[:SNIFF_BYTES]
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return m.group(1).decode("ascii", errors="replace") if m else None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _LATIN1_LABELS:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "utf-8" if name == "utf-8" else name


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except UnicodeDecodeError:
        if codec == "cp1252":
            # Five bytes are undefined in windows-1252; a page declared latin-1 may use them as C1.
            return body.decode("latin-1")
        return None
    except LookupError:
        return None


def _detect(body: bytes) -> tuple[str, str]:
    utf8 = _strict(body, "utf-8")
    if utf8 is not None:
        return utf8, "utf-8"
    matches = charset_normalizer.from_bytes(body)
    best = matches.best()
    if best is None:
        return body.decode("cp1252", errors="replace"), "cp1252"
    codec = best.encoding
    western = [m.encoding for m in matches if m.encoding in _WESTERN_CODECS and m.chaos <= best.chaos + 0.1]
    if western:
        codec = western[0]
    elif codec not in _WESTERN_CODECS:
        # charset-normalizer may not even try windows-1252 on short text; judge it by the same measure.
        try:
            if mess_ratio(body.decode("cp1252")) <= best.chaos + 0.1:
                codec = "cp1252"
        except UnicodeDecodeError:
            pass
    return body.decode(codec, errors="replace"), codec
