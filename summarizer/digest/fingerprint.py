"""Near-duplicate texts: MinHash over word 4-gram shingles, with LSH bands the store keeps in SQLite, so
a republished copy on another site is found without comparing against every article."""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass

SHINGLE_WORDS = 4
MINHASH_PERMUTATIONS = 64
LSH_BANDS = 32  # 32 bands x 2 rows: a pair with Jaccard 0.4 shares a band with probability 0.995
MIN_SHINGLES = 25  # shorter texts (teasers, "read more") would all look alike: no fingerprint
# Share of the shorter text's shingles found in the other one, above which both are the same article.
# Containment, not Jaccard: a republished copy often wraps the original in the site's own chrome.
DUPLICATE_CONTAINMENT = 0.6


_MERSENNE = (1 << 61) - 1
_rng = random.Random(20170314)  # fixed: signatures must stay comparable across runs and versions
_PERMUTATIONS = [(_rng.randrange(1, _MERSENNE), _rng.randrange(0, _MERSENNE)) for _ in range(MINHASH_PERMUTATIONS)]


def _shingles(text: str) -> set[int]:
    words = re.findall(r"\w+", text.lower())
    grams = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}
    return {int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "big") for g in grams}


@dataclass
class Fingerprint:
    signature: list[int]  # MinHash of the word 4-gram shingles
    size: int  # number of distinct shingles


def fingerprint(text: str) -> Fingerprint | None:
    """The text's MinHash fingerprint, or None when it is too short to tell articles apart."""
    shingles = _shingles(text)
    if len(shingles) < MIN_SHINGLES:
        return None
    return Fingerprint([min((a * s + b) % _MERSENNE for s in shingles) for a, b in _PERMUTATIONS], len(shingles))


def containment(a: Fingerprint, b: Fingerprint) -> float:
    """Estimated share of the smaller text's shingles that the other text also has."""
    jaccard = sum(x == y for x, y in zip(a.signature, b.signature)) / len(a.signature)
    shared = jaccard * (a.size + b.size) / (1 + jaccard)
    return min(1.0, shared / min(a.size, b.size))


def lsh_bands(sig: list[int]) -> list[tuple[int, int]]:
    rows = len(sig) // LSH_BANDS
    out = []
    for band in range(LSH_BANDS):
        chunk = ",".join(map(str, sig[band * rows : (band + 1) * rows])).encode()
        # signed 63-bit so it fits SQLite's INTEGER
        out.append((band, int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "big") >> 1))
    return out


def pack_signature(sig: list[int]) -> bytes:
    return b"".join(v.to_bytes(8, "big") for v in sig)


def unpack_signature(blob: bytes) -> list[int]:
    return [int.from_bytes(blob[i : i + 8], "big") for i in range(0, len(blob), 8)]
