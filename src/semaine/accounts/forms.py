from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from semaine.core.forms import RefuseControlCharacters
from semaine.organisers.forms import IdentifiersMixin, insee_field, siret_field
from semaine.organisers.models import OrganisationKind
from semaine.territory.models import Departement
from semaine.ui.forms import Form

from .models import NotificationFrequency


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
        self.check_insee_code("organisation_kind")
        if data.get("password"):
            from semaine.accounts.models import User

            probe = User(email=data.get("email", ""), first_name=data.get("first_name", ""),
                         last_name=data.get("last_name", ""))
            try:
                password_validation.validate_password(data["password"], probe)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class PasswordResetForm(RefuseControlCharacters, auth_forms.PasswordResetForm):
    """Django's form, with the e-mail sent by the background worker."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        from .services import send_later

        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        send_later(to_email, subject, render_to_string(email_template_name, context))


class DeleteAccountForm(Form):
    password = forms.CharField(
        label=_("Votre mot de passe, pour confirmer"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class NotificationForm(Form):
    notification_frequency = forms.ChoiceField(
        label=_("Courriels de suivi (modération, décisions)"), choices=NotificationFrequency.choices,
        widget=forms.RadioSelect,
        help_text=_("Au fil de l’eau, ou un seul courriel chaque matin avec tout ce qui s’est passé "
                    "la veille. Les soumissions à examiner sont toujours regroupées toutes les dix "
                    "minutes."),
    )
