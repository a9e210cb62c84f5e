from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from semaine.accounts.models import Email
from semaine.consultations import services
from semaine.consultations.models import (
    BODY_MAX,
    Alignment,
    Answer,
    Comment,
    Proposal,
    ProposalState,
    Support,
)
from semaine.ledger.models import Entry
from semaine.organisers.models import OrganisationStatus
from tests import factories
from tests.races import race

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(organisation):
    return factories.consultation(organisation, phase="supports", supports_per_person=3)


@pytest.fixture
def person(db):
    return factories.verified_person()


def _proposal(consultation, author=None, **fields):
    return Proposal.objects.create(consultation=consultation, author=author or factories.verified_person(),
                                   title=fields.pop("title", "Un guichet unique"),
                                   body=fields.pop("body", "Un seul lieu pour toutes les démarches."),
                                   **fields)


# --- consultations -------------------------------------------------------------------------------


def _dates(start):
    fields = {}
    for n, code in enumerate(["information", "proposals", "supports", "analysis", "answers"]):
        fields[f"{code}_starts"] = start + timedelta(days=10 * n)
        fields[f"{code}_ends"] = start + timedelta(days=10 * n + 9)
    return fields


def test_an_editor_of_an_approved_organisation_creates_a_consultation(editor, organisation):
    made = services.create_consultation(
        editor, organisation, title="Accueil numérique", question="Comment accueillir ?",
        categories=["Accueil", "Numérique", "accueil"], **_dates(timezone.localdate()))
    assert made.slug == "accueil-numerique"
    assert [c.name for c in made.categories.all()] == ["Accueil", "Numérique"]
    assert made.phase_at(timezone.now()) == "information"
    assert made.phase_at(timezone.localdate() + timedelta(days=25)) == "supports"
    assert made.phase_at(timezone.localdate() + timedelta(days=60)) is None


def test_another_organisation_or_a_pending_one_cannot_run_it(editor, other_editor, organisation,
                                                            consultation):
    with pytest.raises(PermissionDenied):
        services.update_consultation(other_editor, consultation, title="Repris")
    organisation.status = OrganisationStatus.PENDING
    organisation.save()
    with pytest.raises(PermissionDenied):
        services.create_consultation(editor, organisation, title="X", question="Y",
                                     **_dates(timezone.localdate()))


def test_phases_out_of_order_are_refused_beside_the_field(editor, organisation):
    dates = _dates(timezone.localdate())
    dates["supports_starts"] = dates["proposals_starts"]
    with pytest.raises(ValidationError) as error:
        services.create_consultation(editor, organisation, title="X", question="Y", **dates)
    assert "supports_starts" in error.value.error_dict


def test_workshops_must_be_the_organisations_events(editor, organisation, other_organisation,
                                                    edition, consultation):
    mine = factories.EventFactory(edition=edition, organisation=organisation)
    theirs = factories.EventFactory(edition=edition, organisation=other_organisation)
    services.update_consultation(editor, consultation, workshops=[mine])
    assert list(mine.consultations.all()) == [consultation]
    with pytest.raises(ValidationError):
        services.update_consultation(editor, consultation, workshops=[theirs])


# --- proposals -----------------------------------------------------------------------------------


def test_a_confirmed_person_proposes_within_the_limit(organisation, person):
    consultation = factories.consultation(organisation, phase="proposals", proposals_per_person=2)
    category = consultation.categories.first()
    services.propose(person, consultation, title="A", body="Texte", category=category,
                     commune="Nantes")
    services.propose(person, consultation, title="B", body="Texte")
    with pytest.raises(ValidationError, match="nombre maximal"):
        services.propose(person, consultation, title="C", body="Texte")


def test_an_unconfirmed_account_cannot_propose_nor_support(organisation, consultation):
    unconfirmed = factories.UserFactory()
    proposals = factories.consultation(organisation, phase="proposals")
    with pytest.raises(PermissionDenied, match="Confirmez"):
        services.propose(unconfirmed, proposals, title="A", body="B")
    with pytest.raises(PermissionDenied):
        services.support(unconfirmed, _proposal(consultation))


def test_proposals_only_during_their_phase(person, consultation):
    with pytest.raises(ValidationError, match="pas ouvertes"):
        services.propose(person, consultation, title="A", body="B")


@pytest.mark.parametrize("body", ["", "   ", "x" * (BODY_MAX + 1)])
def test_an_empty_or_huge_body_is_refused_beside_the_field(organisation, person, body):
    consultation = factories.consultation(organisation, phase="proposals")
    with pytest.raises(ValidationError) as error:
        services.propose(person, consultation, title="A", body=body)
    assert "body" in error.value.error_dict


def test_a_category_of_another_consultation_is_refused(organisation, person):
    consultation = factories.consultation(organisation, phase="proposals")
    other = factories.consultation(organisation, phase="proposals")
    with pytest.raises(ValidationError):
        services.propose(person, consultation, title="A", body="B",
                         category=other.categories.first())


