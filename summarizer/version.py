"""newsum's version: its own module, so stages can name it without importing the package's public API."""

__version__ = "0.1.0"
