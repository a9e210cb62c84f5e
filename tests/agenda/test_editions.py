"""Editions from the coordination space: create, edit, open and close submissions, make current,
add coordinators; new events go to an edition open for submissions; past editions stay listed."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from semaine.agenda import queries, services
from semaine.agenda.models import Coordination, Edition, Event
from tests import factories
from tests.races import race
from tests.web.organiser.test_views import event_post

pytestmark = pytest.mark.django_db

FIELDS = {
    "name": "Semaine de l'innovation publique 2031",
    "starts_on": date(2031, 11, 17), "ends_on": date(2031, 11, 23),
    "theme_of_year": "Simplifier", "description": "Une **semaine**.",
}


def fields(**overrides):
    return {**FIELDS, "submission_deadline": timezone.now() + timedelta(days=60), **overrides}


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


# --- services ----------------------------------------------------------------------------------

def test_a_coordinator_creates_an_edition_and_becomes_its_coordinator(coordinator):
    edition = services.create_edition(coordinator, fields())
    assert edition.slug == "semaine-de-linnovation-publique-2031"
    assert Coordination.objects.filter(edition=edition, user=coordinator).exists()
    assert edition.accepts_submissions()


def test_only_coordinators_create_editions(editor):
    with pytest.raises(PermissionDenied):
        services.create_edition(editor, fields())
    assert not Edition.objects.filter(name=FIELDS["name"]).exists()


def test_a_coordinator_of_another_edition_cannot_change_this_one(coordinator):
    other = factories.EditionFactory()
    with pytest.raises(PermissionDenied):
        services.update_edition(coordinator, other, fields())
    with pytest.raises(PermissionDenied):
        services.close_submissions(coordinator, other)


def test_bad_dates_are_refused_beside_their_fields(coordinator, edition):
    with pytest.raises(ValidationError) as refused:
        services.update_edition(coordinator, edition, fields(ends_on=date(2031, 11, 1)))
    assert "Le dernier jour doit suivre le premier." in refused.value.error_dict["ends_on"][0].messages
    with pytest.raises(ValidationError) as refused:
        services.create_edition(coordinator, fields(), slug=edition.slug)
    assert "slug" in refused.value.error_dict


def test_closing_and_opening_submissions(coordinator, edition):
    services.close_submissions(coordinator, edition)
    edition.refresh_from_db()
    assert not edition.accepts_submissions()
    assert edition not in queries.open_editions()
    services.open_submissions(coordinator, edition, timezone.now() + timedelta(days=3))
    edition.refresh_from_db()
    assert edition.accepts_submissions()


def test_marking_an_edition_current_swaps_the_mark(coordinator, edition):
    newer = services.create_edition(coordinator, fields())
    services.set_current_edition(coordinator, newer)
    assert list(Edition.objects.filter(is_current=True)) == [newer]
    services.set_current_edition(coordinator, edition)
    assert list(Edition.objects.filter(is_current=True)) == [edition]


def test_a_coordinator_adds_another_by_email_and_they_are_told(coordinator, edition, commit):
    colleague = factories.UserFactory(email="Claire.Dupont@example.fr")
    with commit():
        services.add_coordinator(coordinator, edition, "claire.dupont@example.fr")
    assert Coordination.objects.filter(edition=edition, user=colleague).exists()
    [message] = [m for m in mail.outbox if m.to == [colleague.email]]
    assert edition.name in message.subject
    assert reverse("coordination:edition", kwargs={"slug": edition.slug}) in message.body
    with pytest.raises(ValidationError) as refused:
        services.add_coordinator(coordinator, edition, "claire.dupont@example.fr")
    assert "déjà" in refused.value.error_dict["email"][0].message
    with pytest.raises(ValidationError) as refused:
        services.add_coordinator(coordinator, edition, "personne@nulle-part.fr")
    assert "Aucun compte" in refused.value.error_dict["email"][0].message


def test_an_organiser_cannot_add_a_coordinator(editor, edition):
    with pytest.raises(PermissionDenied):
        services.add_coordinator(editor, edition, editor.email)


# --- which edition a new event goes to ---------------------------------------------------------

def test_the_current_edition_when_open_else_the_soonest_open_one(edition):
    later = factories.EditionFactory(starts_on=edition.starts_on + timedelta(days=300))
    sooner = factories.EditionFactory(starts_on=edition.starts_on + timedelta(days=100))
    assert queries.submission_edition() == edition
    Edition.objects.filter(pk=edition.pk).update(submission_deadline=timezone.now() - timedelta(days=1))
    assert queries.submission_edition() == sooner
    assert queries.submission_edition(slug=later.slug) == later
    Edition.objects.update(submission_deadline=timezone.now() - timedelta(days=1))
    assert queries.submission_edition() is None


def test_an_organiser_creates_an_event_in_the_open_edition_not_the_closed_current_one(
        client, editor, organisation, venue, edition):
    Edition.objects.filter(pk=edition.pk).update(submission_deadline=timezone.now() - timedelta(days=1))
    upcoming = factories.EditionFactory(name="Mois de l’innovation publique")
    client.force_login(editor)
    url = reverse("organisers:event_create", kwargs={"slug": organisation.slug})
    page = client.get(url)
    assert "Mois de l’innovation publique" in page.text
    response = client.post(url, {**event_post(venue, upcoming), "edition": upcoming.slug})
    assert response.status_code == 302
    assert Event.objects.get().edition == upcoming


def test_a_posted_edition_that_closed_meanwhile_saves_nothing(client, editor, organisation, venue,
                                                             edition):
    closed = factories.EditionFactory(submission_deadline=timezone.now() - timedelta(days=1))
    client.force_login(editor)
    url = reverse("organisers:event_create", kwargs={"slug": organisation.slug})
    response = client.post(url, {**event_post(venue, edition), "edition": closed.slug})
    assert response.status_code == 200
    assert "n’accepte plus d’événements" in response.text
    assert not Event.objects.exists()


def test_no_open_edition_says_so_in_french(client, editor, organisation, edition):
    Edition.objects.update(submission_deadline=timezone.now() - timedelta(days=1))
    client.force_login(editor)
    response = client.get(reverse("organisers:event_create", kwargs={"slug": organisation.slug}),
                          follow=True)
    assert "Aucune édition n’accepte d’événements en ce moment" in response.text


# --- pages -------------------------------------------------------------------------------------

def test_a_coordinator_creates_an_edition_from_the_coordination_space(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("coordination:edition_create")).status_code == 200
    deadline = (timezone.localtime() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("coordination:edition_create"), {
        "name": "Semaine 2031", "slug": "", "starts_on": "2031-11-17", "ends_on": "2031-11-23",
        "theme_of_year": "Simplifier", "description": "", "submission_deadline": deadline})
    assert response.status_code == 302
    edition = Edition.objects.get(slug="semaine-2031")
    assert client.get(response.url).status_code == 200
    response = client.post(reverse("coordination:edition", kwargs={"slug": edition.slug}),
                           {"form": "edition", "name": "Semaine 2031", "starts_on": "2031-11-17",
                            "ends_on": "2031-11-10", "submission_deadline": deadline})
    assert response.status_code == 200
    assert "Le dernier jour doit suivre le premier." in response.text


def test_bad_input_on_the_edition_page_shows_beside_the_field(client, coordinator, edition):
    client.force_login(coordinator)
    url = reverse("coordination:edition", kwargs={"slug": edition.slug})
    response = client.post(url, {"form": "coordinator", "email": "inconnu@example.fr"})
    assert response.status_code == 200
    assert "Aucun compte" in response.context["coordinator_form"].errors["email"][0]
    response = client.post(url, {"form": "open", "until": "2000-01-01T10:00"})
    assert "Choisissez une date à venir." in response.context["reopen_form"].errors["until"][0]


def test_close_and_make_current_from_the_edition_page(client, coordinator, edition):
    other = factories.EditionFactory()
    factories.CoordinationFactory(edition=other, user=coordinator)
    client.force_login(coordinator)
    client.post(reverse("coordination:edition_close", kwargs={"slug": edition.slug}))
    edition.refresh_from_db()
    assert not edition.accepts_submissions()
    client.post(reverse("coordination:edition_current", kwargs={"slug": other.slug}))
    assert Edition.objects.get(is_current=True) == other


def test_organisers_cannot_reach_the_edition_pages(client, editor, edition):
    client.force_login(editor)
    assert client.get(reverse("coordination:editions")).status_code == 403
    assert client.get(reverse("coordination:edition_create")).status_code == 403
    assert client.get(reverse("coordination:edition", kwargs={"slug": edition.slug})).status_code == 403
    assert client.post(reverse("coordination:edition_current",
                               kwargs={"slug": edition.slug})).status_code == 403


def test_the_public_list_of_editions_counts_their_events(client, edition, organisation,
                                                         django_assert_num_queries):
    past = factories.EditionFactory(name="Semaine 2017", starts_on=date(2017, 11, 20),
                                    ends_on=date(2017, 11, 26))
    factories.published_event(past, organisation, title="Table ronde")
    factories.published_event(edition, organisation, title="Atelier 1")
    factories.published_event(edition, organisation, title="Atelier 2")
    factories.EventFactory(edition=edition, organisation=organisation)  # a draft: not counted
    with django_assert_num_queries(1):
        response = client.get(reverse("agenda:editions"))
    html = response.text
    assert "1 événement publié" in html and "2 événements publiés" in html
    assert html.index("publique (test)") < html.index("Semaine 2017")
    assert past.get_absolute_url() in html
    assert "Archive" in html


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_coordinators_making_editions_current_at_once_leave_exactly_one(migrated_reference_data):

    staff = factories.UserFactory(is_superuser=True)
    editions = [factories.EditionFactory(is_current=(n == 0)) for n in range(6)]
    errors = race(lambda edition: services.set_current_edition(staff, edition),
                   [(edition,) for edition in editions[1:]] * 2)
    assert not errors
    assert Edition.objects.filter(is_current=True).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a race needs PostgreSQL")
def test_editions_created_at_once_with_one_slug_give_one_edition_and_field_errors(
        migrated_reference_data):

    staff = factories.UserFactory(is_superuser=True)
    errors = race(lambda n: services.create_edition(staff, fields(name=f"Semaine {n}"), slug="sip-2031"),
                   [(n,) for n in range(8)])
    assert Edition.objects.filter(slug="sip-2031").count() == 1
    assert len(errors) == 7
    assert all(isinstance(error, ValidationError) for error in errors), errors
    assert all("adresse courte" in error.error_dict["slug"][0].messages[0] for error in errors)
    errors = race(lambda n: services.create_edition(staff, fields(name="Semaine commune")),
                   [(n,) for n in range(6)])
    assert errors == []
    assert Edition.objects.filter(name="Semaine commune").values("slug").distinct().count() == 6


def test_no_edition_takes_the_address_of_the_creation_page(client, coordinator):
    """``editions/nouvelle/`` is the coordination's creation page: an edition called so would
    have a page no one reaches."""
    client.force_login(coordinator)
    deadline = (timezone.localtime() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("coordination:edition_create"), {
        "name": "Semaine 2031", "slug": "Nouvelle", "starts_on": "2031-11-17", "ends_on": "2031-11-23",
        "theme_of_year": "", "description": "", "submission_deadline": deadline})
    assert response.status_code == 200
    assert "mot réservé" in response.text
    assert not Edition.objects.filter(slug="nouvelle").exists()
    derived = services.create_edition(coordinator, fields(name="Nouvelle"))
    assert derived.slug != "nouvelle"
    assert client.get(reverse("coordination:edition", kwargs={"slug": derived.slug})).status_code == 200
