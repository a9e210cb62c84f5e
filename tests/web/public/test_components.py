"""The page that shows every component of the design system."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_the_components_page_shows_every_component(client, edition, organisation):
    factories.EventFactory(edition=edition, organisation=organisation, state="published",
                           title="Hackathon du Calvados")
    response = client.get(reverse("ui:components"))
    assert response.status_code == 200
    html = response.content.decode()
    for component in ("fr-breadcrumb", "fr-badge--success", "fr-badge--error", "fr-alert--warning",
                      "fr-input-group--error", "fr-select", "fr-checkbox-group", "fr-card",
                      "fr-pagination", "fr-header", "fr-footer"):
        assert component in html, component
    assert "Hackathon du Calvados" in html  # the card is the one the programme shows


def test_the_components_page_answers_without_an_edition(client):
    response = client.get(reverse("ui:components"))
    assert response.status_code == 200
    assert "fr-card" not in response.content.decode()
