"""A visitor checks, in their own browser, that an event is what the public ledger recorded."""

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
