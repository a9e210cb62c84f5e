"""Browser journey: a person opens « Mon compte », downloads their data and deletes the account."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from semaine.accounts.models import User
from semaine.seed.demo import demo_data

from .test_publishing_journey import EDITOR, sign_in

pytestmark = pytest.mark.e2e
DEMO_PASSWORD = demo_data().password


def test_a_person_downloads_their_data_and_deletes_their_account(page, demo, assert_accessible):
    sign_in(page, assert_accessible, EDITOR)
    page.get_by_role("link", name=User.objects.get(email=EDITOR).display_name).click()
    expect(page.get_by_role("heading", name="Mon compte", level=1)).to_be_visible()
    expect(page.get_by_text(EDITOR)).to_be_visible()
    assert_accessible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger mes données (JSON)").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["compte"]["adresse_electronique"] == EDITOR and data["organisations"]

    page.get_by_role("link", name="Supprimer mon compte").click()
    page.get_by_label("Votre mot de passe, pour confirmer").fill("pas le bon")
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    expect(page.get_by_text("Mot de passe incorrect.")).to_be_visible()
    assert_accessible()
    assert User.objects.filter(email=EDITOR).exists()

    page.get_by_label("Votre mot de passe, pour confirmer").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    expect(page.get_by_text("Votre compte est supprimé.")).to_be_visible()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    assert not User.objects.filter(email=EDITOR).exists()
