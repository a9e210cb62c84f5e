from django import forms
from django.utils.translation import gettext_lazy as _

from semaine.ui.forms import Form


class AccessLinkForm(Form):
    email = forms.EmailField(
        label=_("Adresse électronique"),
        help_text=_("Celle que vous avez donnée en vous inscrivant."),
    )
    website = forms.CharField(required=False, label=_("Ne pas remplir"))  # honeypot

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Ce champ doit rester vide."))
        return ""
