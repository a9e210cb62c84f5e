import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_legal_page_title_is_plain_text(client):
    response = client.get("/mentions-legales/")
    title = re.search(r"<title>(.*?)</title>", response.text, re.S).group(1)
    assert "<" not in title and "Mentions légales" in title
    assert response.text.count("Inscriptions aux événements") == 1


def test_the_legal_page_says_who_else_sees_the_visitors_of_the_maps(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert "ne contacte aucun autre site" in client.get("/mentions-legales/").text
    settings.MAP_TILES_URL = ("https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&TILEMATRIX={z}"
                              "&TILEROW={y}&TILECOL={x}")
    page = client.get("/mentions-legales/").text
    assert "chargé depuis data.geopf.fr, qui reçoit l’adresse IP" in page