def test_the_author_edits_until_the_first_support(consultation, person):
    proposal = _proposal(consultation, author=person)
    services.edit_proposal(person, proposal, title="Nouveau titre", body="Nouveau texte")
    with pytest.raises(PermissionDenied):
        services.edit_proposal(factories.verified_person(), proposal, title="X", body="Y")
    services.support(factories.verified_person(), proposal)
    with pytest.raises(ValidationError, match="ne peut plus"):
        services.edit_proposal(person, proposal, title="Encore", body="Y")
    proposal.refresh_from_db()
    assert proposal.title == "Nouveau titre"


def test_a_facilitator_enters_a_workshop_proposal(editor, other_editor, organisation, edition,
                                                  consultation):
    workshop = factories.EventFactory(edition=edition, organisation=organisation)
    with pytest.raises(ValidationError):
        services.enter_workshop_proposal(editor, consultation, workshop, title="A", body="B")
    consultation.workshops.add(workshop)
    with pytest.raises(PermissionDenied):
        services.enter_workshop_proposal(other_editor, consultation, workshop, title="A", body="B")
    proposal = services.enter_workshop_proposal(editor, consultation, workshop, title="A", body="B")
    assert proposal.author is None and proposal.workshop == workshop


# --- supports ------------------------------------------------------------------------------------


def test_supports_count_once_and_can_be_withdrawn(consultation, person):
    proposal = _proposal(consultation)
    services.support(person, proposal)
    with pytest.raises(ValidationError, match="déjà"):
        services.support(person, proposal)
    proposal.refresh_from_db()
    assert proposal.supports_count == 1
    services.withdraw_support(person, proposal)
    proposal.refresh_from_db()
    assert proposal.supports_count == 0 and not Support.objects.exists()


def test_supports_only_during_their_phase(organisation, person):
    for phase in ("proposals", "analysis"):
        consultation = factories.consultation(organisation, phase=phase)
        with pytest.raises(ValidationError, match="pas ouverts"):
            services.support(person, _proposal(consultation))


def test_a_person_never_exceeds_the_limit(consultation, person):
    proposals = [_proposal(consultation) for _ in range(4)]
    for proposal in proposals[:3]:
        services.support(person, proposal)
    with pytest.raises(ValidationError, match="nombre maximal"):
        services.support(person, proposals[3])
    services.withdraw_support(person, proposals[0])
    services.support(person, proposals[3])


def test_a_withdrawn_proposal_cannot_be_supported(consultation, person):
    author = factories.verified_person()
    proposal = _proposal(consultation, author=author)
    services.withdraw_proposal(author, proposal)
    with pytest.raises(ValidationError, match="retirée"):
        services.support(person, proposal)


def test_a_threshold_that_does_not_accumulate_stops_the_count(organisation):
    consultation = factories.consultation(organisation, support_threshold=2,
                                          threshold_accumulates=False)
    proposal = _proposal(consultation)
    services.support(factories.verified_person(), proposal)
    services.support(factories.verified_person(), proposal)
    with pytest.raises(ValidationError, match="seuil"):
        services.support(factories.verified_person(), proposal)


# --- comments ------------------------------------------------------------------------------------


def test_comments_are_threaded_on_two_levels(consultation, person):
    proposal = _proposal(consultation)
    first = services.comment(person, consultation, proposal=proposal, body="Oui",
                             alignment=Alignment.FOR)
    reply = services.comment(person, consultation, proposal=proposal, parent=first, body="Non",
                             alignment=Alignment.AGAINST)
    deeper = services.comment(person, consultation, proposal=proposal, parent=reply, body="Bof")
    assert reply.parent == first and deeper.parent == first
    proposal.refresh_from_db()
    assert proposal.comments_count == 3
    with pytest.raises(ValidationError):
        services.comment(person, consultation, proposal=proposal, body="x", alignment="maybe")


def test_html_in_a_body_is_kept_as_text_and_never_rendered(client, consultation, person):
    proposal = _proposal(consultation, body="<script>alert(1)</script>**gras**")
    services.comment(person, consultation, proposal=proposal, body="<img src=x onerror=alert(1)>")
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page and "onerror=alert" not in page
    assert "<strong>gras</strong>" in page


def test_comments_are_rate_limited(consultation, person, monkeypatch):
    monkeypatch.setattr(services, "COMMENTS_PER_HOUR", 2)
    services.comment(person, consultation, body="1")
    services.comment(person, consultation, body="2")
    with pytest.raises(ValidationError, match="Trop de commentaires"):
        services.comment(person, consultation, body="3")


def test_a_report_then_the_organisation_hides_with_a_reason(consultation, person, editor,
                                                            other_editor):
    comment = services.comment(person, consultation, body="Hors sujet")
    assert services.report_comment(person, comment) is True
    assert services.report_comment(person, comment) is False
    assert services.report_comment(factories.verified_person(), comment) is True
    told = Email.objects.get()  # once, at the first report, to the organisation's member
    assert told.to == editor.email and "Hors sujet" in told.body
    assert f"/participer/{consultation.slug}/organisateur/moderation/" in told.body
    with pytest.raises(PermissionDenied):
        services.hide_comment(other_editor, comment, reason="Non")
    with pytest.raises(ValidationError):
        services.hide_comment(editor, comment, reason="")
    services.hide_comment(editor, comment, reason="Propos injurieux")
    comment = Comment.objects.get(pk=comment.pk)
    assert comment.is_hidden and comment.body == "Hors sujet" and comment.reports_count == 2


