"""Hackathons: challenges with their datasets, teams, submissions and a jury.

A hackathon belongs to one published event of format « hackathon »; the event's organisation
runs it. Its state moves one way: in preparation → open → scoring closed → results published.
"""

import secrets
import uuid

from django.conf import settings
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
    URLValidator,
)
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from semaine.agenda.models import Event
from semaine.organisers.models import Organisation

#: http(s) links only: a ``javascript:``, ``data:`` or ``ftp:`` URL is refused beside the field
http_url = URLValidator(schemes=["http", "https"],
                        message=_("Donnez une adresse web commençant par http:// ou https://."))

#: an SPDX licence identifier (``MIT``, ``Apache-2.0``, ``etalab-2.0``)
spdx_identifier = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9.+-]{0,63}$",
    _("Indiquez un identifiant de licence SPDX (par exemple MIT, Apache-2.0 ou etalab-2.0)."),
)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class HackathonState(models.TextChoices):
    PREPARING = "preparing", _("En préparation")
    OPEN = "open", _("Ouvert")
    SCORING_CLOSED = "scoring_closed", _("Notation close")
    PUBLISHED = "published", _("Résultats publiés")


class Hackathon(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.OneToOneField(Event, on_delete=models.PROTECT, related_name="hackathon")
    state = models.CharField(_("état"), max_length=16, choices=HackathonState.choices,
                             default=HackathonState.PREPARING, db_index=True)
    registration_opens_at = models.DateTimeField(_("ouverture des inscriptions"))
    registration_closes_at = models.DateTimeField(_("clôture des inscriptions"))
    kickoff_at = models.DateTimeField(_("lancement"))
    submission_deadline = models.DateTimeField(_("date limite de dépôt des projets"))
    deadline_extended_until = models.DateTimeField(_("dépôt prolongé jusqu’au"), null=True,
                                                   blank=True)
    pitches_at = models.DateTimeField(_("présentations"))
    results_at = models.DateTimeField(_("annonce des résultats"))
    rules = models.TextField(_("règlement (Markdown)"), blank=True)
    code_of_conduct = models.TextField(_("code de conduite (Markdown)"), blank=True)
    prizes = models.TextField(_("prix (Markdown)"), blank=True)
    team_min = models.PositiveSmallIntegerField(
        _("taille minimale d’une équipe"), default=1, validators=[MinValueValidator(1)])
    team_max = models.PositiveSmallIntegerField(
        _("taille maximale d’une équipe"), default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)])
    open_licence_required = models.BooleanField(_("licence ouverte obligatoire"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    scoring_closed_at = models.DateTimeField(null=True, blank=True)
    results_published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("hackathon")
        verbose_name_plural = _("hackathons")
        constraints = [
            models.CheckConstraint(
                condition=Q(team_max__gte=models.F("team_min")), name="hackathon_team_size_ordered",
                violation_error_code="team_size",
                violation_error_message=_("La taille maximale doit être au moins la taille "
                                          "minimale.")),
        ]

    def __str__(self):
        return self.event.title

    def get_absolute_url(self):
        return reverse("hackathons:hackathon", kwargs={"public_id": self.public_id})

    @property
    def effective_deadline(self):
        return max(filter(None, (self.submission_deadline, self.deadline_extended_until)))


class Challenge(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    hackathon = models.ForeignKey(Hackathon, on_delete=models.CASCADE, related_name="challenges")
    organisation = models.ForeignKey(Organisation, verbose_name=_("posé par"),
                                     on_delete=models.PROTECT, related_name="challenges")
    title = models.CharField(_("titre"), max_length=200)
    problem = models.TextField(_("le problème (Markdown)"))
    serves = models.TextField(_("à qui il servira"))
    expected_outcome = models.TextField(_("résultat attendu"))
    contact_name = models.CharField(_("contact"), max_length=200)
    contact_email = models.EmailField(_("adresse du contact"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("défi")
        verbose_name_plural = _("défis")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("hackathons:challenge", kwargs={"public_id": self.public_id})


class Dataset(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="datasets")
    title = models.CharField(_("titre"), max_length=200)
    url = models.URLField(_("adresse"), blank=True, validators=[http_url], max_length=500)
    format = models.CharField(_("format"), max_length=40, blank=True)
    licence = models.CharField(_("licence"), max_length=64, validators=[spdx_identifier])
    producer = models.CharField(_("producteur"), max_length=200)
    file = models.FileField(_("fichier"), upload_to="hackathons/datasets/%Y/", blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("jeu de données")
        verbose_name_plural = _("jeux de données")
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(file=""), name="dataset_has_link_or_file",
                violation_error_message=_("Donnez l’adresse du jeu de données ou déposez un "
                                          "fichier.")),
        ]

    def __str__(self):
        return self.title


class ParticipantProfile(models.Model):
    """What a registered participant brings and wants to work on; shown to the hackathon's
    other participants (first name only) while they look for a team."""

    hackathon = models.ForeignKey(Hackathon, on_delete=models.CASCADE, related_name="profiles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="hackathon_profiles")
    skills = models.CharField(_("mes compétences"), max_length=300)
    wishes = models.CharField(_("ce sur quoi je veux travailler"), max_length=300, blank=True)
    looking_for_team = models.BooleanField(_("je cherche une équipe"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["updated_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["hackathon", "user"], name="one_profile_per_hackathon"),
        ]

    def __str__(self):
        return f"{self.user} · {self.hackathon}"


class TeamState(models.TextChoices):
    ACTIVE = "active", _("Active")
    DISSOLVED = "dissolved", _("Dissoute")


class Team(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    hackathon = models.ForeignKey(Hackathon, on_delete=models.CASCADE, related_name="teams")
    challenge = models.ForeignKey(Challenge, verbose_name=_("défi"), on_delete=models.PROTECT,
                                  related_name="teams")
    name = models.CharField(_("nom de l’équipe"), max_length=120)
    skills_sought = models.CharField(_("compétences recherchées"), max_length=300, blank=True)
    state = models.CharField(max_length=10, choices=TeamState.choices, default=TeamState.ACTIVE,
                             db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    dissolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("équipe")
        verbose_name_plural = _("équipes")
        constraints = [
            models.UniqueConstraint(fields=["hackathon", "name"],
                                    condition=Q(state=TeamState.ACTIVE),
                                    name="one_active_team_name_per_hackathon"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("hackathons:team", kwargs={"public_id": self.public_id})


class TeamMembership(models.Model):
    """One participant in one team; one team per participant and hackathon (the constraint)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    hackathon = models.ForeignKey(Hackathon, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="team_memberships")
    is_lead = models.BooleanField(_("référent de l’équipe"), default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["hackathon", "user"],
                                    name="one_team_per_participant_per_hackathon"),
        ]

    def __str__(self):
        return f"{self.user} · {self.team}"


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    ACCEPTED = "accepted", _("Acceptée")
    REFUSED = "refused", _("Refusée")
    WITHDRAWN = "withdrawn", _("Retirée")


class JoinRequest(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="team_join_requests")
    message = models.CharField(_("message"), max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=JoinRequestStatus.choices,
                              default=JoinRequestStatus.PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"],
                                    condition=Q(status=JoinRequestStatus.PENDING),
                                    name="one_pending_join_request_per_team"),
        ]

    def __str__(self):
        return f"{self.user} → {self.team}"


class Submission(models.Model):
    """A team's project: its current values; every save also keeps a ``SubmissionVersion``."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.OneToOneField(Team, on_delete=models.PROTECT, related_name="submission")
    hackathon = models.ForeignKey(Hackathon, on_delete=models.CASCADE, related_name="submissions")
    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="submissions")
    title = models.CharField(_("titre"), max_length=200)
    summary = models.CharField(_("résumé"), max_length=300)
    description = models.TextField(_("description (Markdown)"), blank=True)
    repository_url = models.URLField(_("dépôt du code"), blank=True, validators=[http_url],
                                     max_length=500)
    demo_url = models.URLField(_("démonstration"), blank=True, validators=[http_url],
                               max_length=500)
    video_url = models.URLField(_("vidéo"), blank=True, validators=[http_url], max_length=500)
    licence = models.CharField(_("licence (identifiant SPDX)"), max_length=64,
                               validators=[spdx_identifier])
    datasets = models.ManyToManyField(Dataset, verbose_name=_("jeux de données utilisés"),
                                      blank=True, related_name="submissions")
    prize = models.CharField(_("prix"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("projet")
        verbose_name_plural = _("projets")

    def __str__(self):
        return self.title


class SubmissionVersion(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    values = models.JSONField()
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 related_name="+")
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="one_version_number"),
        ]

    def __str__(self):
        return f"{self.submission} v{self.number}"


class JurorState(models.TextChoices):
    INVITED = "invited", _("Invité")
    ACCEPTED = "accepted", _("A accepté")


class Juror(models.Model):
    hackathon = models.ForeignKey(Hackathon, on_delete=models.CASCADE, related_name="jurors")
    email = models.EmailField(_("adresse électronique"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="juries")
    #: how the published sheets name the juror (« J1 », « J2 »…): never a name
    pseudonym = models.CharField(max_length=10)
    state = models.CharField(max_length=10, choices=JurorState.choices,
                             default=JurorState.INVITED)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    invited_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pseudonym"]
        verbose_name = _("juré")
        verbose_name_plural = _("jurés")
        constraints = [
            models.UniqueConstraint(fields=["hackathon", "email"], name="one_juror_per_address"),
            models.UniqueConstraint(fields=["hackathon", "pseudonym"], name="one_juror_pseudonym"),
        ]

    def __str__(self):
        return self.pseudonym


class Criterion(models.Model):
    hackathon = models.ForeignKey(Hackathon, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("critère"), max_length=100)
    description = models.CharField(_("ce qui est évalué"), max_length=300, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("poids"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)])
    scale_max = models.PositiveSmallIntegerField(
        _("note maximale"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("critère")
        verbose_name_plural = _("critères")
        constraints = [
            models.UniqueConstraint(fields=["hackathon", "name"], name="one_criterion_name"),
        ]

    def __str__(self):
        return self.name


class ConflictOfInterest(models.Model):
    """A juror never scores a team, nor the challenges of an organisation, they declared."""

    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="conflicts")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="+")
    reason = models.CharField(_("raison"), max_length=300, blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(team__isnull=False) & Q(organisation__isnull=True))
                | (Q(team__isnull=True) & Q(organisation__isnull=False)),
                name="conflict_with_a_team_or_an_organisation"),
        ]

    def __str__(self):
        return f"{self.juror} ≠ {self.team or self.organisation}"


class ScoreSheet(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="sheets")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="sheets")
    comment = models.TextField(_("commentaire"), blank=True)
    #: the salted commitment recorded in the ledger when scoring closed
    commitment = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["juror", "submission"], name="one_sheet_per_juror"),
        ]

    def __str__(self):
        return f"{self.juror} · {self.submission}"


class Score(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField(_("note"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="one_score_per_criterion"),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"
