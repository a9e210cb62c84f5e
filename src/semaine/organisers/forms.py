from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from semaine.accounts.models import User
from semaine.territory.models import Departement
from semaine.ui.forms import Form

from .models import OrganisationKind, Role


class SignUpForm(Form):
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
    website = forms.CharField(required=False, label=_("Ne pas remplir"))  # honeypot

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Ce champ doit rester vide."))
        return ""

    def clean(self):
        data = super().clean()
        if data.get("password"):
            probe = User(email=data.get("email", ""), first_name=data.get("first_name", ""),
                         last_name=data.get("last_name", ""))
            try:
                password_validation.validate_password(data["password"], probe)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class MemberForm(Form):
    email = forms.EmailField(label=_("Adresse électronique professionnelle"))
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, initial=Role.EDITOR)
