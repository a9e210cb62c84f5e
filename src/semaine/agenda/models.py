"""The programme: editions, organisers' programmes and tracks, events, slots and venues."""

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from semaine.organisers.models import Organisation
from semaine.territory.models import Departement

from . import dates
from .dates import PARIS


def paris_isoformat(moment):
    """``moment`` in ISO 8601 at Paris time (its offset included), None for None."""
    return timezone.localtime(moment, PARIS).isoformat() if moment else None


class ReferenceItem(models.Model):
    """An entry of an editable reference list (themes, formats, audiences)."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Theme(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")


class Format(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("format")
        verbose_name_plural = _("formats")


class Audience(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("public")
        verbose_name_plural = _("publics")


class Edition(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    starts_on = models.DateField(_("premier jour"))
    ends_on = models.DateField(_("dernier jour"))
    theme_of_year = models.CharField(_("thème de l'année"), max_length=200, blank=True)
    description = models.TextField(_("présentation"), blank=True)
    submission_deadline = models.DateTimeField(_("date limite de soumission"))
    submissions_reopened_until = models.DateTimeField(
        _("soumissions rouvertes jusqu'au"), null=True, blank=True
    )
    is_current = models.BooleanField(_("édition en cours"), default=False)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Coordination", related_name="coordinated_editions"
    )

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("édition")
        verbose_name_plural = _("éditions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="edition_dates_ordered"
            ),
            models.UniqueConstraint(
                fields=["is_current"], condition=models.Q(is_current=True),
                name="one_current_edition",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("agenda:edition", kwargs={"edition": self.slug})

    def clean(self):
        errors = {name: dates.out_of_range_message() for name in ("starts_on", "ends_on")
                  if getattr(self, name) and not dates.day_in_range(getattr(self, name))}
        if not errors and self.starts_on and self.ends_on:
            if self.ends_on < self.starts_on:
                errors["ends_on"] = _("Le dernier jour doit suivre le premier.")
            elif (self.ends_on - self.starts_on).days >= dates.MAX_EDITION_DAYS:
                errors["ends_on"] = _("Une édition dure au plus %(days)s jours.") % {
                    "days": dates.MAX_EDITION_DAYS}
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.accepts_submissions()

    def submissions_close_at(self):
        """When submissions close (the later of the deadline and the reopening), for a page."""
        return max(filter(None, (self.submission_deadline, self.submissions_reopened_until)))

    def accepts_submissions(self, at=None) -> bool:
        at = at or timezone.now()
        if at <= self.submission_deadline:
            return True
        return bool(self.submissions_reopened_until and at <= self.submissions_reopened_until)


class Coordination(models.Model):
    """A national coordinator of one edition: moderates its events and approves organisations."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="coordinations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinations"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "user"], name="one_coordination_per_user")
        ]
        verbose_name = _("coordination")
        verbose_name_plural = _("coordinations")

    def __str__(self):
        return f"{self.user} · {self.edition}"


