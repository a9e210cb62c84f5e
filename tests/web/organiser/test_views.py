import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from semaine.agenda.models import Event, EventState, Format
from tests import factories

pytestmark = pytest.mark.django_db


def event_post(venue, edition, **overrides):
    day = edition.starts_on.isoformat()
    data = {
        "title": "Atelier datavisualisation",
        "summary": "Apprendre à lire et faire des graphiques.",
        "description": "Un atelier **ludique**.",
        "attendance_mode": "in_person",
        "venue": venue.pk,
        "registration_mode": "none",
        "formats": [Format.objects.get(slug="atelier").pk],
        "audiences": [1],
        "languages": ["fr"],
        "slots-TOTAL_FORMS": "2",
        "slots-INITIAL_FORMS": "0",
        "slots-MIN_NUM_FORMS": "0",
        "slots-MAX_NUM_FORMS": "50",
        "slots-0-starts_at": f"{day}T09:30",
        "slots-0-ends_at": f"{day}T12:00",
        "slots-1-starts_at": f"{day}T14:00",
        "slots-1-ends_at": f"{day}T17:00",
    }
    data.update(overrides)
    return data


def create_url(organisation):
    return reverse("organisers:event_create", kwargs={"slug": organisation.slug})


def test_an_editor_creates_an_event_with_two_slots(client, editor, organisation, venue, edition):
    client.force_login(editor)
    response = client.post(create_url(organisation), event_post(venue, edition))
    assert response.status_code == 302, response.context and response.context["form"].errors
    event = Event.objects.get()
    assert event.state == EventState.DRAFT
    assert event.slots.count() == 2
    first = event.slots.first().starts_at
    assert (first.hour, first.minute) in {(8, 30), (9, 30)}  # stored in UTC: 9:30 in Paris
    assert event.history.get().actor == editor


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"slots-0-ends_at": "2000-01-01T08:00"}, None, "La fin doit être postérieure au début."),
        ({"capacity": "0"}, "capacity", "supérieure ou égale à 1"),
        ({"registration_mode": "external", "registration_url": "pas une adresse"},
         "registration_url", "Saisissez une URL valide."),
        ({"attendance_mode": "online", "online_url": ""}, "online_url", "lien de participation"),
        ({"title": ""}, "title", "Ce champ est obligatoire."),
        ({"age_min": "12", "age_max": "8"}, "age_max", "âge maximum"),
    ],
)
def test_a_refused_form_says_why_in_french_and_keeps_what_was_typed(
    client, editor, organisation, venue, edition, override, field, message
):
    client.force_login(editor)
    response = client.post(create_url(organisation), event_post(venue, edition, **override))
    assert response.status_code == 200
    assert message in response.text
    assert "Atelier datavisualisation" in response.text or override.get("title") == ""
    assert "Apprendre à lire et faire des graphiques." in response.text
    assert not Event.objects.exists()


def test_a_slot_near_but_outside_the_edition_is_a_warning_not_a_refusal(
    client, editor, organisation, venue, edition
):
    """An online course a few weeks after the week, say (further away is refused)."""
    client.force_login(editor)
    late = (edition.ends_on + timedelta(days=30)).isoformat()
    data = event_post(venue, edition, **{"slots-1-starts_at": f"{late}T09:00",
                                         "slots-1-ends_at": f"{late}T10:00"})
    response = client.post(create_url(organisation), data, follow=True)
    assert Event.objects.count() == 1
    assert "sort des dates" in response.text


def test_a_non_image_upload_is_refused(client, editor, organisation, venue, edition):
    client.force_login(editor)
    data = event_post(venue, edition)
    data["image"] = SimpleUploadedFile("photo.png", b"not an image at all", content_type="image/png")
    response = client.post(create_url(organisation), data)
    assert response.status_code == 200
    assert "Téléversez une image valide" in response.text
    assert not Event.objects.exists()


def test_an_oversized_image_is_refused(client, editor, organisation, venue, edition, settings):
    settings.SEMAINE_IMAGE_MAX_BYTES = 100
    buffer = io.BytesIO()
    Image.new("RGB", (50, 50), "blue").save(buffer, "PNG")
    client.force_login(editor)
    data = event_post(venue, edition, image_alt="Un carré bleu")
    data["image"] = SimpleUploadedFile("carre.png", buffer.getvalue(), content_type="image/png")
    response = client.post(create_url(organisation), data)
    assert "5 Mo" in response.text
    assert not Event.objects.exists()


def test_an_editor_cannot_open_the_space_of_another_organisation(client, other_editor, organisation):
    client.force_login(other_editor)
    assert client.get(create_url(organisation)).status_code == 403
    events = reverse("organisers:events", kwargs={"slug": organisation.slug})
    assert client.get(events).status_code == 403


