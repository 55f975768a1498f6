"""newsum: what a financial article says, in Danish and English, checked against the source."""

__version__ = "0.1.0"
