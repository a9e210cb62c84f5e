from django import forms
from django.utils.translation import gettext_lazy as _

from semaine.ui.forms import Form, HoneypotField


class AccessLinkForm(Form):
    email = forms.EmailField(
        label=_("Adresse électronique"),
        help_text=_("Celle que vous avez donnée en vous inscrivant."),
    )
    website = HoneypotField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})
