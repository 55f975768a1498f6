"""Errors a user can act on. Each carries the process exit code the CLI documents in the README."""

from __future__ import annotations


class NewsumError(Exception):
    """Base class: the message is shown as one line on stderr; exit_code is the process exit code."""

    exit_code = 1


class UsageError(NewsumError):
    exit_code = 2


class FetchError(NewsumError):
    """The source could not be read: dead URL, HTTP error, too large, refused scheme, missing file."""

    exit_code = 3


class NoArticleError(NewsumError):
    """The source was read but holds no article text (empty, binary or non-text type, a page of chrome only)."""

    exit_code = 4


class ModelError(NewsumError):
    """The model could not be found, loaded or run (missing weights, no network for a hub id)."""

    exit_code = 5


class DigestError(NewsumError):
    """A digest run finished, but some feeds or articles failed (see the summary printed at the end)."""

    exit_code = 6


class StateError(NewsumError):
    """The digest's state database cannot be used: not an SQLite file, a directory, a read-only place, a
    full disk. Nothing committed before is lost (every unit of work is one transaction)."""

    exit_code = 8
