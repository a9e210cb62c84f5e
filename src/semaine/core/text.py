"""Text people type in: a single-line field holds no control character (no line break, tab,
escape…), a multi-line field keeps its line breaks and tabs but no other control character.

A line break in an event's title would otherwise be stored, then break every e-mail whose subject
quotes it (a header cannot hold one). Every form of the project checks its text fields through
``semaine.core.forms``; the API's schemas and the OpenAgenda import use the same rules."""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

#: C0 and C1 controls, DEL, and Unicode's line and paragraph separators
SINGLE_LINE_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: the same, except tab, line feed and carriage return
MULTI_LINE_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")

LINE_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"


def forbidden_character(value: str, *, multiline: bool = False) -> str | None:
    """The first character ``value`` may not hold, or None."""
    found = (MULTI_LINE_FORBIDDEN if multiline else SINGLE_LINE_FORBIDDEN).search(value or "")
    return found.group() if found else None


def refusal(character: str) -> str:
    """Why a field is refused, in French, naming the character."""
    if character in LINE_BREAKS:
        return str(_("Ce champ tient sur une ligne : retirez le retour à la ligne."))
    if character == "\t":
        return str(_("Ce champ tient sur une ligne : retirez la tabulation."))
    return str(_("Retirez le caractère de contrôle invisible (U+%(code)04X) de ce champ.")
               % {"code": ord(character)})


@deconstructible
class TextValidator:
    """Refuses control characters: all of them on one line, all but line breaks and tabs on
    several."""

    code = "control_character"

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value) -> None:
        if not isinstance(value, str):
            return
        character = forbidden_character(value, multiline=self.multiline)
        if character is not None:
            raise ValidationError(refusal(character), code=self.code)

    def __eq__(self, other):
        return isinstance(other, TextValidator) and other.multiline == self.multiline


def one_line(value: str) -> str:
    """``value`` on one line: every run of control characters becomes one space (for text that
    comes from elsewhere, as an OpenAgenda file, and for e-mail subjects)."""
    return re.sub(r"\s*" + SINGLE_LINE_FORBIDDEN.pattern + r"[\s\x00-\x1f\x7f-\x9f]*", " ",
                  value or "").strip()


def without_controls(value: str) -> str:
    """``value`` with its line breaks and tabs, without any other control character."""
    return MULTI_LINE_FORBIDDEN.sub("", value or "")
