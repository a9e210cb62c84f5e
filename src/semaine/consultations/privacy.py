"""A person's contributions to consultations, as « Mon compte » exports them.

Erasing an account keeps the contributions (a proposal, a support, a comment is part of a
public debate and of the counts the ledger recorded): their link to the account is set to
nothing (``on_delete=SET_NULL``), and the pages then show them as « compte supprimé »."""

from .models import Comment, Proposal, Support


def account_data(user) -> dict:
    return {
        "propositions": [
            {"consultation": p.consultation.title, "titre": p.title, "texte": p.body,
             "commune": p.commune, "etat": str(p.get_state_display()),
             "cree_le": p.created_at.isoformat()}
            for p in Proposal.objects.filter(author=user).select_related("consultation")
            .order_by("created_at", "pk")
        ],
        "soutiens": [
            {"consultation": s.consultation.title, "proposition": s.proposal.title,
             "le": s.created_at.isoformat()}
            for s in Support.objects.filter(user=user).select_related("consultation", "proposal")
            .order_by("created_at", "pk")
        ],
        "commentaires": [
            {"consultation": c.consultation.title,
             "proposition": c.proposal.title if c.proposal_id else None, "texte": c.body,
             "position": str(c.get_alignment_display()), "le": c.created_at.isoformat(),
             "masque": c.hidden_at is not None}
            for c in Comment.objects.filter(author=user).select_related("consultation", "proposal")
            .order_by("created_at", "pk")
        ],
    }
