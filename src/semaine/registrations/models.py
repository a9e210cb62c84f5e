"""Registrations to the slots of events: seats, waiting list, offers, check-in."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from semaine.agenda.models import Event, Slot


def new_token() -> str:
    return secrets.token_urlsafe(24)


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("En attente de confirmation de l’adresse")
    CONFIRMED = "confirmed", _("Inscrit")
    WAITLISTED = "waitlisted", _("Sur liste d’attente")
    OFFERED = "offered", _("Place proposée")
    CANCELLED = "cancelled", _("Annulée")
    EXPIRED = "expired", _("Proposition expirée")


#: The statuses that hold a seat (an offer holds it until it is taken or expires).
HOLDS_SEAT = (RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED)
#: The statuses of a registration still alive (one per person and slot).
ACTIVE = (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED,
          RegistrationStatus.OFFERED)


class AccessNeed(models.TextChoices):
    SIGN_LANGUAGE = "sign_language", _("Interprétation en langue des signes")
    CAPTIONING = "captioning", _("Sous-titrage ou vélotypie")
    WHEELCHAIR = "wheelchair", _("Accès en fauteuil roulant")
    OTHER = "other", _("Autre besoin")


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="registrations",
    )
    email = models.EmailField(_("adresse électronique"), db_index=True)
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    status = models.CharField(max_length=12, choices=RegistrationStatus.choices, db_index=True)
    any_slot = models.BooleanField(
        _("n’importe quel créneau de l’événement"), default=False,
        help_text=_("Sur liste d’attente : accepter une place sur un autre créneau."),
    )
    access_needs = models.JSONField(_("besoins d’accessibilité"), default=list, blank=True)
    answers = models.JSONField(_("réponses aux questions"), default=dict, blank=True)
    access_other = models.CharField(_("autre besoin"), max_length=300, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "email"], condition=Q(status__in=ACTIVE),
                name="one_active_registration_per_person_and_slot",
            )
        ]
        indexes = [models.Index(fields=["slot", "status", "created_at"], name="registration_queue")]

    def __str__(self):
        return f"{self.first_name} {self.last_name} · {self.slot}"

    @property
    def holds_seat(self) -> bool:
        return self.status in HOLDS_SEAT

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Texte libre")
    CHOICE = "choice", _("Choix dans une liste")
    CHECKBOX = "checkbox", _("Case à cocher")


class Question(models.Model):
    """A question the organiser asks everyone who registers to one event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("question"), max_length=200)
    kind = models.CharField(_("type de réponse"), max_length=10, choices=QuestionKind.choices,
                            default=QuestionKind.TEXT)
    choices = models.TextField(_("choix possibles"), blank=True,
                               help_text=_("Un choix par ligne (pour « Choix dans une liste »)."))
    required = models.BooleanField(_("réponse obligatoire"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]
