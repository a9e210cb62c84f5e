"""What the interchange keeps of its own: imports from OpenAgenda (which of our events each source
event became, and each import run with its progress and report).

The tables were created by the open data app and keep their names (``opendata_…``): the models
moved here in the migrations' state only (``0001_openagenda_models`` here, ``0003`` there)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from semaine.agenda.models import Event, Programme, Track
from semaine.organisers.models import Organisation


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échoué")


class OpenAgendaImport(models.Model):
    """One import of an OpenAgenda export file into a programme, run in the background."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="openagenda_imports"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="openagenda_imports"
    )
    track = models.ForeignKey(
        Track, verbose_name=_("parcours par défaut"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )
    #: {keyword: track id}: events with this keyword go to this track.
    track_keywords = models.JSONField(_("parcours par mot-clé"), default=dict, blank=True)
    submit = models.BooleanField(_("soumettre les brouillons importés"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file_name = models.CharField(_("fichier"), max_length=200, blank=True)
    #: The parsed file, kept until the run ends.
    document = models.JSONField(null=True, blank=True, editable=False)
    status = models.CharField(
        _("statut"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    #: One row per source event: uid, title, outcome, message, event id.
    report = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        db_table = "opendata_openagendaimport"  # created by the open data app, kept where it is
        verbose_name = _("import OpenAgenda")
        verbose_name_plural = _("imports OpenAgenda")

    def __str__(self):
        return f"{self.programme} · {self.created_at:%d/%m/%Y %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        return int(100 * self.processed / self.total) if self.total else 0

    def counts(self) -> dict:
        counts = {}
        for row in self.report:
            counts[row["outcome"]] = counts.get(row["outcome"], 0) + 1
        return counts


class OpenAgendaLink(models.Model):
    """The event that a source event (agenda uid, event uid) became in an organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="openagenda_links"
    )
    source_agenda = models.CharField(_("agenda source"), max_length=64, blank=True)
    source_uid = models.CharField(_("événement source"), max_length=64)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="openagenda_links")
    #: What the source event and the import's choices looked like when last applied.
    fingerprint = models.CharField(max_length=64)
    source_updated_at = models.CharField(max_length=40, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "opendata_openagendalink"
        verbose_name = _("correspondance OpenAgenda")
        verbose_name_plural = _("correspondances OpenAgenda")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source_agenda", "source_uid"],
                name="one_event_per_openagenda_source",
            )
        ]

    def __str__(self):
        return f"{self.source_agenda}/{self.source_uid} → {self.event_id}"
