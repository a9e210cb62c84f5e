import pytest
from django.core.cache import cache
from django.urls import reverse

from semaine.agenda.models import EventState, EventStatus
from semaine.territory.models import Departement
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_public_list_shows_published_events_only(client, edition, organisation):
    shown = factories.EventFactory(edition=edition, organisation=organisation,
                                   state=EventState.PUBLISHED, title="Hackathon tourisme")
    factories.EventFactory(edition=edition, organisation=organisation, title="Brouillon secret")
    response = client.get(reverse("agenda:list", kwargs={"edition": edition.slug}))
    assert response.status_code == 200
    assert shown.title in response.text
    assert "Brouillon secret" not in response.text


def test_the_list_uses_the_same_number_of_queries_whatever_its_length(
    client, edition, organisation, venue, django_assert_num_queries
):
    url = reverse("agenda:list", kwargs={"edition": edition.slug})

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    factories.EventFactory(edition=edition, organisation=organisation, venue=venue,
                           state=EventState.PUBLISHED)
    few = count_queries()
    for _ in range(15):
        factories.EventFactory(edition=edition, organisation=organisation, venue=venue,
                               state=EventState.PUBLISHED)
    assert count_queries() == few


def test_a_page_past_the_last_is_a_404(client, edition):
    url = reverse("agenda:list", kwargs={"edition": edition.slug})
    assert client.get(url, {"page": 9}).status_code == 404
    assert client.get(url, {"page": "abc"}).status_code == 404


def test_a_draft_is_hidden_from_visitors_and_other_organisations(
    client, edition, organisation, editor, other_editor
):
    draft = factories.EventFactory(edition=edition, organisation=organisation)
    url = draft.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(other_editor)
    assert client.get(url).status_code == 404
    client.force_login(editor)
    response = client.get(url)
    assert response.status_code == 200
    assert "Aperçu" in response.text


def test_the_event_page_shows_slots_in_paris_time_and_sanitised_markdown(client, edition, organisation):
    event = factories.EventFactory(
        edition=edition, organisation=organisation, state=EventState.PUBLISHED,
        description='Texte **gras** <script>alert(1)</script> <a href="#" onclick="x()">lien</a>'
        '<iframe src="https://evil.example"></iframe>',
    )
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    assert "<strong>gras</strong>" in response.text
    assert "<script>alert" not in response.text
    assert "onclick" not in response.text
    assert "<iframe" not in response.text
    assert "09:00" in response.text  # slots are created at 9:00 Paris time


def test_a_cancelled_event_keeps_its_page_marked_cancelled(client, edition, organisation):
    event = factories.EventFactory(edition=edition, organisation=organisation,
                                   state=EventState.PUBLISHED, status=EventStatus.CANCELLED)
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    assert "Cet événement est annulé." in response.text


def test_a_wrong_slug_redirects_to_the_canonical_address(client, edition, organisation):
    event = factories.EventFactory(edition=edition, organisation=organisation,
                                   state=EventState.PUBLISHED)
    url = reverse("agenda:event", kwargs={"edition": edition.slug, "public_id": event.public_id,
                                          "slug": "ancien-titre"})
    response = client.get(url)
    assert response.status_code == 301
    assert response["Location"] == event.get_absolute_url()


def test_the_programme_page_groups_events_by_track(client, edition, organisation):
    programme = factories.ProgrammeFactory(edition=edition, organisation=organisation)
    decouvrir = factories.TrackFactory(programme=programme, name="Découvrir", position=0)
    comprendre = factories.TrackFactory(programme=programme, name="Comprendre", position=2)
    factories.EventFactory(edition=edition, organisation=organisation, programme=programme,
                           track=decouvrir, state=EventState.PUBLISHED, title="Blockchain")
    factories.EventFactory(edition=edition, organisation=organisation, programme=programme,
                           track=comprendre, state=EventState.PUBLISHED, title="Datavisualisation")
    response = client.get(programme.get_absolute_url())
    assert response.status_code == 200
    sections = response.text.split('<section id="parcours-')[1:]
    assert len(sections) == 2
    assert "Découvrir" in sections[0] and "Blockchain" in sections[0]
    assert "Datavisualisation" not in sections[0]
    assert "Comprendre" in sections[1] and "Datavisualisation" in sections[1]


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok",
                               "emails": {"failed": 0, "retrying": 0, "overdue": 0},
                               "tasks": {"failed": 0}}


def test_pages_are_served_with_security_headers(client, edition):
    response = client.get("/")
    assert response.status_code == 200
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_interface_is_available_in_english(client, edition):
    response = client.get("/", headers={"accept-language": "en"})
    assert response.status_code == 200
    assert 'lang="en"' in response.text
    assert "Sign in" in response.text and "Se connecter" not in response.text


def test_event_cards_show_where_when_and_status_escaped(client, edition, organisation):
    """The cards of a list: overseas départements keep three digits, an event without a venue
    says how to attend, a status other than scheduled is a badge, and titles are escaped."""
    overseas = factories.VenueFactory(organisation=organisation, postcode="97110",
                                      commune="Pointe-à-Pitre",
                                      departement=Departement.objects.get(code="971"))
    factories.EventFactory(edition=edition, organisation=organisation, venue=overseas,
                           state=EventState.PUBLISHED, title="Atelier <b>caraïbe</b>",
                           status=EventStatus.CANCELLED)
    factories.EventFactory(edition=edition, organisation=organisation, venue=None,
                           attendance_mode="online", state=EventState.PUBLISHED, title="Webinaire données")
    response = client.get(reverse("agenda:list", kwargs={"edition": edition.slug}))
    html = response.text
    assert html.count("semaine-event-card") == 2
    assert "Atelier &lt;b&gt;caraïbe&lt;/b&gt;" in html and "<b>caraïbe" not in html
    assert f"Pointe-à-Pitre (971) · {organisation.name}" in html
    assert f"En ligne · {organisation.name}" in html
    assert '<p class="fr-badge fr-badge--sm fr-badge--error">Annulé</p>' in html
    assert html.count("fr-badge--sm fr-badge") == 1
    day = edition.starts_on
    assert f"{day.day} " in html and "09:00" in html


def test_a_card_names_a_corsican_departement_and_an_event_without_slots_has_no_date(
    client, edition, organisation
):
    from semaine.web.templatetags.events import event_card

    corsica = factories.VenueFactory(organisation=organisation, postcode="20200", commune="Bastia",
                                     departement=Departement.objects.get(code="2B"))
    event = factories.EventFactory(edition=edition, organisation=organisation, venue=corsica,
                                   slots=0)
    html = event_card(event)
    assert "Bastia (2B)" in html
    assert 'fr-icon-calendar-line"></p>' in html and "None" not in html