def test_a_hidden_comment_no_longer_counts_under_its_proposal(consultation, person, editor):
    proposal = _proposal(consultation)
    kept = services.comment(person, consultation, proposal=proposal, body="Bonne idée")
    hidden = services.comment(person, consultation, proposal=proposal, body="Hors sujet")
    assert Proposal.objects.get(pk=proposal.pk).comments_count == 2
    services.hide_comment(editor, hidden, reason="Hors sujet")
    services.hide_comment(editor, hidden, reason="Toujours hors sujet")  # hidden once only
    assert Proposal.objects.get(pk=proposal.pk).comments_count == 1
    assert Comment.objects.get(pk=kept.pk).hidden_at is None


# --- answers and the ledger ----------------------------------------------------------------------


def test_an_answer_is_recorded_and_mailed_to_author_and_supporters(
    organisation, editor, other_editor, person, django_capture_on_commit_callbacks
):
    consultation = factories.consultation(organisation)
    author = factories.verified_person()
    proposal = _proposal(consultation, author=author)
    services.support(person, proposal)
    with pytest.raises(PermissionDenied):
        services.answer_proposal(other_editor, proposal, answer=Answer.ACCEPTED, justification="Oui")
    with pytest.raises(ValidationError):
        services.answer_proposal(editor, proposal, answer="perhaps", justification="Oui")
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_proposal(editor, proposal, answer=Answer.ACCEPTED,
                                 justification="Nous l’ouvrons en 2018.")
    entry = Entry.objects.get(kind="consultation.answered")
    assert entry.subject == f"proposal:{consultation.slug}/{proposal.pk}"
    assert author.email not in entry.record and person.email not in entry.record
    assert sorted(Email.objects.values_list("to", flat=True)) == sorted([author.email, person.email])
    assert "Retenue" in Email.objects.first().body
    assert sorted(m.to[0] for m in mail.outbox) == sorted([author.email, person.email])
    assert proposal.get_absolute_url() in mail.outbox[0].body


def test_closing_supports_records_each_count_once(organisation, editor, person):
    consultation = factories.consultation(organisation, phase="analysis")
    proposals = [_proposal(consultation) for _ in range(2)]
    Proposal.objects.filter(pk=proposals[0].pk).update(supports_count=7)
    withdrawn = _proposal(consultation, state=ProposalState.WITHDRAWN)
    assert services.close_finished_supports() == 2
    assert services.close_supports(editor, consultation) == 0
    told = Email.objects.get()
    assert told.to == editor.email and "organisateur/reponses/" in told.body
    entries = Entry.objects.filter(kind="consultation.supports_closed").order_by("pk")
    assert [e.subject.rsplit("/", 1)[1] for e in entries] == [str(p.pk) for p in proposals]
    assert '"supports":7' in entries[0].record
    assert str(withdrawn.pk) not in {e.subject.rsplit("/", 1)[1] for e in entries}


def test_supports_cannot_close_before_their_phase_ends(consultation, editor):
    with pytest.raises(ValidationError):
        services.close_supports(editor, consultation)


# --- concurrency ---------------------------------------------------------------------------------




@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_60_concurrent_supports_by_one_person_with_a_limit_of_3_give_exactly_3(
    migrated_reference_data, organisation
):
    consultation = factories.consultation(organisation, supports_per_person=3)
    person = factories.verified_person()
    proposals = [_proposal(consultation) for _ in range(60)]
    errors = race(lambda p: services.support(person, p), [(p,) for p in proposals])
    assert Support.objects.filter(user=person).count() == 3
    assert sum(Proposal.objects.values_list("supports_count", flat=True)) == 3
    assert len(errors) == 57 and all(isinstance(e, ValidationError) for e in errors)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_one_person_racing_on_one_proposal_is_counted_once(migrated_reference_data, organisation):
    consultation = factories.consultation(organisation)
    person = factories.verified_person()
    proposal = _proposal(consultation)
    race(lambda: services.support(person, proposal), [()] * 20)
    proposal.refresh_from_db()
    assert proposal.supports_count == 1 == Support.objects.count()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_1000_people_supporting_one_proposal_at_once_give_exactly_1000(migrated_reference_data,
                                                                        organisation):
    consultation = factories.consultation(organisation)
    proposal = _proposal(consultation)
    people = [factories.verified_person() for _ in range(1000)]
    # 1,000 supports by 40 clients at once (PostgreSQL allows 100 connections here)
    batches = [people[i::40] for i in range(40)]
    errors = race(lambda batch: [services.support(p, proposal) for p in batch],
                   [(b,) for b in batches])
    assert not errors
    proposal.refresh_from_db()
    assert proposal.supports_count == 1000 == Support.objects.count()
