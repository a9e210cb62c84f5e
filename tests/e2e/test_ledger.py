"""A visitor checks, in their own browser, that an event is what the public ledger recorded."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from semaine.agenda.models import Event
from semaine.ledger.models import Entry

pytestmark = pytest.mark.e2e


def test_a_visitor_verifies_an_event_in_the_browser_and_sees_the_register(
    page: Page, assert_accessible, demo
):
    event = Event.objects.get(title="La blockchain expliquée aux agents publics")
    page.goto(event.get_absolute_url())
    sidebar = page.get_by_role("heading", name="Registre public").locator("xpath=..")
    expect(sidebar).to_contain_text("inscrite au registre public")
    page.get_by_role("button", name="Vérifier dans mon navigateur").click()
    status = page.locator("[data-ledger-check] [role=status]")
    expect(status).to_contain_text("Vérifié dans votre navigateur")
    assert page.locator("[data-ledger-check]").get_attribute("data-result") == "ok"
    assert_accessible()

    # the register, a block, an entry
    footer_link = page.locator("footer").get_by_role("link", name="Registre public")
    assert footer_link.get_attribute("href") == "/registre/"
    page.goto("/registre/")
    expect(page.get_by_role("heading", name="Registre public", level=1)).to_be_visible()
    assert_accessible()
    page.get_by_role("link", name="Bloc n° 1").first.click()
    expect(page.locator("pre").first).to_contain_text("semaine")
    assert_accessible()

    # a record rewritten behind the platform's back no longer verifies
    entry = Entry.objects.filter(subject=f"event:{event.public_id}").order_by("-id").first()
    Entry.objects.filter(pk=entry.pk).update(record=entry.record.replace("blockchain", "chaîne"))
    from django.core.cache import cache

    cache.clear()
    page.goto(event.get_absolute_url())
    page.get_by_role("button", name="Vérifier dans mon navigateur").click()
    expect(status).to_contain_text("ne correspond pas")
    assert page.locator("[data-ledger-check]").get_attribute("data-result") == "failed"


def _check(page, url):
    page.goto(url)
    page.locator("[data-ledger-check] button").click()
    box = page.locator("[data-ledger-check]")
    expect(box).to_have_attribute("data-result", re.compile("ok|failed"))
    return box.get_attribute("data-result"), box.locator("[role=status]").text_content()


def _varied_demo_events() -> list:
    """One published demo event for each kind of fact a page shows (venue, online link, slots
    over several days or cancelled, co-organisers, track, ages, accessibility, languages, each
    registration mode, each status)."""
    from django.db.models import Count, F, Q

    published = Event.objects.filter(state="published").annotate(
        co=Count("co_organisers", distinct=True), themed=Count("themes", distinct=True),
        cancelled=Count("slots", filter=Q(slots__cancelled_at__isnull=False)))
    picks = [
        Q(venue__isnull=False, venue__latitude__isnull=False), Q(attendance_mode="online"),
        Q(attendance_mode="mixed"), Q(cancelled__gt=0), Q(co__gt=0), Q(track__isnull=False),
        Q(age_min__isnull=False) | Q(age_max__isnull=False), Q(access_hearing=True) | Q(access_motor=True),
        ~Q(languages=[]), Q(registration_mode="external"),
        Q(registration_mode="platform", capacity__isnull=False),
        Q(registration_mode="none"), ~Q(status="scheduled"), Q(themed__gt=1),
        Q(last_ends_at__date__gt=F("first_starts_at__date")),
    ]
    events = {}
    for pick in picks:
        event = published.filter(pick).order_by("pk").first()
        if event is not None:
            events[event.pk] = event
    return list(events.values())


def test_published_events_of_every_kind_show_what_their_entry_records(page, demo):
    from semaine.ledger.queries import recorded_in

    events = _varied_demo_events()
    assert len(events) >= 5
    for event in events:
        assert recorded_in(f"event:{event.public_id}")[1] is not None
        result, said = _check(page, event.get_absolute_url())
        assert result == "ok", f"{event.title}: {said}"
    # in English too: the page's words and dates in its own language
    page.goto(f"/langue/en/?next={events[0].get_absolute_url()}")
    result, said = _check(page, events[0].get_absolute_url())
    assert page.locator("html").get_attribute("lang") == "en"
    assert result == "ok", said


def test_an_event_edited_behind_the_platform_shows_the_difference_in_the_browser(
    page: Page, assert_accessible, demo
):
    from django.core.cache import cache

    event = Event.objects.get(title="La blockchain expliquée aux agents publics")
    # the database changed behind the platform: no entry records it; the entry still hashes right
    Event.objects.filter(pk=event.pk).update(title="La blockchain pour les nuls")
    cache.clear()
    result, said = _check(page, event.get_absolute_url())
    assert result == "failed"
    assert said == ("Le contenu affiché diffère de l’entrée du registre : titre (affiché « La "
                    "blockchain pour les nuls », enregistré « La blockchain expliquée aux agents "
                    "publics »)")
    assert "Vérifié dans votre navigateur" not in said
    assert_accessible()


def test_slots_places_and_venue_edited_behind_the_platform_are_each_named(page: Page, demo):
    from django.core.cache import cache

    event = Event.objects.get(title="La blockchain expliquée aux agents publics")
    slot = event.slots.order_by("starts_at").first()
    type(slot).objects.filter(pk=slot.pk).update(starts_at=slot.starts_at - timedelta(hours=1))
    if event.venue_id:
        type(event.venue).objects.filter(pk=event.venue_id).update(commune="Ailleurs")
    Event.objects.filter(pk=event.pk).update(status="postponed")
    cache.clear()
    result, said = _check(page, event.get_absolute_url())
    assert result == "failed"
    assert said.startswith("Le contenu affiché diffère de l’entrée du registre : ")
    assert "statut (affiché « Reporté », enregistré « (rien) »)" in said
    assert "créneaux (affiché « " in said
    if event.venue_id:
        assert "commune (affiché « Ailleurs », enregistré « " in said


def test_an_entry_page_verifies_the_leaf_and_record_it_shows(page: Page, demo):
    """The entry's own page shows no event: its check compares the leaf and the record it
    displays with those it verified (an event entry and a decision entry alike)."""
    event_entry = Entry.objects.filter(subject__startswith="event:", index__isnull=False).first()
    other = Entry.objects.exclude(kind=event_entry.kind).filter(index__isnull=False).first()
    for entry in filter(None, [event_entry, other]):
        result, text = _check(page, f"/registre/entree/{entry.index}/")
        assert result == "ok", text
        assert "la feuille et le contenu affichés sont ceux de l’entrée" in text
    # the page's copy of the record altered in the visitor's browser is named
    page.goto(f"/registre/entree/{event_entry.index}/")
    page.locator('[data-shown="record"]').evaluate(
        "el => { const r = JSON.parse(el.textContent); r.kind = 'autre';"
        " el.textContent = JSON.stringify(r); }")
    page.locator("[data-ledger-check] button").click()
    box = page.locator("[data-ledger-check]")
    expect(box).to_have_attribute("data-result", "failed")
    expect(box.locator("[role=status]")).to_contain_text("diffèrent de l’entrée")
