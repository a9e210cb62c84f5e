from django import forms
from django.contrib.auth import forms as auth_forms
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from semaine.core.forms import RefuseControlCharacters
from semaine.ui.forms import Form

from .models import NotificationFrequency
from .services import send_later


class PasswordResetForm(RefuseControlCharacters, auth_forms.PasswordResetForm):
    """Django's form, with the e-mail sent by the background worker."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
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
