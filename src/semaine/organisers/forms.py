from django import forms
from django.utils.translation import gettext_lazy as _

from semaine.ui.forms import Form

from .models import Role


class MemberForm(Form):
    email = forms.EmailField(label=_("Adresse électronique professionnelle"))
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, initial=Role.EDITOR)
