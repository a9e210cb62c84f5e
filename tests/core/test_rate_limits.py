"""Rate limits counted in the database."""

import pytest

from semaine.core import ratelimit
from semaine.core.models import RateCounter

pytestmark = pytest.mark.django_db


def test_old_rate_counters_are_forgotten():
    assert ratelimit.hit("test", "1.2.3.4", limit=2, period=3600)
    assert ratelimit.hit("test", "1.2.3.4", limit=2, period=3600)
    assert not ratelimit.hit("test", "1.2.3.4", limit=2, period=3600)
    assert ratelimit.forget_old() == 0
    RateCounter.objects.update(window=0)
    assert ratelimit.forget_old() == 1
    assert not RateCounter.objects.filter(key__contains="1.2.3.4").exists()  # hashed, never raw
