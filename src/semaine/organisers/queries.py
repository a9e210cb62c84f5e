"""Reads on organisations shared by the pages: the organisations a declaration matches, the
probable duplicates among those waiting for approval, the requests and invitations waiting,
the decision e-mails that could not be sent."""

from django.db.models import Q

from semaine.accounts.models import Email, EmailKind, EmailStatus

from .models import (
    Invitation,
    InvitationState,
    JoinRequest,
    JoinRequestState,
    Organisation,
    OrganisationStatus,
    name_key,
)


def _same_as(key: str, siret: str, kind: str, insee_code: str) -> Q | None:
    conditions = []
    if key:
        conditions.append(Q(name_key=key))
    if siret:
        conditions.append(Q(siret=siret))
    if insee_code and kind:
        conditions.append(Q(kind=kind, insee_code=insee_code))
    if not conditions:
        return None
    condition = conditions[0]
    for other in conditions[1:]:
        condition |= other
    return condition


def existing_organisations(*, name: str, siret: str = "", kind: str = "",
                           insee_code: str = "") -> list[Organisation]:
    """The organisations (approved or waiting, not refused) that a declaration of ``name`` with
    this SIRET, or this INSEE code for this kind, would duplicate."""
    condition = _same_as(name_key(name), siret, kind, insee_code)
    if condition is None:
        return []
    return list(Organisation.objects.filter(condition).exclude(status=OrganisationStatus.REJECTED)
                .select_related("departement", "region").order_by("name")[:5])


def probable_duplicates(organisations) -> dict[int, list[Organisation]]:
    """For each of ``organisations`` (by pk), the other organisations that have its name (once
    normalised), its SIRET, or its INSEE code for its kind: one query for them all."""
    organisations = list(organisations)
    condition = None
    for organisation in organisations:
        same = _same_as(organisation.name_key, organisation.siret, organisation.kind,
                        organisation.insee_code)
        if same is not None:
            condition = same if condition is None else condition | same
    if condition is None:
        return {}
    candidates = list(Organisation.objects.filter(condition).order_by("name"))
    found = {}
    for organisation in organisations:
        found[organisation.pk] = [
            other for other in candidates if other.pk != organisation.pk and (
                (organisation.name_key and other.name_key == organisation.name_key)
                or (organisation.siret and other.siret == organisation.siret)
                or (organisation.insee_code and other.kind == organisation.kind
                    and other.insee_code == organisation.insee_code))
        ]
    return {pk: others for pk, others in found.items() if others}


def pending_join_requests(organisation):
    """The requests to join ``organisation`` its admins have to decide on (from verified
    accounts only)."""
    return (JoinRequest.objects.filter(organisation=organisation, state=JoinRequestState.PENDING,
                                       requester__is_active=True, announced_at__isnull=False)
            .select_related("requester").order_by("created_at", "pk"))


def pending_invitations(organisation):
    return (Invitation.objects.filter(organisation=organisation, state=InvitationState.PENDING)
            .select_related("user").order_by("created_at", "pk"))


def invitations_for(user):
    """The invitations ``user`` has to answer."""
    return (Invitation.objects.filter(user=user, state=InvitationState.PENDING)
            .select_related("organisation", "invited_by").order_by("created_at", "pk"))


def join_requests_of(user):
    """``user``'s requests to join organisations, the latest first."""
    return (JoinRequest.objects.filter(requester=user).select_related("organisation")
            .order_by("-created_at", "-pk"))

#: failed decision e-mails listed on the coordination's page of organisations
FAILED_DECISIONS_LISTED = 20


def failed_decision_emails(limit: int = FAILED_DECISIONS_LISTED) -> list[Email]:
    """The e-mails telling an organisation's members of the coordination's decision on it that
    could not be sent, the latest first: the coordinators see them on the page where they
    decide (kept ``outbox.FAILED_KEPT_DAYS``)."""
    return list(Email.objects.filter(kind=EmailKind.NOTIFICATION, status=EmailStatus.FAILED,
                                     organisation__isnull=False, event__isnull=True)
                .order_by("-created_at", "-pk")[:limit])
