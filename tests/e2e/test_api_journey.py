"""Browser journey: an organisation's administrator creates an API token, a program publishes a
draft with it, the draft shows in the organiser space; the token is revoked."""

import json
import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from semaine.agenda.models import PARIS

from .test_publishing_journey import EDITOR, sign_in

pytestmark = pytest.mark.e2e
TITLE = "Atelier publié par l’API"


def test_an_admin_creates_a_token_that_publishes_a_draft(page: Page, assert_accessible, demo,
                                                         browser_errors):
    from semaine.agenda.queries import submission_edition

    check = assert_accessible
    sign_in(page, check, EDITOR)
    page.goto("/espace/")
    page.get_by_role("link", name="Jetons d’API").first.click()
    expect(page.get_by_role("heading", name="Jetons d’API", level=1)).to_be_visible()
    check()
    page.get_by_label("Nom du jeton").fill("Agenda du site départemental")
    page.get_by_role("button", name="Créer le jeton").click()
    expect(page.get_by_role("heading", name="Jeton créé : copiez-le maintenant")).to_be_visible()
    check()
    secret = page.get_by_label("Votre jeton").input_value()
    assert secret.startswith("smn_")

    edition = submission_edition()  # the edition open for submissions, where the draft goes
    start = datetime.combine(edition.starts_on, datetime.min.time(), PARIS) + timedelta(hours=10)
    body = {"title": TITLE, "summary": "Un brouillon venu d’un autre site.",
            "formats": ["atelier"], "audiences": ["grand-public"], "attendance_mode": "online",
            "online_url": "https://visio.example.fr/atelier",
            "slots": [{"starts_at": start.isoformat(),
                       "ends_at": (start + timedelta(hours=2)).isoformat()}]}
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    created = page.request.post("/api/organiser/events", data=json.dumps(body), headers=headers)
    assert created.status == 201, created.text()

    page.goto("/espace/")  # one organisation: straight to its events, drafts included
    expect(page.get_by_text(TITLE).first).to_be_visible()
    check()

    page.goto(re.sub(r"evenements/.*$", "jetons/", page.url))
    page.get_by_role("button", name=re.compile("^Révoquer")).click()
    expect(page.get_by_text("est révoqué")).to_be_visible()
    check()
    refused = page.request.get("/api/organiser", headers=headers)
    assert refused.status == 401
    assert refused.headers["content-type"] == "application/problem+json"


def test_the_api_docs_are_linked_from_the_footer_and_load_without_errors(page: Page, demo,
                                                                          browser_errors):
    page.goto("/")
    page.get_by_role("link", name="API des données ouvertes").click()
    expect(page.locator(".swagger-ui .information-container")).to_be_visible()
    assert not browser_errors, browser_errors
