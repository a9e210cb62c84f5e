"""Base classes that render every form with the DSFR's markup (labels, hints, errors) and refuse
control characters in every text field (see ``semaine.ui.text``)."""

from django import forms
from dsfr.forms import DsfrBaseForm, DsfrBoundField, DsfrDjangoTemplates
from dsfr.utils import dsfr_input_class_attr

from .text import TextValidator


def is_multiline(field: forms.Field) -> bool:
    return isinstance(field.widget, forms.Textarea)


class RefuseControlCharacters:
    """Every text field refuses control characters: a field drawn as one line (an input) refuses
    line breaks too; a text area keeps them. Checked at validation, so the fields a form adds
    after its ``__init__`` (an event's questions) are checked as well. Passwords are left alone."""

    def full_clean(self):
        for field in self.fields.values():
            if (isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput)
                    and not any(isinstance(v, TextValidator) for v in field.validators)):
                field.validators.append(TextValidator(multiline=is_multiline(field)))
        super().full_clean()


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


class AdminForm(RefuseControlCharacters, forms.ModelForm):
    """The admin's forms, with the same rule on text fields."""


def add_service_errors(form, error) -> None:
    """Show a service's ValidationError beside the fields it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
