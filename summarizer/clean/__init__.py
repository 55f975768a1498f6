"""clean: a Page -> the Article and nothing else (paragraphs, metadata, language, paywall flag).

cleaner.py is the entry point (HTML or plain text); html_page.py turns HTML into blocks after
furniture.py has pruned page furniture; plain_text.py finds the body of a text without markup;
line_rules.py holds the line rules both pass; metadata.py reads dates and bylines; language.py decides
the language of a body or a sentence.
"""

from summarizer.clean.cleaner import clean, clean_html, clean_text, extract_text

__all__ = ["clean", "clean_html", "clean_text", "extract_text"]