class Programme(models.Model):
    """An organiser's own set of events in one edition, optionally split into tracks."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="programmes")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="programmes"
    )
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(max_length=220)
    description = models.TextField(_("présentation (Markdown)"), blank=True)
    #: archived: no longer offered for new events; its public page stays, marked archived
    archived_at = models.DateTimeField(_("archivé le"), null=True, blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.UniqueConstraint(fields=["edition", "slug"], name="programme_slug_per_edition")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "agenda:programme", kwargs={"edition": self.edition.slug, "slug": self.slug}
        )


class Track(models.Model):
    """A track (parcours) of a programme, e.g. Découvrir, Partager, Comprendre."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="tracks")
    name = models.CharField(_("nom"), max_length=100)
    slug = models.SlugField(max_length=100)
    description = models.TextField(_("présentation (Markdown)"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    #: archived: no longer offered for new events; its section stays, marked archived
    archived_at = models.DateTimeField(_("archivé le"), null=True, blank=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("parcours")
        verbose_name_plural = _("parcours")
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="track_slug_per_programme")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{self.programme.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        """The id of the track's section on its programme's public page."""
        return f"parcours-{self.slug}"


class LocationPrecision(models.TextChoices):
    """Where a venue's position comes from, from the most to the least precise."""

    EXACT = "exact", _("Position fournie avec le lieu")
    MANUAL = "manual", _("Position placée par l’organisateur")
    ADDRESS = "address", _("Position de l’adresse")
    COMMUNE = "commune", _("Centre de la commune")
    DEPARTEMENT = "departement", _("Centre du département")


#: Positions shown as « position approximative »: the centre of the commune or the département.
APPROXIMATE_PRECISIONS = frozenset({LocationPrecision.COMMUNE, LocationPrecision.DEPARTEMENT})


class Venue(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="venues"
    )
    name = models.CharField(_("nom du lieu"), max_length=200)
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.CharField(_("commune"), max_length=120)
    departement = models.ForeignKey(
        Departement, verbose_name=_("département"), on_delete=models.PROTECT,
        related_name="venues",
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    location_precision = models.CharField(
        _("précision de la position"), max_length=12, choices=LocationPrecision.choices, blank=True,
        help_text=_("Vide tant que le lieu n’est pas placé."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("lieu")
        verbose_name_plural = _("lieux")

    def __str__(self):
        return f"{self.name}, {self.commune}"

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def approximate(self) -> bool:
        """Placed at the centre of its commune or département, not at its address."""
        return self.location_precision in APPROXIMATE_PRECISIONS


class EventState(models.TextChoices):
    """Where the event is in moderation."""

    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Soumis à validation")
    PUBLISHED = "published", _("Publié")
    REFUSED = "refused", _("Refusé")


class EventStatus(models.TextChoices):
    """What visitors are told about the event (schema.org EventStatusType)."""

    SCHEDULED = "scheduled", _("Programmé")
    RESCHEDULED = "rescheduled", _("Reprogrammé")
    MOVED_ONLINE = "moved_online", _("Passé en ligne")
    POSTPONED = "postponed", _("Reporté")
    FULL = "full", _("Complet")
    CANCELLED = "cancelled", _("Annulé")


class AttendanceMode(models.TextChoices):
    IN_PERSON = "in_person", _("Sur place")
    ONLINE = "online", _("En ligne")
    MIXED = "mixed", _("Sur place et en ligne")


class RegistrationMode(models.TextChoices):
    NONE = "none", _("Sans inscription")
    PLATFORM = "platform", _("Inscription sur la plateforme")
    EXTERNAL = "external", _("Inscription sur un autre site")


ACCESSIBILITY_FIELDS = (
    ("access_hearing", _("Handicap auditif")),
    ("access_visual", _("Handicap visuel")),
    ("access_motor", _("Handicap moteur")),
    ("access_psychic", _("Handicap psychique")),
    ("access_intellectual", _("Handicap mental")),
    ("access_sign_language", _("Interprétation en langue des signes (LSF)")),
    ("access_captioning", _("Sous-titrage ou vélotypie")),
)

LANGUAGE_CHOICES = [
    ("fr", _("Français")),
    ("en", _("Anglais")),
    ("br", _("Breton")),
    ("de", _("Allemand")),
    ("es", _("Espagnol")),
    ("oc", _("Occitan")),
    ("lsf", _("Langue des signes française")),
]


class Event(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("adresse courte"), max_length=220)
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="events")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisateur"), on_delete=models.PROTECT,
        related_name="events",
    )
    co_organisers = models.ManyToManyField(
        Organisation, verbose_name=_("co-organisateurs"), blank=True,
        related_name="co_organised_events",
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="events",
    )
    track = models.ForeignKey(
        Track, verbose_name=_("parcours"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="events",
    )
    title = models.CharField(_("titre"), max_length=200)
    summary = models.CharField(_("résumé"), max_length=300)
    description = models.TextField(_("description (Markdown)"), blank=True)
    formats = models.ManyToManyField(Format, verbose_name=_("formats"), related_name="events")
    themes = models.ManyToManyField(Theme, verbose_name=_("thèmes"), related_name="events")
    audiences = models.ManyToManyField(
        Audience, verbose_name=_("publics"), related_name="events"
    )
    age_min = models.PositiveSmallIntegerField(
        _("âge minimum"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    age_max = models.PositiveSmallIntegerField(
        _("âge maximum"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    attendance_mode = models.CharField(
        _("participation"), max_length=10, choices=AttendanceMode.choices,
        default=AttendanceMode.IN_PERSON,
    )
    online_url = models.URLField(_("lien de participation en ligne"), blank=True)
    venue = models.ForeignKey(
        Venue, verbose_name=_("lieu"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="events",
    )
    access_hearing = models.BooleanField(_("Handicap auditif"), default=False)
    access_visual = models.BooleanField(_("Handicap visuel"), default=False)
    access_motor = models.BooleanField(_("Handicap moteur"), default=False)
    access_psychic = models.BooleanField(_("Handicap psychique"), default=False)
    access_intellectual = models.BooleanField(_("Handicap mental"), default=False)
    access_sign_language = models.BooleanField(
        _("Interprétation en langue des signes (LSF)"), default=False
    )
    access_captioning = models.BooleanField(_("Sous-titrage ou vélotypie"), default=False)
    languages = models.JSONField(_("langues"), default=list, blank=True)
    image = models.ImageField(_("image"), upload_to="events/%Y/", blank=True)
    image_alt = models.CharField(_("texte alternatif de l'image"), max_length=250, blank=True)
    image_credit = models.CharField(_("crédit de l'image"), max_length=200, blank=True)
    registration_mode = models.CharField(
        _("inscription"), max_length=10, choices=RegistrationMode.choices,
        default=RegistrationMode.NONE,
    )
    registration_url = models.URLField(_("lien d'inscription"), blank=True)
    capacity = models.PositiveIntegerField(
        _("nombre de places"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    registration_per_slot = models.BooleanField(
        _("inscription par créneau"), default=True,
        help_text=_("Décochez pour une inscription à l’événement entier (tous ses créneaux)."),
    )
    offer_hours = models.PositiveSmallIntegerField(
        _("délai pour accepter une place libérée (heures)"), default=48,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
    )
    state = models.CharField(
        _("état"), max_length=10, choices=EventState.choices, default=EventState.DRAFT,
        db_index=True,
    )
    status = models.CharField(
        _("statut"), max_length=15, choices=EventStatus.choices, default=EventStatus.SCHEDULED
    )
    is_illustrative = models.BooleanField(
        _("détails illustratifs"), default=False,
        help_text=_("Horaires et lieux choisis pour la démonstration."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    first_starts_at = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)
    last_ends_at = models.DateTimeField(null=True, blank=True, editable=False)
    #: Raised on every change visitors can see (the SEQUENCE of the calendar feeds).
    revision = models.PositiveIntegerField(default=0, editable=False)
    #: French full-text index (PostgreSQL only), kept up to date by ``search.refresh_search_vector``.
    search_vector = SearchVectorField(null=True, editable=False)
    #: What the agenda's filters look up, as keys of a JSON object (GIN-indexed on PostgreSQL):
    #: ``theme:<id>``, ``format:<id>``, ``audience:<id>``, ``day:<YYYY-MM-DD>`` for every Paris
    #: day that a slot covers, ``weekday:<1-7>`` (Monday = 1) of every slot's start,
    #: ``departement:<id>`` and ``region:<id>`` of the venue. Derived; kept up to date by
    #: ``search.refresh_facets`` (signals on the event, its slots, relations and venue).
    facets = models.JSONField(default=dict, editable=False)

    class Meta:
        ordering = ["first_starts_at", "title"]
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        indexes = [
            models.Index(fields=["edition", "state", "first_starts_at"], name="event_listing"),
            models.Index(fields=["organisation", "state"], name="event_by_org_state"),
            # the API's synchronisation: an edition's published events changed since, by change
            models.Index(fields=["edition", "state", "updated_at", "id"], name="event_sync"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(age_min__isnull=True)
                | models.Q(age_max__isnull=True)
                | models.Q(age_max__gte=models.F("age_min")),
                name="event_age_range_ordered",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "agenda:event",
            kwargs={"edition": self.edition.slug, "public_id": self.public_id, "slug": self.slug},
        )

    @property
    def is_published(self) -> bool:
        return self.state == EventState.PUBLISHED

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @cached_property
    def open_return(self):
        """The coordinators' return for correction the organiser still has to answer: the last
        moderation step of a draft, until it is submitted again (None otherwise)."""
        if self.state != EventState.DRAFT:
            return None
        last = (self.history.filter(action__in=(HistoryAction.SUBMITTED, HistoryAction.RETURNED))
                .order_by("-created_at", "-id").first())
        return last if last is not None and last.action == HistoryAction.RETURNED else None

    @property
    def takes_registrations(self) -> bool:
        """Published, neither cancelled nor postponed, with registration (here or elsewhere)."""
        return (self.registration_mode != RegistrationMode.NONE and self.is_published
                and self.status not in (EventStatus.CANCELLED, EventStatus.POSTPONED))

    def registration_slots(self, now=None) -> list:
        """The slots one may still register to, in order: registration to a slot closes when
        it starts (``registrations.services``), and to an event registered as a whole when its
        first slot starts; a cancelled slot takes none. Empty when the event takes none.
        Reads ``self.slots.all()`` (prefetch it)."""
        if not self.takes_registrations:
            return []
        now = now or timezone.now()
        slots = sorted(self.slots.all(), key=lambda slot: slot.starts_at)
        if not self.registration_per_slot:
            slots = slots[:1]
        return [slot for slot in slots if slot.starts_at > now and slot.cancelled_at is None]

    @property
    def shows_venue(self) -> bool:
        """Its venue is where it happens (an online event's venue, if any, is not shown)."""
        return self.venue_id is not None and self.attendance_mode != AttendanceMode.ONLINE

    @property
    def accessibility(self) -> list[str]:
        return [str(label) for field, label in ACCESSIBILITY_FIELDS if getattr(self, field)]

    @property
    def language_labels(self) -> list[str]:
        labels = dict(LANGUAGE_CHOICES)
        return [str(labels.get(code, code)) for code in self.languages]

    def refresh_span(self) -> None:
        """Keep the denormalised first start and last end in step with the slots."""
        bounds = self.slots.aggregate(first=models.Min("starts_at"), last=models.Max("ends_at"))
        Event.objects.filter(pk=self.pk).update(
            first_starts_at=bounds["first"], last_ends_at=bounds["last"]
        )
        self.first_starts_at, self.last_ends_at = bounds["first"], bounds["last"]


class Slot(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    capacity = models.PositiveIntegerField(
        _("places pour ce créneau"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    #: when the public ledger recorded the counts of its closed registration (once per slot)
    closing_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="slot_span")]
        verbose_name = _("créneau")
        verbose_name_plural = _("créneaux")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"
            ),
            # the rule of ``dates.slot_errors`` (with a day's slack), for whatever bypasses it
            models.CheckConstraint(
                condition=models.Q(starts_at__gte=dates.STORED_EARLIEST,
                                   ends_at__lt=dates.STORED_LATEST),
                name="slot_within_supported_years",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    ends_at__lte=models.F("starts_at") + dates.STORED_MAX_LENGTH),
                name="slot_length_bounded",
            ),
        ]

    def __str__(self):
        start = timezone.localtime(self.starts_at, PARIS)
        return f"{self.event} · {start:%d/%m/%Y %H:%M}"

    def clean(self):
        """The slot's dates follow ``dates.slot_errors`` (years, length, edition's window)."""
        edition = self.event.edition if self.event_id else None
        errors = dates.slot_errors(self.starts_at, self.ends_at, edition)
        if errors:
            raise ValidationError(errors)


class HistoryAction(models.TextChoices):
    CREATED = "created", _("Création")
    CHANGED = "changed", _("Modification")
    DUPLICATED = "duplicated", _("Copie")
    SUBMITTED = "submitted", _("Soumission")
    PUBLISHED = "published", _("Publication")
    RETURNED = "returned", _("Renvoi pour correction")
    REFUSED = "refused", _("Refus")
    CANCELLED = "cancelled", _("Annulation")
    STATUS = "status", _("Changement de statut")


class EventHistory(models.Model):
    """Who did what to an event, when and why."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(max_length=12, choices=HistoryAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    acting_as = models.CharField(_("au titre de"), max_length=200, blank=True)
    from_state = models.CharField(max_length=10, choices=EventState.choices, blank=True)
    to_state = models.CharField(max_length=10, choices=EventState.choices, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("historique")
        verbose_name_plural = _("historiques")

    def __str__(self):
        return f"{self.event} · {self.get_action_display()}"