@pytest.mark.parametrize("name", ["event", "event_edit"])
def test_an_editor_cannot_see_or_edit_another_organisations_draft(
    client, other_editor, organisation, edition, name
):
    draft = factories.EventFactory(organisation=organisation, edition=edition)
    client.force_login(other_editor)
    response = client.get(reverse(f"organisers:{name}", kwargs={"pk": draft.pk}))
    assert response.status_code == 403
    assert "Accès refusé" in response.text


@pytest.mark.parametrize("name", ["event_submit", "event_duplicate", "event_status"])
def test_an_editor_cannot_act_on_another_organisations_event(
    client, other_editor, organisation, edition, name
):
    draft = factories.EventFactory(organisation=organisation, edition=edition)
    client.force_login(other_editor)
    response = client.post(reverse(f"organisers:{name}", kwargs={"pk": draft.pk}),
                           {"status": "cancelled", "comment": "x"})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.state == EventState.DRAFT and draft.status == "scheduled"
    assert Event.objects.count() == 1


def test_submitting_from_the_space_reports_a_refusal_in_french(client, editor, organisation, edition):
    organisation.status = "pending"
    organisation.save()
    draft = factories.EventFactory(organisation=organisation, edition=edition)
    client.force_login(editor)
    response = client.post(reverse("organisers:event_submit", kwargs={"pk": draft.pk}), follow=True)
    assert "doit être validée" in response.text
    draft.refresh_from_db()
    assert draft.state == EventState.DRAFT


def test_the_events_list_filters_by_state_and_ignores_unknown_states(
    client, editor, organisation, edition
):
    factories.EventFactory(organisation=organisation, edition=edition, title="Premier brouillon")
    factories.EventFactory(organisation=organisation, edition=edition, title="Déjà publié",
                           state=EventState.PUBLISHED)
    client.force_login(editor)
    url = reverse("organisers:events", kwargs={"slug": organisation.slug})
    response = client.get(url, {"state": "published"})
    assert "Déjà publié" in response.text and "Premier brouillon" not in response.text
    response = client.get(url, {"state": "<script>"})
    assert response.status_code == 200
    assert "Filtre d’état inconnu" in response.text
    assert "Premier brouillon" in response.text


def test_venue_coordinates_outside_france_are_refused(client, editor, organisation):
    client.force_login(editor)
    url = reverse("organisers:venues", kwargs={"slug": organisation.slug})
    data = {"name": "Salle", "commune": "Nantes", "departement": 44, "postcode": "44000",
            "latitude": "-1.55", "longitude": "47.21"}
    from semaine.territory.models import Departement

    data["departement"] = Departement.objects.get(code="44").pk
    response = client.post(url, data)
    assert "hors de France" in response.text
    assert not organisation.venues.exists()
    data.update(latitude="47.21", longitude="-1.55")
    assert client.post(url, data).status_code == 302
    assert organisation.venues.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, organisation):
    response = client.get(create_url(organisation))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_an_admin_invites_a_newcomer_who_chooses_a_password(
    client, organisation, django_capture_on_commit_callbacks
):
    import re

    from django.core import mail

    from semaine.accounts.models import User

    admin = factories.MembershipFactory(organisation=organisation, role="admin").user
    client.force_login(admin)
    url = reverse("organisers:members", kwargs={"slug": organisation.slug})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "Nouvelle.Recrue@loire-atlantique.fr", "role": "editor"})
    assert response.status_code == 302
    newcomer = User.objects.get(email="nouvelle.recrue@loire-atlantique.fr")
    assert not newcomer.has_usable_password()
    assert not organisation.memberships.filter(user=newcomer).exists()  # not before saying yes
    path = re.search(r"/compte/mot-de-passe/nouveau/\S+/", mail.outbox[0].body).group(0)
    assert "/compte/" in mail.outbox[0].body.split("« Mon compte »")[1]
    client.logout()
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "ma phrase secrète", "new_password2": "ma phrase secrète"})
    newcomer.refresh_from_db()
    assert newcomer.check_password("ma phrase secrète")

    client.force_login(newcomer)
    account = client.get(reverse("accounts:account")).text
    assert organisation.name in account and "Accepter" in account
    invitation = newcomer.invitations.get()
    response = client.post(reverse("accounts:invitation", kwargs={"pk": invitation.pk}),
                           {"decision": "accept"})
    assert response.url == reverse("organisers:events", kwargs={"slug": organisation.slug})
    assert organisation.memberships.filter(user=newcomer, role="editor").exists()


def test_an_editor_cannot_invite_and_the_last_admin_cannot_leave(client, organisation, editor):
    url = reverse("organisers:members", kwargs={"slug": organisation.slug})
    client.force_login(editor)
    assert client.post(url, {"email": "x@example.fr", "role": "admin"}).status_code == 403
    admin_membership = factories.MembershipFactory(organisation=organisation, role="admin")
    client.force_login(admin_membership.user)
    response = client.post(url, {"remove": admin_membership.pk}, follow=True)
    assert "au moins un administrateur" in response.text
    assert organisation.memberships.filter(pk=admin_membership.pk).exists()
