"""Cells that a spreadsheet opens as text, never as a formula (CSV and XLSX exports)."""

#: What a spreadsheet may take for the start of a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value) -> str:
    """The value as text, prefixed with an apostrophe when it could be read as a formula."""
    text = str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text
