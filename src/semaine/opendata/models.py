"""What the open data keep of their own: the tombstones of events that left public view (so that
a client keeping a copy can remove them). The OpenAgenda imports live in
``semaine.interop.models``, the API tokens in ``semaine.api.models``."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from semaine.agenda.models import Edition


class RemovalReason(models.TextChoices):
    UNPUBLISHED = "unpublished", _("Retiré de la publication")
    DELETED = "deleted", _("Supprimé")


class EventRemoval(models.Model):
    """A tombstone: a published event left public view (unpublished or deleted) at this time.

    Kept while the event stays out of view; removed if it is published again (it then shows
    among the changed events)."""

    public_id = models.UUIDField(unique=True)
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=12, choices=RemovalReason.choices)
    removed_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["removed_at", "pk"]
        verbose_name = _("événement retiré")
        verbose_name_plural = _("événements retirés")

    def __str__(self):
        return f"{self.public_id} ({self.get_reason_display()})"
