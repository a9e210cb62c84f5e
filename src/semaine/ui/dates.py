"""Dates written in words: « 1er décembre 2026 » in French (the first day of a month is an
ordinal), « 1 December 2026 » in English."""

import re

from django.utils import formats
from django.utils.translation import get_language

#: an unescaped ``j`` (day of the month without leading zero) in a Django date format
_DAY = re.compile(r"(?<!\\)((?:\\\\)*)j")
#: the format characters that write words (names of days or months)
_WORDS = re.compile(r"(?<!\\)[lDFMNE]")


def _first_day(value, fmt: str) -> str:
    if getattr(value, "day", None) != 1 or not (get_language() or "fr").startswith("fr"):
        return fmt
    if not _WORDS.search(fmt):
        return fmt  # « 01/12 » stays digits
    # « 1er » escaped: e and r are format characters themselves
    return _DAY.sub(lambda match: match.group(1) + r"1\e\r", fmt)


def format_date(value, fmt: str) -> str:
    """``django.utils.formats.date_format`` that writes « 1er » for the first of the month in
    French."""
    return formats.date_format(value, _first_day(value, fmt))
