"""An imported event whose timing lies out of range is skipped with the reason."""

import pytest

from semaine.agenda.models import Event

from .openagenda_data import one_event

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("timing", "reason"), [
    ({"begin": "9999-12-31T09:00:00+01:00", "end": "9999-12-31T10:00:00+01:00"}, "31/12/2100"),
    ({"begin": "2017-11-21T09:00:00+01:00", "end": "9999-12-31T10:00:00+01:00"}, "31/12/2100"),
    ({"begin": "2017-11-21T09:00:00+01:00", "end": "2018-11-21T10:00:00+01:00"}, "62 jours"),
    ({"begin": "2018-06-01T09:00:00+02:00", "end": "2018-06-01T10:00:00+02:00"}, "trois mois après"),
    ({"begin": "0001-01-01T00:00:00+05:00", "end": "0001-01-01T10:00:00+05:00"}, "Horaire illisible"),
    ({"begin": "9999-12-31T22:00:00-05:00", "end": "9999-12-31T23:00:00-05:00"}, "Horaire illisible"),
])
def test_an_imported_event_with_a_timing_out_of_range_is_skipped_with_the_reason(
    run_import, timing, reason
):
    within = {"begin": "2017-11-21T14:00:00+01:00", "end": "2017-11-21T16:00:00+01:00"}
    [line] = run_import(one_event(timings=[within, timing]))
    assert line.outcome == "skipped" and reason in line.message, line
    assert not Event.objects.exists()

