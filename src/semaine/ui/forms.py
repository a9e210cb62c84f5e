"""Base classes that render every form with the DSFR's markup (labels, hints, errors) and refuse
control characters in every text field (see ``semaine.core.forms``)."""

from django import forms
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
