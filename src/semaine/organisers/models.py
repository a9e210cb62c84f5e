"""Organisations (the public bodies that publish events), the people who act for them, the
invitations their admins send and the requests to join them."""

import re
import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from semaine.territory.models import Departement, Region

from . import names


def _in_french() -> bool:
    return (get_language() or "fr").startswith("fr")


#: the small words left out when names are compared
ARTICLES = frozenset({"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les"})


def name_key(name: str) -> str:
    """``name`` as organisations' names are compared, without case, accents, punctuation or
    articles: « Département de la Loire-Atlantique » → « departement loire atlantique »."""
    text = name.lower().replace("œ", "oe").replace("æ", "ae")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(word for word in re.findall(r"[a-z0-9]+", text) if word not in ARTICLES)


class OrganisationKind(models.TextChoices):
    STATE = "state", _("Ministère ou service de l'État")
    PREFECTURE = "prefecture", _("Préfecture")
    REGION = "region", _("Région")
    DEPARTEMENT = "departement", _("Département")
    MUNICIPALITY = "municipality", _("Commune, intercommunalité ou métropole")
    HOSPITAL = "hospital", _("Établissement hospitalier")
    INNOVATION_LAB = "lab", _("Laboratoire d'innovation")
    SCHOOL = "school", _("École")
    ASSOCIATION = "association", _("Association")


class OrganisationArticle(models.TextChoices):
    AUTO = "", _("Déduit du nom")
    LE = names.LE, "le"
    LA = names.LA, "la"
    L = names.L, "l’"
    LES = names.LES, "les"
    NONE = names.NONE, _("Aucun (nom propre)")


class OrganisationStatus(models.TextChoices):
    PENDING = "pending", _("En attente de validation")
    APPROVED = "approved", _("Validée")
    REJECTED = "rejected", _("Refusée")


class Organisation(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    article = models.CharField(
        _("article"), max_length=3, choices=OrganisationArticle.choices, blank=True, default="",
        db_default="",
        help_text=_("Comment le nom s’écrit dans une phrase : « le Département de la Gironde », "
                    "« la Région Nouvelle-Aquitaine », « Bordeaux Métropole » (aucun)."),
    )
    region = models.ForeignKey(
        Region, verbose_name=_("région"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="organisations",
    )
    departement = models.ForeignKey(
        Departement, verbose_name=_("département"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="organisations",
    )
    # db_default: rows written by code that predates the fields (a rolling upgrade) still fit
    name_key = models.CharField(max_length=200, db_index=True, editable=False, default="",
                                db_default="")
    siret = models.CharField(
        _("SIRET"), max_length=14, blank=True, default="", db_default="",
        help_text=_("14 chiffres, ceux de l’établissement qui organise."),
    )
    insee_code = models.CharField(
        _("code INSEE"), max_length=5, blank=True, default="", db_default="",
        help_text=_("Celui de la collectivité : commune, département ou région."),
    )
    website = models.URLField(_("site web"), blank=True)
    description = models.TextField(_("présentation"), blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=OrganisationStatus.choices,
        default=OrganisationStatus.PENDING, db_index=True,
    )
    status_comment = models.TextField(_("commentaire de validation"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organisations"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["siret"], condition=~Q(siret=""),
                                    name="one_organisation_per_siret"),
            models.UniqueConstraint(fields=["kind", "insee_code"], condition=~Q(insee_code=""),
                                    name="one_organisation_per_insee_code_and_kind"),
        ]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("agenda:organisation", kwargs={"slug": self.slug})

    @property
    def is_approved(self) -> bool:
        return self.status == OrganisationStatus.APPROVED

    @property
    def the_article(self) -> str:
        """The article before the name in a French sentence (``names.NONE``: none)."""
        return self.article or names.derive_article(self.name)

    @property
    def named(self) -> str:
        """The name as a sentence says it: « le Département de la Gironde » (in French)."""
        if not _in_french():
            return self.name
        return names.with_article(self.name, self.the_article)

    @property
    def of_named(self) -> str:
        """The name after « de »: « du Département de la Gironde » (in French; the bare name in
        another language, whose sentence says its own « of »)."""
        if not _in_french():
            return self.name
        return names.of(self.name, self.the_article)

    @property
    def territory(self):
        return self.departement or self.region


class Role(models.TextChoices):
    EDITOR = "editor", _("Rédacteur")
    ADMIN = "admin", _("Administrateur")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")

    def __str__(self):
        return f"{self.user} · {self.organisation} ({self.get_role_display()})"


class JoinRequestState(models.TextChoices):
    PENDING = "pending", _("En attente")
    ACCEPTED = "accepted", _("Acceptée")
    REFUSED = "refused", _("Refusée")


class JoinRequest(models.Model):
    """Someone asks to publish for an organisation that already exists; its admins decide."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="join_requests"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.TextField(_("message"), blank=True)
    state = models.CharField(_("état"), max_length=10, choices=JoinRequestState.choices,
                             default=JoinRequestState.PENDING)
    reason = models.TextField(_("raison du refus"), blank=True)
    #: when the organisation's admins were told (an account still to verify waits)
    announced_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["requester", "organisation"],
                                    condition=Q(state="pending"),
                                    name="one_pending_join_request_per_person"),
        ]
        verbose_name = _("demande pour rejoindre")
        verbose_name_plural = _("demandes pour rejoindre")

    def __str__(self):
        return f"{self.requester} → {self.organisation} ({self.get_state_display()})"


class InvitationState(models.TextChoices):
    PENDING = "pending", _("En attente")
    ACCEPTED = "accepted", _("Acceptée")
    DECLINED = "declined", _("Déclinée")


class Invitation(models.Model):
    """An organisation's admin invites a person; the person accepts or declines it from « Mon
    compte »: nobody becomes a member without saying yes."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.EDITOR)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    state = models.CharField(_("état"), max_length=10, choices=InvitationState.choices,
                             default=InvitationState.PENDING)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], condition=Q(state="pending"),
                                    name="one_pending_invitation_per_person"),
        ]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.user} → {self.organisation} ({self.get_state_display()})"
