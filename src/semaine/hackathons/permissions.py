"""Who may do what in a hackathon: its organisers (the members of the event's organisation),
its participants (a confirmed registration to the event), the members of a team, its jurors."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from semaine.organisers.permissions import is_member
from semaine.registrations.models import Registration, RegistrationStatus

from .models import ConflictOfInterest, Hackathon, Juror, JurorState, Submission, Team


def is_organiser(user, hackathon: Hackathon) -> bool:
    return is_member(user, hackathon.event.organisation)


def require_organiser(user, hackathon: Hackathon) -> None:
    if not is_organiser(user, hackathon):
        raise PermissionDenied(_("Seule l’organisation qui anime ce hackathon peut faire cela."))


def is_participant(user, hackathon: Hackathon) -> bool:
    """Registered (and confirmed) to the hackathon's event, under the account or its address."""
    if not user.is_authenticated:
        return False
    return Registration.objects.filter(
        Q(user=user) | Q(email__iexact=user.email), event_id=hackathon.event_id,
        status=RegistrationStatus.CONFIRMED,
    ).exists()


def require_participant(user, hackathon: Hackathon) -> None:
    if not is_participant(user, hackathon):
        raise PermissionDenied(_("Inscrivez-vous d’abord au hackathon pour rejoindre ou créer "
                                 "une équipe."))


def is_team_member(user, team: Team) -> bool:
    return user.is_authenticated and team.memberships.filter(user=user).exists()


def require_team_member(user, team: Team) -> None:
    if not is_team_member(user, team):
        raise PermissionDenied(_("Seuls les membres de l’équipe peuvent faire cela."))


def require_team_lead(user, team: Team) -> None:
    if not (user.is_authenticated and team.memberships.filter(user=user, is_lead=True).exists()):
        raise PermissionDenied(_("Seul le référent de l’équipe peut faire cela."))


def juror_of(user, hackathon: Hackathon) -> Juror | None:
    if not user.is_authenticated:
        return None
    return Juror.objects.filter(hackathon=hackathon, user=user, state=JurorState.ACCEPTED).first()


def require_juror(user, hackathon: Hackathon) -> Juror:
    juror = juror_of(user, hackathon)
    if juror is None:
        raise PermissionDenied(_("Seuls les jurés de ce hackathon peuvent noter les projets."))
    return juror


def is_conflicted(juror: Juror, submission: Submission) -> bool:
    """The juror declared a conflict with the submission's team or with the organisation that
    posed its challenge, or is a member of its team."""
    if juror.user_id and submission.team.memberships.filter(user_id=juror.user_id).exists():
        return True
    return ConflictOfInterest.objects.filter(
        Q(team_id=submission.team_id) | Q(organisation_id=submission.challenge.organisation_id),
        juror=juror,
    ).exists()
