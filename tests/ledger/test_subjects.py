"""The ledger knows no domain: what it records, backfills and checks again comes from the subjects
the domains register."""

import ast
from pathlib import Path

import pytest
from django.urls import reverse

import semaine.ledger
from semaine.agenda.models import EventState
from semaine.ledger import services as ledger
from semaine.ledger import subjects
from semaine.ledger.models import Entry
from semaine.ledger.reconcile import verify_here
from semaine.organisers.models import Organisation, OrganisationStatus
from semaine.registrations.services import record_closed_registrations
from tests import factories

LEDGER = Path(semaine.ledger.__file__).parent
#: what the ledger may import of the project: itself, and the plumbing every app may use
ALLOWED = ("semaine.ledger", "semaine.core", "semaine.ui")


def _imports(path: Path) -> list[str]:
    """Every module ``path`` imports, at the top or inside a function, relative ones resolved."""
    package = ["semaine", "ledger", *path.relative_to(LEDGER).parent.parts]
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            out += [module] if node.module else [f"{module}.{alias.name}" for alias in node.names]
    return out


def test_no_ledger_module_imports_a_domain_app():
    found = [
        f"{path.relative_to(LEDGER)}: {module}"
        for path in sorted(LEDGER.rglob("*.py"))
        for module in _imports(path)
        if (module == "semaine" or module.startswith("semaine."))
        and not any(module == allowed or module.startswith(allowed + ".") for allowed in ALLOWED)
    ]
    assert found == []


def test_a_second_subject_under_a_prefix_already_registered_is_refused():
    class Other(subjects.Subject):
        prefix = "event"

    with pytest.raises(ValueError, match="already registered"):
        subjects.register(Other())


class _Organisations(subjects.Subject):
    """Approved organisations, as another domain would register its own things."""

    prefix = "organisation"
    kinds = ("organisation.approved",)
    backfill_kind = "organisation.approved"
    fields = {"name": "nom"}

    def key(self, organisation):
        return organisation.slug

    def record(self, organisation):
        return {"id": organisation.slug, "name": organisation.name}

    def backfill(self):
        return Organisation.objects.filter(status=OrganisationStatus.APPROVED).order_by("pk")

    current = backfill

    def name(self, organisation):
        return organisation.name


@pytest.fixture
def organisations_recorded():
    registered = subjects.register(_Organisations())
    yield registered
    subjects._registry.pop(registered.prefix)


@pytest.mark.django_db
def test_the_things_another_domain_registers_are_backfilled_and_checked_again(organisations_recorded):
    organisation = factories.OrganisationFactory(name="Région des Pays de la Loire")
    ledger.seal()
    entry = Entry.objects.get(subject=f"organisation:{organisation.slug}")
    assert entry.kind == "organisation.approved" and entry.index is not None
    assert verify_here()[0].ok
    Organisation.objects.filter(pk=organisation.pk).update(name="Nom réécrit en douce")
    report, problems = verify_here()
    assert [o.pk for o, _why in problems] == [organisation.pk]
    assert report.problems == [
        f"Nom réécrit en douce : modifié hors de la plateforme depuis son dernier enregistrement "
        f"(entrée n° {entry.index}) : nom (en base « Nom réécrit en douce », enregistré "
        "« Région des Pays de la Loire »)"
    ]


def test_an_entrys_kind_is_named_by_the_domain_that_records_it(organisations_recorded):
    assert subjects.kind_label("event.published") == "Événement publié"
    assert subjects.kind_label("decision.returned") == "Décision : renvoi pour correction"
    assert subjects.kind_label("registrations.closed") == "Inscriptions closes : décompte du créneau"
    assert subjects.kind_label("organisation.approved") == "organisation.approved"  # named by nobody


@pytest.mark.django_db
def test_the_public_pages_name_the_kinds_in_french(client, edition, organisation, editor):
    event = factories.EventFactory(edition=edition, organisation=organisation,
                                   state=EventState.PUBLISHED, registration_mode="platform")
    ledger.backfill()
    factories.move_slot(event.slots.get())
    record_closed_registrations()
    ledger.seal()
    kinds = set(Entry.objects.values_list("kind", flat=True))
    assert kinds == {"event.published", "registrations.closed"}
    pages = [client.get(reverse("ledger:register")).text,
             client.get(reverse("ledger:block", kwargs={"number": 1})).text,
             *(client.get(reverse("ledger:entry", kwargs={"index": i})).text for i in (0, 1))]
    for page in pages:
        assert "<code>event.published" not in page and "<code>registrations.closed" not in page
    assert "Événement publié" in pages[1] and "Inscriptions closes : décompte du créneau" in pages[1]
