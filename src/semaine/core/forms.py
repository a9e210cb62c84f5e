"""What every form of the project does whatever its look: refuse control characters in its text
fields (see ``semaine.core.text``), and show a service's refusal beside the fields it names.
The DSFR's markup is the design system's (``semaine.ui.forms``)."""

from django import forms

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


class AdminForm(RefuseControlCharacters, forms.ModelForm):
    """The admin's forms, with the same rule on text fields."""


def add_service_errors(form, error) -> None:
    """Show a service's ValidationError beside the fields it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
