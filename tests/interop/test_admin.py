"""The OpenAgenda records stay in Django's admin after their models moved to the interchange."""

import pytest
from django.urls import reverse

from semaine.interop.models import OpenAgendaImport, OpenAgendaLink
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_admin_lists_and_opens_the_openagenda_records(client):
    organisation = factories.OrganisationFactory()
    event = factories.EventFactory(organisation=organisation)
    programme = factories.ProgrammeFactory(edition=event.edition, organisation=organisation)
    run = OpenAgendaImport.objects.create(organisation=organisation, programme=programme,
                                          file_name="agenda-calvados.json")
    link = OpenAgendaLink.objects.create(organisation=organisation, source_agenda="14",
                                         source_uid="evt-42", event=event, fingerprint="0" * 64)
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    listing = client.get(reverse("admin:interop_openagendalink_changelist"))
    assert listing.status_code == 200 and "evt-42" in listing.content.decode()
    assert client.get(reverse("admin:interop_openagendalink_change", args=[link.pk])).status_code == 200
    runs = client.get(reverse("admin:interop_openagendaimport_changelist"))
    assert runs.status_code == 200 and programme.title in runs.content.decode()
    assert client.get(reverse("admin:interop_openagendaimport_change", args=[run.pk])).status_code == 200
