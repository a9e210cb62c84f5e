"""Every write on hackathons: each use case a transaction that checks who acts, records what is
public in the ledger and tells by e-mail whoever must act next.

Team places are counted under a row lock on the team (``SELECT … FOR UPDATE``): two members
accepting two requests for the last place at once give one member more, never two. One team per
participant and hackathon holds by a unique constraint as well as by the check before it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from semaine.accounts import outbox
from semaine.accounts.models import EmailKind
from semaine.accounts.notifications import absolute, notify, render
from semaine.agenda.models import PARIS, EventState
from semaine.core.cache import content_changed
from semaine.organisers.models import Organisation
from semaine.organisers.permissions import is_member

from . import ledger
from .files import check_upload
from .licences import is_open
from .models import (
    Challenge,
    ConflictOfInterest,
    Criterion,
    Dataset,
    Hackathon,
    HackathonState,
    JoinRequest,
    JoinRequestStatus,
    Juror,
    JurorState,
    ParticipantProfile,
    Score,
    ScoreSheet,
    Submission,
    SubmissionVersion,
    Team,
    TeamMembership,
    TeamState,
)
from .permissions import (
    is_conflicted,
    is_organiser,
    require_juror,
    require_organiser,
    require_participant,
    require_team_lead,
    require_team_member,
)

HACKATHON_FORMAT = "hackathon"

SCHEDULE_FIELDS = ("registration_opens_at", "registration_closes_at", "kickoff_at",
                   "submission_deadline", "pitches_at", "results_at")
SETUP_FIELDS = (*SCHEDULE_FIELDS, "rules", "code_of_conduct", "prizes", "team_min", "team_max",
                "open_licence_required")
SUBMISSION_FIELDS = ("title", "summary", "description", "repository_url", "demo_url",
                     "video_url", "licence")


def _full_clean(obj, exclude=None) -> None:
    obj.full_clean(exclude=exclude)


def _paris(moment) -> str:
    return timezone.localtime(moment, PARIS).strftime("%d/%m/%Y à %H:%M")


# --- setting up --------------------------------------------------------------------------------


def _check_schedule(values: dict) -> None:
    order = [(f, values.get(f)) for f in SCHEDULE_FIELDS]
    if any(v is None for _f, v in order):
        return  # the model's full_clean names the missing field
    for (_first, a), (second, b) in zip(order, order[1:], strict=False):
        if b < a:
            raise ValidationError({second: _("Cette date doit suivre la précédente du calendrier.")})


@transaction.atomic
def set_up_hackathon(user, event, **values) -> Hackathon:
    """Create (or change) the hackathon of ``event``: a published event of format hackathon,
    run by the user's organisation."""
    if not is_organiser_of_event(user, event):
        raise PermissionDenied(_("Seule l’organisation de l’événement peut y créer un hackathon."))
    if event.state != EventState.PUBLISHED:
        raise ValidationError(_("Publiez d’abord l’événement : un hackathon appartient à un "
                                "événement publié."))
    if not event.formats.filter(slug=HACKATHON_FORMAT).exists():
        raise ValidationError(_("Cet événement n’a pas le format « hackathon »."))
    hackathon = Hackathon.objects.select_for_update().filter(event=event).first()
    if hackathon is None:
        hackathon = Hackathon(event=event)
    elif hackathon.state in (HackathonState.SCORING_CLOSED, HackathonState.PUBLISHED):
        raise ValidationError(_("La notation est close : le hackathon ne peut plus être modifié."))
    unknown = set(values) - set(SETUP_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for field, value in values.items():
        setattr(hackathon, field, value)
    _check_schedule({f: getattr(hackathon, f, None) for f in SCHEDULE_FIELDS})
    if hackathon.team_min and hackathon.team_max and hackathon.team_max < hackathon.team_min:
        raise ValidationError({"team_max": _("La taille maximale doit être au moins la taille "
                                             "minimale.")})
    _full_clean(hackathon, exclude=["event"])
    hackathon.save()
    content_changed()
    return hackathon


def is_organiser_of_event(user, event) -> bool:
    return is_member(user, event.organisation)


@transaction.atomic
def open_hackathon(user, hackathon: Hackathon) -> Hackathon:
    """Show the hackathon to everyone: teams may form once it is open."""
    require_organiser(user, hackathon)
    hackathon = Hackathon.objects.select_for_update().get(pk=hackathon.pk)
    if hackathon.state != HackathonState.PREPARING:
        raise ValidationError(_("Ce hackathon est déjà ouvert."))
    if not hackathon.challenges.exists():
        raise ValidationError(_("Ajoutez au moins un défi avant d’ouvrir le hackathon."))
    hackathon.state = HackathonState.OPEN
    hackathon.save(update_fields=["state"])
    content_changed()
    return hackathon


@transaction.atomic
def extend_deadline(user, hackathon: Hackathon, until) -> Hackathon:
    require_organiser(user, hackathon)
    hackathon = Hackathon.objects.select_for_update().get(pk=hackathon.pk)
    if hackathon.state != HackathonState.OPEN:
        raise ValidationError(_("Le dépôt ne peut être prolongé que tant que la notation est "
                                "ouverte."))
    if until <= hackathon.submission_deadline:
        raise ValidationError({"deadline_extended_until": _(
            "La prolongation doit finir après la date limite de dépôt.")})
    hackathon.deadline_extended_until = until
    hackathon.save(update_fields=["deadline_extended_until"])
    content_changed()
    return hackathon


@transaction.atomic
def add_challenge(user, hackathon: Hackathon, *, organisation: Organisation, **values) -> Challenge:
    """A challenge posed by the running organisation or a partner organisation (the organiser
    enters it)."""
    require_organiser(user, hackathon)
    hackathon = Hackathon.objects.get(pk=hackathon.pk)
    if hackathon.state not in (HackathonState.PREPARING, HackathonState.OPEN):
        raise ValidationError(_("La notation est close : on ne peut plus ajouter de défi."))
    challenge = Challenge(hackathon=hackathon, organisation=organisation,
                          position=hackathon.challenges.count(), **values)
    _full_clean(challenge)
    challenge.save()
    content_changed()
    return challenge


@transaction.atomic
def add_dataset(user, challenge: Challenge, *, upload=None, **values) -> Dataset:
    """A link (http/https) or an uploaded file (checked by its content) for a challenge."""
    hackathon = challenge.hackathon
    if not is_organiser(user, hackathon) and not is_member(user, challenge.organisation):
        raise PermissionDenied(_("Seules l’organisation du hackathon et celle qui pose le "
                                     "défi peuvent y ajouter des données."))
    dataset = Dataset(challenge=challenge, **values)
    if upload is not None:
        detected = check_upload(upload)
        dataset.format = dataset.format or detected
        dataset.file_size = upload.size
        dataset.file.save(upload.name, upload, save=False)
    elif not dataset.url:
        raise ValidationError({"url": _("Donnez l’adresse du jeu de données ou déposez un "
                                        "fichier.")})
    _full_clean(dataset, exclude=["file"])
    dataset.save()
    content_changed()
    return dataset


# --- participants --------------------------------------------------------------------------


@transaction.atomic
def save_profile(user, hackathon: Hackathon, *, skills: str, wishes: str = "",
                 looking_for_team: bool = True) -> ParticipantProfile:
    """A registered participant says what they bring and want to work on."""
    require_participant(user, hackathon)
    profile = ParticipantProfile.objects.filter(hackathon=hackathon, user=user).first() or \
        ParticipantProfile(hackathon=hackathon, user=user)
    profile.skills, profile.wishes = skills.strip(), wishes.strip()
    profile.looking_for_team = looking_for_team
    _full_clean(profile, exclude=["hackathon", "user"])
    profile.save()
    return profile


# --- teams -------------------------------------------------------------------------------------


def _require_forming(hackathon: Hackathon) -> None:
    if hackathon.state != HackathonState.OPEN:
        raise ValidationError(_("Les équipes ne se forment que tant que le hackathon est "
                                "ouvert."))
    if timezone.now() >= hackathon.effective_deadline:
        raise ValidationError(_("La date limite de dépôt est passée : les équipes ne changent "
                                "plus."))


def _require_free(user, hackathon: Hackathon) -> None:
    if TeamMembership.objects.filter(hackathon=hackathon, user=user).exists():
        raise ValidationError(_("Vous faites déjà partie d’une équipe de ce hackathon : "
                                "quittez-la d’abord."))


def _team_link(team: Team) -> str:
    return absolute(reverse("hackathons:team", kwargs={"public_id": team.public_id}))


@transaction.atomic
def create_team(user, challenge: Challenge, *, name: str, skills_sought: str = "") -> Team:
    hackathon = Hackathon.objects.select_related("event").get(pk=challenge.hackathon_id)
    require_participant(user, hackathon)
    _require_forming(hackathon)
    _require_free(user, hackathon)
    team = Team(hackathon=hackathon, challenge=challenge, name=name.strip(),
                skills_sought=skills_sought.strip())
    _full_clean(team)
    if Team.objects.filter(hackathon=hackathon, name__iexact=team.name,
                           state=TeamState.ACTIVE).exists():
        raise ValidationError({"name": _("Une équipe porte déjà ce nom dans ce hackathon.")})
    try:
        with transaction.atomic():
            team.save()
            TeamMembership.objects.create(team=team, hackathon=hackathon, user=user, is_lead=True)
    except IntegrityError as error:
        raise ValidationError(_("Vous faites déjà partie d’une équipe de ce hackathon.")) from error
    return team


def _lock_team(team: Team) -> Team:
    return Team.objects.select_for_update(of=("self",)).select_related("hackathon").get(pk=team.pk)


@transaction.atomic
def request_to_join(user, team: Team, message: str = "") -> JoinRequest:
    """Ask to join a team; its members are told by e-mail."""
    team = _lock_team(team)
    hackathon = team.hackathon
    require_participant(user, hackathon)
    _require_forming(hackathon)
    if team.state != TeamState.ACTIVE:
        raise ValidationError(_("Cette équipe a été dissoute."))
    _require_free(user, hackathon)
    if team.memberships.count() >= hackathon.team_max:
        raise ValidationError(_("Cette équipe est complète."))
    if team.join_requests.filter(user=user, status=JoinRequestStatus.PENDING).exists():
        raise ValidationError(_("Vous avez déjà demandé à rejoindre cette équipe."))
    request = JoinRequest.objects.create(team=team, user=user, message=message.strip()[:500])
    text = render("hackathons/email/join_requested.txt", {
        "team": team, "person": user.get_full_name() or user.email, "message": request.message,
        "link": _team_link(team)})
    notify([m.user for m in team.memberships.select_related("user")],
           subject=_("Demande pour rejoindre l’équipe « %(team)s »") % {"team": team.name},
           text=text, actor=user)
    return request


@transaction.atomic
def decide_join_request(user, request: JoinRequest, *, accept: bool) -> JoinRequest:
    """A member accepts or refuses; the person who asked is told. Accepting counts the places
    under the team's lock: the last place goes to one request only."""
    team = _lock_team(request.team)
    require_team_member(user, team)
    request = JoinRequest.objects.select_for_update().select_related("user").get(pk=request.pk)
    if request.status != JoinRequestStatus.PENDING:
        raise ValidationError(_("Cette demande a déjà reçu une réponse."))
    if accept:
        _require_forming(team.hackathon)
        if team.state != TeamState.ACTIVE:
            raise ValidationError(_("Cette équipe a été dissoute."))
        if team.memberships.count() >= team.hackathon.team_max:
            raise ValidationError(_("L’équipe est complète : cette demande ne peut plus être "
                                    "acceptée."))
        if TeamMembership.objects.filter(hackathon=team.hackathon, user=request.user).exists():
            raise ValidationError(_("Cette personne a rejoint une autre équipe entre-temps."))
        try:
            with transaction.atomic():
                TeamMembership.objects.create(team=team, hackathon=team.hackathon,
                                              user=request.user)
        except IntegrityError as error:
            raise ValidationError(_("Cette personne a rejoint une autre équipe entre-temps.")) \
                from error
    request.status = JoinRequestStatus.ACCEPTED if accept else JoinRequestStatus.REFUSED
    request.decided_at, request.decided_by = timezone.now(), user
    request.save(update_fields=["status", "decided_at", "decided_by"])
    text = render("hackathons/email/join_decided.txt",
                  {"team": team, "accepted": accept, "link": _team_link(team)})
    subject = (_("Vous avez rejoint l’équipe « %(team)s »") if accept
               else _("Votre demande pour l’équipe « %(team)s » n’est pas retenue"))
    notify([request.user], subject=subject % {"team": team.name}, text=text, actor=user)
    return request


@transaction.atomic
def leave_team(user, team: Team) -> None:
    """Leave a team. The lead hands over first unless they are the last member (the team is then
    dissolved, if it has not submitted)."""
    team = _lock_team(team)
    require_team_member(user, team)
    _require_forming(team.hackathon)
    membership = team.memberships.get(user=user)
    others = team.memberships.exclude(pk=membership.pk)
    if membership.is_lead and others.exists():
        raise ValidationError(_("Confiez d’abord l’équipe à un autre membre avant de la quitter."))
    if not others.exists():
        _dissolve(team)
        return
    membership.delete()


@transaction.atomic
def hand_over(user, team: Team, to_user) -> None:
    team = _lock_team(team)
    require_team_lead(user, team)
    target = team.memberships.filter(user=to_user).first()
    if target is None:
        raise ValidationError(_("On ne confie l’équipe qu’à l’un de ses membres."))
    team.memberships.filter(user=user).update(is_lead=False)
    target.is_lead = True
    target.save(update_fields=["is_lead"])


def _dissolve(team: Team) -> None:
    if Submission.objects.filter(team=team).exists():
        raise ValidationError(_("L’équipe a déposé un projet : elle ne peut plus être dissoute."))
    team.memberships.all().delete()
    team.join_requests.filter(status=JoinRequestStatus.PENDING).update(
        status=JoinRequestStatus.WITHDRAWN, decided_at=timezone.now())
    team.state, team.dissolved_at = TeamState.DISSOLVED, timezone.now()
    team.save(update_fields=["state", "dissolved_at"])


@transaction.atomic
def dissolve_team(user, team: Team) -> None:
    team = _lock_team(team)
    require_team_lead(user, team)
    _require_forming(team.hackathon)
    _dissolve(team)


# --- submissions -------------------------------------------------------------------------------


@transaction.atomic
def save_submission(user, team: Team, *, datasets=(), **values) -> Submission:
    """Save the team's project: a new version each time, refused after the deadline (Paris time)
    unless the organiser extended it."""
    team = _lock_team(team)
    require_team_member(user, team)
    hackathon = team.hackathon
    if hackathon.state != HackathonState.OPEN or timezone.now() >= hackathon.effective_deadline:
        raise ValidationError(_("Le dépôt est fermé depuis le %(deadline)s (heure de Paris) : "
                                "votre projet n’a pas été modifié.")
                              % {"deadline": _paris(hackathon.effective_deadline)})
    unknown = set(values) - set(SUBMISSION_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    submission = Submission.objects.filter(team=team).first() or Submission(
        team=team, hackathon=hackathon, challenge=team.challenge)
    for field, value in values.items():
        setattr(submission, field, value.strip() if isinstance(value, str) else value)
    _full_clean(submission, exclude=["team", "hackathon", "challenge"])
    if hackathon.open_licence_required and not is_open(submission.licence):
        raise ValidationError({"licence": _(
            "Le règlement demande une licence ouverte : « %(licence)s » n’en est pas une "
            "(par exemple MIT, Apache-2.0, EUPL-1.2, etalab-2.0, CC-BY-4.0).")
            % {"licence": submission.licence}})
    datasets = list(datasets)
    if any(d.challenge.hackathon_id != hackathon.pk for d in datasets):
        raise ValidationError({"datasets": _("Choisissez des jeux de données de ce hackathon.")})
    submission.version += 1
    submission.save()
    submission.datasets.set(datasets)
    SubmissionVersion.objects.create(
        submission=submission, number=submission.version, saved_by=user,
        values={**{f: getattr(submission, f) for f in SUBMISSION_FIELDS},
                "datasets": sorted(d.pk for d in datasets)})
    return submission


# --- jury --------------------------------------------------------------------------------------


@transaction.atomic
def invite_juror(user, hackathon: Hackathon, email: str) -> Juror:
    """Invite a juror by e-mail; they accept through the link (with an account at that address)."""
    require_organiser(user, hackathon)
    hackathon = Hackathon.objects.select_for_update().get(pk=hackathon.pk)
    if hackathon.state not in (HackathonState.PREPARING, HackathonState.OPEN):
        raise ValidationError(_("La notation est close : le jury ne change plus."))
    email = email.strip().lower()
    if Juror.objects.filter(hackathon=hackathon, email__iexact=email).exists():
        raise ValidationError({"email": _("Cette personne est déjà invitée dans le jury.")})
    juror = Juror(hackathon=hackathon, email=email,
                  pseudonym=f"J{hackathon.jurors.count() + 1}")
    _full_clean(juror)
    juror.save()
    link = absolute(reverse("hackathons:juror_accept", kwargs={"token": juror.token}))
    body = render("hackathons/email/juror_invited.txt",
                  {"hackathon": hackathon, "event": hackathon.event, "link": link})
    outbox.queue(to=email, subject=_("Invitation au jury de « %(title)s »")
                 % {"title": hackathon.event.title}, kind=EmailKind.INVITATION, body=body,
                 event=hackathon.event_id, organisation=hackathon.event.organisation_id)
    return juror


@transaction.atomic
def accept_jury(user, token: str) -> Juror:
    juror = Juror.objects.select_for_update().filter(token=token).first()
    if juror is None:
        raise ValidationError(_("Ce lien d’invitation n’est pas valable."))
    if not user.is_authenticated or user.email.lower() != juror.email.lower():
        raise PermissionDenied(_("Connectez-vous avec l’adresse à laquelle l’invitation a été "
                                 "envoyée."))
    if juror.state != JurorState.ACCEPTED:
        juror.state, juror.user, juror.accepted_at = JurorState.ACCEPTED, user, timezone.now()
        juror.save(update_fields=["state", "user", "accepted_at"])
    return juror


@transaction.atomic
def add_criterion(user, hackathon: Hackathon, *, name: str, weight: int = 1, scale_max: int = 10,
                  description: str = "") -> Criterion:
    require_organiser(user, hackathon)
    if ScoreSheet.objects.filter(juror__hackathon=hackathon).exists():
        raise ValidationError(_("Les jurés ont commencé à noter : les critères ne changent "
                                "plus."))
    criterion = Criterion(hackathon=hackathon, name=name.strip(), weight=weight,
                          scale_max=scale_max, description=description.strip(),
                          position=hackathon.criteria.count())
    _full_clean(criterion)
    if hackathon.criteria.filter(name__iexact=criterion.name).exists():
        raise ValidationError({"name": _("Ce critère existe déjà.")})
    criterion.save()
    return criterion


@transaction.atomic
def declare_conflict(user, hackathon: Hackathon, *, team: Team | None = None,
                     organisation: Organisation | None = None, reason: str = "") -> ConflictOfInterest:
    juror = require_juror(user, hackathon)
    if (team is None) == (organisation is None):
        raise ValidationError(_("Déclarez un conflit avec une équipe ou avec une organisation."))
    if team is not None and team.hackathon_id != hackathon.pk:
        raise ValidationError(_("Cette équipe n’est pas de ce hackathon."))
    if juror.sheets.filter(submission__team=team).exists() if team else juror.sheets.filter(
            submission__challenge__organisation=organisation).exists():
        # an earlier sheet for it goes: the juror no longer scores it
        ScoreSheet.objects.filter(juror=juror).filter(
            **({"submission__team": team} if team else
               {"submission__challenge__organisation": organisation})).delete()
    return ConflictOfInterest.objects.create(juror=juror, team=team, organisation=organisation,
                                             reason=reason.strip()[:300])


@transaction.atomic
def score(user, submission: Submission, *, values: dict, comment: str = "") -> ScoreSheet:
    """A juror's sheet for one submission: a score per criterion, within its scale. Never for a
    conflicted submission nor the juror's own; never once scoring is closed."""
    hackathon = Hackathon.objects.select_for_update().get(pk=submission.hackathon_id)
    juror = require_juror(user, hackathon)
    if hackathon.state != HackathonState.OPEN:
        raise ValidationError(_("La notation est close."))
    if is_conflicted(juror, submission):
        raise PermissionDenied(_("Vous avez un conflit d’intérêts avec ce projet : vous ne le "
                                 "notez pas."))
    criteria = list(hackathon.criteria.all())
    if not criteria:
        raise ValidationError(_("L’organisation n’a pas encore fixé les critères."))
    errors, clean = {}, {}
    for criterion in criteria:
        raw = values.get(criterion.pk, values.get(str(criterion.pk)))
        try:
            value = int(raw)
        except (TypeError, ValueError):
            errors[f"c_{criterion.pk}"] = _("Donnez une note entière.")
            continue
        if not 0 <= value <= criterion.scale_max:
            errors[f"c_{criterion.pk}"] = _("La note doit être comprise entre 0 et %(max)s.") % {
                "max": criterion.scale_max}
            continue
        clean[criterion] = value
    if errors:
        raise ValidationError(errors)
    sheet, _created = ScoreSheet.objects.get_or_create(juror=juror, submission=submission)
    sheet.comment = comment.strip()[:5000]
    sheet.save(update_fields=["comment", "updated_at"])
    for criterion, value in clean.items():
        Score.objects.update_or_create(sheet=sheet, criterion=criterion,
                                       defaults={"value": value})
    return sheet


@transaction.atomic
def close_scoring(user, hackathon: Hackathon) -> list[ScoreSheet]:
    """Close scoring: each complete sheet is recorded in the ledger as a salted commitment."""
    require_organiser(user, hackathon)
    hackathon = Hackathon.objects.select_for_update().get(pk=hackathon.pk)
    if hackathon.state != HackathonState.OPEN:
        raise ValidationError(_("La notation n’est pas ouverte."))
    if timezone.now() < hackathon.effective_deadline:
        raise ValidationError(_("Le dépôt des projets est encore ouvert : la notation se ferme "
                                "après la date limite."))
    sheets = ledger.complete_sheets(hackathon)
    ledger.record_commitments(hackathon, sheets)
    hackathon.state, hackathon.scoring_closed_at = HackathonState.SCORING_CLOSED, timezone.now()
    hackathon.save(update_fields=["state", "scoring_closed_at"])
    return sheets


@transaction.atomic
def publish_results(user, hackathon: Hackathon, prizes: dict | None = None) -> list:
    """Publish the ranking (and prizes: submission → prize): the published sheets and the
    ranking go into the ledger; every team is told."""
    require_organiser(user, hackathon)
    hackathon = Hackathon.objects.select_for_update().select_related("event").get(pk=hackathon.pk)
    if hackathon.state == HackathonState.PUBLISHED:
        raise ValidationError(_("Les résultats sont déjà publiés."))
    if hackathon.state != HackathonState.SCORING_CLOSED:
        raise ValidationError(_("Fermez d’abord la notation : les résultats ne sont publiés "
                                "qu’une fois tous les jurés passés."))
    for submission in hackathon.submissions.all():
        prize = (prizes or {}).get(submission.pk, "")
        if prize != submission.prize:
            submission.prize = prize.strip()[:200]
            submission.save(update_fields=["prize"])
    ranked = ledger.record_results(hackathon)
    hackathon.state, hackathon.results_published_at = HackathonState.PUBLISHED, timezone.now()
    hackathon.save(update_fields=["state", "results_published_at"])
    content_changed()
    link = absolute(reverse("hackathons:results", kwargs={"public_id": hackathon.public_id}))
    members = [m.user for m in TeamMembership.objects.filter(hackathon=hackathon)
               .select_related("user")]
    notify(members, subject=_("Les résultats de « %(title)s » sont publiés")
           % {"title": hackathon.event.title},
           text=render("hackathons/email/results_published.txt",
                       {"hackathon": hackathon, "event": hackathon.event, "link": link}),
           actor=user)
    return ranked

