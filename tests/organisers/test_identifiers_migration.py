"""The migration that adds the identifiers gives the organisations already there their name as
names are compared, so that a declaration matches them at once."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("organisers", "0002_organisation_article")]
AFTER = [("organisers", "0003_organisation_identifiers_join_requests_invitations")]


@pytest.fixture
def before_identifiers(migrated_reference_data):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_organisations_saved_before_get_their_name_key(before_identifiers):
    Organisation = before_identifiers.get_model("organisers", "Organisation")
    organisation = Organisation.objects.create(name="Département du Val-d'Oise",
                                               slug="val-doise", kind="departement")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    Organisation = executor.loader.project_state(AFTER).apps.get_model("organisers", "Organisation")
    after = Organisation.objects.get(pk=organisation.pk)
    assert (after.name_key, after.siret, after.insee_code) == ("departement val oise", "", "")
