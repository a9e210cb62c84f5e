"""Dates in words: « 1er » for the first of the month in French, never in English."""

from datetime import date, datetime
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from semaine.agenda.models import PARIS
from semaine.ui.dates import format_date


@pytest.mark.parametrize(("value", "fmt", "french", "english"), [
    (date(2026, 12, 1), "j F Y", "1er décembre 2026", "1 December 2026"),
    (date(2026, 12, 1), "l j F", "mardi 1er décembre", "Tuesday 1 December"),
    (date(2026, 12, 2), "j F Y", "2 décembre 2026", "2 December 2026"),
    (date(2026, 12, 11), "j F", "11 décembre", "11 December"),
    (date(2026, 12, 21), "j F", "21 décembre", "21 December"),
    (datetime(2026, 12, 1, 9, 30, tzinfo=PARIS), "j F Y à H:i", "1er décembre 2026 à 09:30",
     "1 December 2026 à 09:30"),
    (date(2026, 12, 1), "d/m/Y", "01/12/2026", "01/12/2026"),  # digits stay digits
    (date(2026, 12, 1), r"\j j F", "j 1er décembre", "j 1 December"),  # an escaped j is left
])
def test_the_first_of_the_month_is_an_ordinal_in_french_only(value, fmt, french, english):
    with translation.override("fr"):
        assert format_date(value, fmt) == french
    with translation.override("en"):
        assert format_date(value, fmt) == english


def test_the_template_filter_writes_the_ordinal():
    template = Template('{% load semaine %}{{ day|long_date:"l j F Y" }}|{{ none|long_date:"j F" }}')
    with translation.override("fr"):
        assert template.render(Context({"day": date(2017, 11, 1)})) == "mercredi 1er novembre 2017|"


def test_a_slot_starting_on_the_first_reads_1er():
    template = Template("{% load semaine %}{% slot_range slot %}")
    slot = SimpleNamespace(starts_at=datetime(2026, 12, 1, 9, tzinfo=PARIS),
                           ends_at=datetime(2026, 12, 1, 12, tzinfo=PARIS))
    with translation.override("fr"):
        assert template.render(Context({"slot": slot})) == "mardi 1er décembre 2026, 09:00 – 12:00"
