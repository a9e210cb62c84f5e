"""What the public ledger records of consultations: each official answer to a proposal, and
each proposal's count of supports when the supports phase closes (counts only: never who
supported, never who proposed). ``CONSULTATIONS`` is registered by ``ConsultationsConfig.ready``
so that the ledger's pages name these entries in words. Nothing of it is re-checked against the
log (``kinds`` is empty): its entries are facts at one moment."""

from django.utils.translation import gettext_lazy as _

from semaine.ledger.services import record, record_many
from semaine.ledger.subjects import Subject

ANSWERED = "consultation.answered"
SUPPORTS_CLOSED = "consultation.supports_closed"


class ProposalSubject(Subject):
    prefix = "proposal"
    kind_labels = {
        ANSWERED: _("Consultation : réponse officielle à une proposition"),
        SUPPORTS_CLOSED: _("Consultation : soutiens clos, décompte de la proposition"),
    }

    def key(self, proposal) -> str:
        return f"{proposal.consultation.slug}/{proposal.pk}"


CONSULTATIONS = ProposalSubject()


def record_answer(proposal):
    return record(ANSWERED, CONSULTATIONS.subject(proposal), {
        "consultation": proposal.consultation.slug, "proposal": proposal.pk,
        "title": proposal.title, "answer": proposal.answer,
        "justification": proposal.justification,
    })


def record_supports(consultation, proposals) -> list[int]:
    return record_many([
        (SUPPORTS_CLOSED, CONSULTATIONS.subject(p),
         {"consultation": consultation.slug, "proposal": p.pk, "supports": p.supports_count})
        for p in proposals
    ])
