"""Absolute URLs of many events at once, without one ``reverse`` per event."""

import uuid

from django.conf import settings
from django.urls import reverse

from .models import Edition

_SENTINEL_ID = uuid.UUID(int=0)
_SENTINEL_SLUG = "semaine-slug-sentinel"


def event_url_builder(request, edition: Edition):
    """A function ``(public_id, slug) -> absolute URL`` of the edition's event pages: on the
    request's host, or on ``SEMAINE_SITE_URL`` without a request (files built in the
    background)."""
    sample = reverse("agenda:event", kwargs={
        "edition": edition.slug, "public_id": _SENTINEL_ID, "slug": _SENTINEL_SLUG})
    absolute = request.build_absolute_uri(sample) if request is not None else settings.SITE_URL + sample
    head, tail = absolute.split(str(_SENTINEL_ID))
    before_slug, after_slug = tail.split(_SENTINEL_SLUG)
    return lambda public_id, slug: f"{head}{public_id}{before_slug}{slug}{after_slug}"
