import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_legal_page_title_is_plain_text(client):
    response = client.get("/mentions-legales/")
    title = re.search(r"<title>(.*?)</title>", response.text, re.S).group(1)
    assert "<" not in title and "Mentions légales" in title
    assert response.text.count("Inscriptions aux événements") == 1
