"""The page cache's copies kept in each process (semaine.core.cache.LocalPages)."""

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from semaine.core.cache import GENERATION_KEY, LocalPages, _key, generation
from tests import factories


def page(generation, content=b"x" * 100, expires_in=60):
    return (generation, "200 OK", [], content, time.time() + expires_in)


def test_a_copy_serves_only_at_its_generation_and_before_its_expiry():
    local = LocalPages(max_bytes=10_000)
    local.put("a", page(7))
    local.put("b", page(7, expires_in=-1))
    assert local.get("a", 7)[0] == 7
    assert local.get("a", 8) is None
    assert local.get("a", 7) is None  # dropped once its generation moved on
    assert local.get("b", 7) is None
    assert local.size == 0


def test_the_least_recently_used_copies_go_first_beyond_the_memory_given():
    local = LocalPages(max_bytes=250)
    local.put("a", page(1))
    local.put("b", page(1))
    assert local.get("a", 1)  # "a" is now the most recently used
    local.put("c", page(1))
    assert local.get("b", 1) is None
    assert local.get("a", 1) and local.get("c", 1)
    assert local.size == 200
    local.put("huge", page(1, content=b"x" * 251))  # larger than all the memory: not kept
    assert local.get("huge", 1) is None and local.size == 200


@pytest.mark.django_db
def test_a_warm_page_is_served_from_the_process_copy_until_the_content_changes(site, edition, organisation):
    from semaine.core.cache import _bump

    factories.EventFactory(edition=edition, organisation=organisation, state="published",
                           title="Hackathon du Calvados")
    url = reverse("agenda:list", kwargs={"edition": edition.slug})
    assert site.get(url)["X-Cache"] == "miss"
    key = _key({"PATH_INFO": url, "HTTP_HOST": "testserver", "wsgi.url_scheme": "http", "QUERY_STRING": ""})
    assert cache.get(key)[0] == generation()
    cache.delete(key)
    assert site.get(url)["X-Cache"] == "hit"  # the shared copy is gone: this process kept one
    _bump()
    assert site.get(url)["X-Cache"] == "miss"


@pytest.mark.django_db
def test_a_change_made_elsewhere_is_seen_once_the_generation_is_read_again(
    site, settings, edition, organisation
):
    from semaine.core.cache import _bump

    factories.EventFactory(edition=edition, organisation=organisation, state="published")
    url = reverse("agenda:list", kwargs={"edition": edition.slug})
    settings.SEMAINE_PAGE_GENERATION_TTL = 60
    site.get(url)
    assert site.get(url)["X-Cache"] == "hit"
    cache.incr(GENERATION_KEY)  # what another process's change does
    assert site.get(url)["X-Cache"] == "hit"  # within the interval, the generation read is trusted
    settings.SEMAINE_PAGE_GENERATION_TTL = 0
    assert site.get(url)["X-Cache"] == "miss"
    settings.SEMAINE_PAGE_GENERATION_TTL = 60
    assert site.get(url)["X-Cache"] == "hit"
    _bump()  # a change made by this process is seen at once
    assert site.get(url)["X-Cache"] == "miss"


@pytest.mark.django_db
def test_a_lost_generation_never_starts_again_from_a_value_a_page_was_kept_at(
    site, settings, edition, organisation
):
    settings.SEMAINE_PAGE_GENERATION_TTL = 0
    event = factories.EventFactory(edition=edition, organisation=organisation, state="published",
                                   title="Hackathon du Calvados")
    url = reverse("agenda:list", kwargs={"edition": edition.slug})
    site.get(url)
    before = generation()
    cache.delete(GENERATION_KEY)  # evicted, or the cache restarted
    type(event).objects.filter(pk=event.pk).update(title="Hackathon de la Manche")
    response = site.get(url)
    assert generation() != before
    assert response["X-Cache"] == "miss" and "Hackathon de la Manche" in response.text


@pytest.mark.django_db
def test_a_page_stored_for_https_never_answers_a_plain_http_request(site, edition):
    """Behind the HTTPS proxy, production redirects plain HTTP: a page the cache kept for a
    request the proxy marked as HTTPS must not answer one it did not."""
    url = reverse("agenda:list", kwargs={"edition": edition.slug})
    assert site.get(url, headers={"X-Forwarded-Proto": "https"})["X-Cache"] == "miss"
    assert site.get(url, headers={"X-Forwarded-Proto": "https"})["X-Cache"] == "hit"
    assert site.get(url)["X-Cache"] == "miss"  # Django answers it (and redirects, in production)
