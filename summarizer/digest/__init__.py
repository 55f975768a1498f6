"""digest: the nightly digest over financial feeds: what is new, processed once, written as one document.

run.py is the entry point (run_from_config: config -> feeds -> articles -> documents); options.py reads
the config's [digest] table and [[sources]]; feeds.py reads RSS/Atom and OPML; store.py is the SQLite
state (feeds' validators, entries seen, results, runs); render.py writes Markdown, HTML and JSON.
"""

from summarizer.digest.options import DigestOptions, load_options
from summarizer.digest.run import Outcome, Progress, run_digest, run_from_config

__all__ = ["run_from_config", "run_digest", "DigestOptions", "load_options", "Outcome", "Progress"]
