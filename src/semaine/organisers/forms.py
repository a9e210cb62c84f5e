from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from semaine.accounts.models import User
from semaine.territory.models import Departement
from semaine.ui.forms import Form, HoneypotField

from .identifiers import clean_insee_code, clean_siret
from .models import OrganisationKind, Role

SIRET_HELP = _("Facultatif. 14 chiffres, ceux de l’établissement qui organise (les espaces sont "
               "acceptés).")
INSEE_HELP = _("Facultatif, pour une collectivité : le code de la commune (5 caractères, « 44109 » "
               "pour Nantes, ce n’est pas le code postal), du département (« 44 ») ou de la région "
               "(« 52 »).")


class MemberForm(Form):
    email = forms.EmailField(label=_("Adresse électronique professionnelle"))
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, initial=Role.EDITOR)


class IdentifiersMixin:
    """The SIRET and INSEE code fields, checked beside the field (the service checks again)."""

    def clean_siret(self):
        return clean_siret(self.cleaned_data.get("siret", ""))

    def check_insee_code(self, kind_field: str) -> None:
        kind = self.cleaned_data.get(kind_field)
        code = self.cleaned_data.get("insee_code", "")
        if not kind or not code or "departement" in self.errors:
            return
        try:
            self.cleaned_data["insee_code"] = clean_insee_code(
                code, kind, self.cleaned_data.get("departement"))
        except ValidationError as error:
            self.add_error("insee_code", error)


def siret_field():
    return forms.CharField(label=_("Numéro SIRET"), required=False, max_length=20,
                           help_text=SIRET_HELP)


def insee_field():
    return forms.CharField(label=_("Code INSEE de la collectivité"), required=False,
                           max_length=8, help_text=INSEE_HELP)


class SignUpForm(IdentifiersMixin, Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    email = forms.EmailField(label=_("Adresse électronique professionnelle"))
    password = forms.CharField(
        label=_("Mot de passe"), strip=False, widget=forms.PasswordInput(render_value=False),
        help_text=_("Au moins 10 caractères, pas uniquement des chiffres."),
    )
    organisation_name = forms.CharField(label=_("Nom de votre organisation"), max_length=200)
    organisation_kind = forms.ChoiceField(
        label=_("Type d’organisation"), choices=OrganisationKind.choices
    )
    departement = forms.ModelChoiceField(
        label=_("Département"), queryset=Departement.objects.all(), required=False,
        help_text=_("Laissez vide pour une organisation nationale."),
    )
    siret = siret_field()
    insee_code = insee_field()
    website = HoneypotField()

    def clean(self):
        data = super().clean()
        self.check_insee_code("organisation_kind")
        if data.get("password"):
            probe = User(email=data.get("email", ""), first_name=data.get("first_name", ""),
                         last_name=data.get("last_name", ""))
            try:
                password_validation.validate_password(data["password"], probe)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class OrganisationForm(IdentifiersMixin, Form):
    """Declaring an organisation, by someone who already has an account."""

    name = forms.CharField(label=_("Nom de l’organisation"), max_length=200)
    kind = forms.ChoiceField(label=_("Type d’organisation"), choices=OrganisationKind.choices)
    departement = forms.ModelChoiceField(
        label=_("Département"), queryset=Departement.objects.all(), required=False,
        help_text=_("Laissez vide pour une organisation nationale."),
    )
    siret = siret_field()
    insee_code = insee_field()
    website = forms.URLField(label=_("Site web"), required=False, assume_scheme="https")

    def clean(self):
        data = super().clean()
        self.check_insee_code("kind")
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in
                ("name", "kind", "departement", "siret", "insee_code", "website")}


class JoinRequestForm(Form):
    message = forms.CharField(
        label=_("Message aux administrateurs"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Facultatif : votre fonction, le service où vous travaillez, ce que vous "
                    "comptez publier."),
    )


class RefuseJoinRequestForm(Form):
    reason = forms.CharField(
        label=_("Raison du refus"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Facultatif : elle est envoyée à la personne."),
    )
