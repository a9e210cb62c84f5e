"""Organisations (the public bodies that publish events) and the people who act for them."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from semaine.territory.models import Departement, Region

from . import names


def _in_french() -> bool:
    return (get_language() or "fr").startswith("fr")


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
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

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
