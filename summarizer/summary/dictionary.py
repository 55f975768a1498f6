"""Is a word Danish (or English)? Hunspell dictionaries, read with spylls (pure Python, MPL-2.0).

The dictionaries are not shipped with newsum (their licences differ from Apache-2.0): they are the
operating system's packages (Debian/Ubuntu `hunspell-da`, `hunspell-en-us`, `hunspell-en-gb`, which
scripts/install.sh installs), found in the usual folders or in $NEWSUM_HUNSPELL_DIR. Without them the
non-word check is skipped and says so (`available()` is False), never guessed.

Hunspell's Danish dictionary knows most compounds, but not all that finance writes ("indlånsrente",
"omkostningssynergier"). A word is also accepted as a dictionary root with a noun ending ("synergierne"),
or as a compound: a dictionary root with the linking s followed by a dictionary word ("indlån"+"s"+"rente"),
or a root of five letters or more followed by one. The head must be a root, not an inflected form,
because Danish does not build compounds on plurals: "kasser"+"indeksen" is not a word, and neither is
the model's "kasserindeksen"; "full"+"året" is too short a head to be taken on trust.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path

from summarizer.resources import data_json

FILES = {"da": ("da_DK",), "en": ("en_US", "en_GB")}
FOLDERS = ("/usr/share/hunspell", "/usr/share/myspell", "/usr/share/myspell/dicts", "/usr/local/share/hunspell",
           "/opt/homebrew/share/hunspell", "/Library/Spelling")
MIN_HEAD = 3
MIN_TAIL = 4
MIN_BARE_HEAD = 5  # a head without the linking s: longer, so "full" + "året" is no word
NOUN_ENDINGS = ("erne", "ene", "ens", "ets", "en", "et", "er", "e")


def _folders() -> list[Path]:
    extra = os.environ.get("NEWSUM_HUNSPELL_DIR")
    return [Path(p) for p in ([extra] if extra else []) + list(FOLDERS)]


def _paths(language: str) -> list[Path]:
    found = []
    for name in FILES.get(language, ()):
        for folder in _folders():
            if (folder / f"{name}.dic").is_file() and (folder / f"{name}.aff").is_file():
                found.append(folder / name)
                break
    return found


_READING = threading.Lock()  # one reader of the files at a time: read_ahead() and a check never both read one


def _dictionary(path: Path):
    with _READING:
        return _read(path)


@lru_cache(maxsize=8)
def _read(path: Path):
    try:
        from spylls.hunspell import Dictionary
    except ImportError:  # spylls is a dependency; a broken install skips the check rather than crash
        return None
    return Dictionary.from_files(str(path))


def _dictionaries(language: str):
    """language's dictionaries, each read when first needed (en_GB only for a word en_US lacks)."""
    for path in _paths(language):
        d = _dictionary(path)
        if d is not None:
            yield d


@lru_cache(maxsize=4)
def _roots(language: str) -> frozenset[str]:
    return frozenset(w.stem.lower() for d in _dictionaries(language) for w in d.dic.words)


def read_ahead(language: str) -> None:
    """Read language's dictionary in a background thread: started before the model writes the summary,
    the reading (pure Python, ~1.5 s for Danish) overlaps the decoding, which runs outside Python's lock."""

    def read() -> None:
        next(_dictionaries(language), None)
        if language == "da":
            _roots(language)

    threading.Thread(target=read, name=f"newsum-dictionary-{language}", daemon=True).start()


@lru_cache(maxsize=4)
def available(language: str) -> bool:
    """Whether a dictionary for language is installed (reading it the first time: ~1.5 s a language)."""
    return next(_dictionaries(language), None) is not None


@lru_cache(maxsize=4)
def _loanwords(language: str) -> frozenset[str]:
    return frozenset(data_json("meaning_words.json")["loanwords"].get(language, ()))


@lru_cache(maxsize=65536)
def _lookup(word: str, language: str) -> bool:
    if language == "da" and word.lower() in _roots(language):
        return True
    return any(d.lookup(word) or d.lookup(word.lower()) for d in _dictionaries(language))


def _compound(word: str, language: str) -> bool:
    if language != "da":
        return False
    w = word.lower()
    roots = _roots(language)
    if any(w.endswith(e) and w[: -len(e)] in roots and len(w) - len(e) >= MIN_HEAD for e in NOUN_ENDINGS):
        return True  # "synergierne": a root the dictionary lists without its inflection flags
    for cut in range(MIN_HEAD, len(w) - MIN_TAIL + 1):
        head, tail = w[:cut], w[cut:]
        if head.endswith("s") and head[:-1] in roots and len(head) > MIN_HEAD and _lookup(tail, language):
            return True  # "indlån" + s + "rente"
        if len(head) >= MIN_BARE_HEAD and head in roots and _lookup(tail, language):
            return True  # "omkostning" + "synergier"
    return False


def is_word(word: str, language: str) -> bool:
    """word is a word of language: in its dictionary, a compound of dictionary words, or a loanword newsum
    lists (package data). Unknown when no dictionary is installed: then True (see available())."""
    if not available(language):
        return True
    if word.lower() in _loanwords(language) or _lookup(word, language):
        return True
    return "-" not in word and _compound(word, language)
