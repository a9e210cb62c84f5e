"""Consultations: an approved organisation asks the public a question about one public service;
people propose, support and comment during dated phases, and the organisation answers each
proposal."""

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from semaine.agenda.models import PARIS, Edition, Event
from semaine.organisers.models import Organisation
from semaine.territory.models import Departement

#: longest body of a proposal or a comment, in characters
BODY_MAX = 10_000


class Phase(models.TextChoices):
    INFORMATION = "information", _("Information")
    PROPOSALS = "proposals", _("Propositions")
    SUPPORTS = "supports", _("Soutiens")
    ANALYSIS = "analysis", _("Analyse")
    ANSWERS = "answers", _("Réponses")


#: each phase, in order, with the fields of its first and last day
PHASE_FIELDS = [(phase, f"{phase.value}_starts", f"{phase.value}_ends") for phase in Phase]


class Consultation(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="consultations", verbose_name=_("organisation"))
    edition = models.ForeignKey(Edition, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="consultations", verbose_name=_("édition"))
    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    question = models.CharField(_("question posée"), max_length=300)
    context = models.TextField(_("contexte"), blank=True, max_length=BODY_MAX,
                               help_text=_("Markdown : le service public concerné, les documents utiles."))
    people_concerned = models.CharField(_("personnes concernées"), max_length=300, blank=True)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="consultations", verbose_name=_("département"))
    information_starts = models.DateField(_("début de l’information"))
    information_ends = models.DateField(_("fin de l’information"))
    proposals_starts = models.DateField(_("début des propositions"))
    proposals_ends = models.DateField(_("fin des propositions"))
    supports_starts = models.DateField(_("début des soutiens"))
    supports_ends = models.DateField(_("fin des soutiens"))
    analysis_starts = models.DateField(_("début de l’analyse"))
    analysis_ends = models.DateField(_("fin de l’analyse"))
    answers_starts = models.DateField(_("début des réponses"))
    answers_ends = models.DateField(_("fin des réponses"))
    workshops = models.ManyToManyField(Event, blank=True, related_name="consultations",
                                       verbose_name=_("ateliers liés"))
    proposals_per_person = models.PositiveSmallIntegerField(
        _("propositions par personne"), default=3)
    supports_per_person = models.PositiveSmallIntegerField(
        _("soutiens par personne"), null=True, blank=True,
        help_text=_("Laissez vide pour ne pas limiter."))
    support_threshold = models.PositiveIntegerField(
        _("seuil de soutiens par proposition"), null=True, blank=True,
        help_text=_("Laissez vide pour aucun seuil."))
    threshold_accumulates = models.BooleanField(
        _("continuer à compter au-delà du seuil"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    supports_closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposals_starts", "pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("consultations:detail", kwargs={"slug": self.slug})

    def clean(self):
        previous = None
        for _phase, start, end in PHASE_FIELDS:
            first, last = getattr(self, start), getattr(self, end)
            if first and last and last < first:
                raise ValidationError({end: _("Une phase finit après avoir commencé.")})
            if previous and first and first < previous:
                raise ValidationError({start: _("Les phases se suivent : celle-ci commence avant "
                                                "la fin de la précédente.")})
            previous = last

    def phases(self) -> list[tuple[str, str, date, date]]:
        """(code, label, first day, last day) of each phase, in order."""
        return [(phase.value, phase.label, getattr(self, start), getattr(self, end))
                for phase, start, end in PHASE_FIELDS]

    def phase_at(self, now: datetime | date | None = None) -> str | None:
        """The phase under way on ``now`` (a day in Paris), None before and between phases and
        after the last."""
        now = now or timezone.now()
        day = now.astimezone(PARIS).date() if isinstance(now, datetime) else now
        for code, _label, first, last in self.phases():
            if first <= day <= last:
                return code
        return None

    @property
    def current_phase(self) -> str | None:
        return self.phase_at()


class Category(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE,
                                     related_name="categories")
    name = models.CharField(_("catégorie"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")
        constraints = [models.UniqueConstraint(fields=["consultation", "name"],
                                               name="one_category_name_per_consultation")]

    def __str__(self):
        return self.name


class ProposalState(models.TextChoices):
    PUBLISHED = "published", _("Publiée")
    WITHDRAWN = "withdrawn", _("Retirée")


class Answer(models.TextChoices):
    ACCEPTED = "accepted", _("Retenue")
    STUDYING = "studying", _("À l’étude")
    NOT_RETAINED = "not_retained", _("Non retenue")


class Proposal(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE,
                                     related_name="proposals")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="proposals")
    workshop = models.ForeignKey(Event, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="proposals", verbose_name=_("atelier"))
    title = models.CharField(_("titre"), max_length=150)
    body = models.TextField(_("proposition"), max_length=BODY_MAX)
    category = models.ForeignKey(Category, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="proposals", verbose_name=_("catégorie"))
    commune = models.CharField(_("commune"), max_length=120, blank=True)
    state = models.CharField(max_length=10, choices=ProposalState.choices,
                             default=ProposalState.PUBLISHED, db_index=True)
    supports_count = models.PositiveIntegerField(default=0)
    comments_count = models.PositiveIntegerField(default=0)
    answer = models.CharField(_("réponse"), max_length=12, choices=Answer.choices, blank=True)
    justification = models.TextField(_("justification"), blank=True, max_length=BODY_MAX)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("proposition")
        verbose_name_plural = _("propositions")
        indexes = [models.Index(fields=["consultation", "state", "-supports_count"],
                                name="proposal_by_supports")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("consultations:proposal",
                       kwargs={"slug": self.consultation.slug, "pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.state == ProposalState.PUBLISHED


class Support(models.Model):
    """One person's support of one proposal (never published: only the counts are)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE,
                                     related_name="supports")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             related_name="supports")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("soutien")
        verbose_name_plural = _("soutiens")
        constraints = [models.UniqueConstraint(fields=["proposal", "user"],
                                               name="one_support_per_person_and_proposal")]
        indexes = [models.Index(fields=["consultation", "user"], name="support_by_person")]

    def __str__(self):
        return f"{self.proposal_id} · {self.user_id}"


class Alignment(models.TextChoices):
    FOR = "for", _("Pour")
    AGAINST = "against", _("Contre")
    NEUTRAL = "neutral", _("Neutre")


class Comment(models.Model):
    """A comment on a proposal (or on the consultation when ``proposal`` is empty); a reply has a
    ``parent`` that is not itself a reply. A hidden comment keeps its text for the record."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE,
                                     related_name="comments")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="comments")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="consultation_comments")
    body = models.TextField(_("commentaire"), max_length=BODY_MAX)
    alignment = models.CharField(_("position"), max_length=8, choices=Alignment.choices,
                                 default=Alignment.NEUTRAL)
    created_at = models.DateTimeField(auto_now_add=True)
    reports_count = models.PositiveIntegerField(default=0)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(_("motif"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")

    def __str__(self):
        return self.body[:60]

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Report(models.Model):
    """Someone flagged a comment for the organisation's moderation (once per person)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        constraints = [models.UniqueConstraint(fields=["comment", "user"],
                                               name="one_report_per_person_and_comment")]

    def __str__(self):
        return f"{self.comment_id} · {self.user_id}"
