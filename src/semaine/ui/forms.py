"""Base classes that render every form with the DSFR's markup (labels, hints, errors) and refuse
control characters in every text field (see ``semaine.core.forms``)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm, DsfrBoundField, DsfrDjangoTemplates
from dsfr.utils import dsfr_input_class_attr

from semaine.core.forms import RefuseControlCharacters


class Form(RefuseControlCharacters, DsfrBaseForm):
    pass


class ModelForm(RefuseControlCharacters, forms.ModelForm):
    template_name = "dsfr/form_snippet.html"
    bound_field_class = DsfrBoundField
    default_renderer = DsfrDjangoTemplates

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for visible in self.visible_fields():
            dsfr_input_class_attr(visible)


class HoneypotField(forms.CharField):
    """A field for robots only: drawn off screen, hidden from screen readers, out of the tab
    order and of autofill, so that no person fills it in; a form where it is filled is refused."""

    template_name = "ui/components/honeypot_field.html"

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Ne pas remplir"))
        super().__init__(required=False, **kwargs)
        self.widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def validate(self, value):
        super().validate(value)
        if value:
            raise forms.ValidationError(_("Ce champ doit rester vide."), code="honeypot")
