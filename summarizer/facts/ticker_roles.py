"""Whether a company named in a text is what the text is about (a subject) or who speaks in it (a source).

A company named as the employer of someone quoted ("analytiker Sofie Grønbæk fra Jyske Bank",
"SocGen's Andrew Lapthorne"), as the publisher of data ("according to FactSet") or as a bank giving
its view of the economy ("Sydbank vurderer, at ...") is a source: the article quotes it, it is not
what the article is about.
"""

from __future__ import annotations

import re

SUBJECT = "subject"
SOURCE = "source"

# A name in these positions is someone's employer or a data source, not what the article is about.
_PERSON_NAME = r"[A-ZÆØÅ][\w\-]+(?:\s+[A-ZÆØÅ][\w\-]+)+"
_SOURCE_BEFORE = re.compile(
    # "aktieanalytiker Sofie Grønbæk fra X", "a rates strategist at X"
    r"(?:(?i:analy\w*|strateg\w*|økonom\w*|economist\w*|chef\w*|direktør\w*|director|head of [\w ]+|partner|trader|"
    r"portfolio manager|manager|forvalter|rådgiver|adviser|advisor|researcher|investeringschef|aktiechef|"
    r"valutastrateg|renteanalytiker|ekspert|expert|officer|CIO|CEO|chief [\w ]+?)\s+(?:[\w\-’'.]+\s+){0,4}?"
    r"(?i:at|hos|fra|from|with|i|in|for)\s+(?:the\s+)?"
    # "ifølge X", "according to X", "polled by X"
    r"|(?i:ifølge|according to|polled by|surveyed by|compiled by|survey by|estimates? from|data from|consensus from|"
    r"beregninger fra|opgørelse\w* fra|undersøgelse\w* fra|calculations? (?:by|from)|figures from|analysis (?:by|from)|"
    r"konsensusestimat fra|estimat fra|tal fra|data fra|note from|rapport fra|report from|cited by|told)\s+(?:the\s+|et\s+\w+\s+fra\s+)?"
    # "siger cheføkonom Tore Vestergaard, X", "siger Jens Hansen fra X", "Ifølge valutastrateg Jesper Fjärstedt, X"
    r"|(?i:siger|skriver|udtaler|mener|vurderer|said|says|wrote|writes|noted|notes|told|ifølge|according to)\s+(?:[a-zæøå][\w\-]*\s+){0,3}?"
    rf"{_PERSON_NAME}(?:,\s+(?:[\w\-]+\s+){{0,4}}?|\s+(?:fra|hos|at|from|i)\s+)"
    r")$"
)
_SOURCE_AFTER = re.compile(
    r"^(?:['’]s?\s+(?:(?:chief|senior|head|lead|global|equity|rates|US|European|own|\w+-based)\s+)*"
    r"(?:economists?|analysts?|strategists?|research|team|note|data|survey|poll|[A-Z][a-z]+\s+[A-Z][a-z]+)"
    r"|\s+(?:(?:chief|senior|equity|rates|global|US)\s+)*(?:data|survey|analysts?|economists?|strategists?|analytikere|økonomer|research)\b"
    r"|s\s+(?:analytikere|økonomer|cheføkonom|chefstrateg|aktieanalytiker)\b"
    r"|s?-(?:analytiker\w*|økonom\w*|cheføkonom\w*|strateg\w*|aktieanalytiker\w*|chefanalytiker\w*|valutastrateg\w*|renteanalytiker\w*|chefstrateg\w*)\b"
    r"|\s+(?:said|says|wrote|writes|noted|notes|skriver|skrev)\s+in\s+(?:a|its|en|sin)\s+(?:[\w\-]+\s+)?(?:note|report|analyse|kommentar|rapport)"
    r"|\s+(?:skriver|skrev)\s+i\s+(?:en|sin)\s+(?:[\w\-]+\s+)?(?:note|analyse|kommentar|rapport|morgenkommentar)"
    r")"
)


# "»...,« skriver Nordea.", "..., said Goldman Sachs in a note": the speaker of a quote (but not
# "Cook said Apple sold 50 million iPhones").
_SPEECH_BEFORE = re.compile(r"(?i:siger|skriver|udtaler|said|says|wrote|writes)\s+(?:the\s+)?$")
_SPEECH_AFTER = re.compile(r"\s*(?:[.,;:]|i en\b|in a\b|i sin\b|in its\b)")
# "Sydbank vurderer, at boligpriserne stiger", "Danske Bank forventer uændrede renter": a bank's view
# of the economy makes it a source. Not when it speaks of its own figures ("venter nu et resultat").
_BROKER_VIEW_AFTER = re.compile(
    r"(?:\s*\([^)]*\))?\s+(?:\w+\s+)?(?:vurderer|mener|skønner|anslår|forventer|venter|spår|expects?|estimates?|believes?|"
    r"forecasts?|predicts?|thinks|sees|see)\b(?![^.]{0,60}\b(?:resultat\w*|overskud\w*|indtjening\w*|omsætning\w*|udbytte\w*|"
    r"profit\w*|earnings|revenue\w*|sales|dividend\w*|nettorente\w*|selskabet|banken|it|its)\b)"
)


def is_source(text: str, start: int, end: int, broker: bool = False) -> bool:
    """True when the name at text[start:end] is quoted as analyst, publisher or speaker."""
    # only the 120 characters before matter: searching further back made a long page quadratic
    window = max(0, start - 120)
    sentence_start = max(text.rfind(". ", window, start), text.rfind("\n", window, start), text.rfind("»", window, start), window)
    before = text[sentence_start:start]
    after = text[end : end + 120]
    return bool(
        _SOURCE_BEFORE.search(before)
        or _SOURCE_AFTER.match(after)
        or (_SPEECH_BEFORE.search(before) and _SPEECH_AFTER.match(after))
        or (broker and _BROKER_VIEW_AFTER.match(after))
    )
