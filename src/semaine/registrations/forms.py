from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from semaine.ui.forms import Form

from .models import AccessNeed


class RegistrationForm(Form):
    slot = forms.TypedChoiceField(label=_("Créneau"), coerce=int, widget=forms.RadioSelect)
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    email = forms.EmailField(label=_("Adresse électronique"))
    any_slot = forms.BooleanField(
        label=_("Si c’est complet, une place sur un autre créneau de l’événement me convient"),
        required=False,
    )
    access_needs = forms.MultipleChoiceField(
        label=_("Besoins d’accessibilité (facultatif)"), choices=AccessNeed.choices,
        required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("L’organisateur les connaîtra avant l’événement, sans les rendre publics."),
    )
    access_other = forms.CharField(label=_("Précisez votre besoin"), max_length=300, required=False)
    website = forms.CharField(required=False, label=_("Ne pas remplir"))  # honeypot

    def __init__(self, *args, slots, seats, **kwargs):
        super().__init__(*args, **kwargs)
        from semaine.ui.templatetags.semaine import slot_range

        choices = []
        for slot in slots:
            left = seats.get(slot.pk)
            label = slot_range(slot)
            if left is not None:
                label += " — " + (_("complet, liste d’attente") if left <= 0 else
                                  _("%(n)s place(s) libre(s)") % {"n": left})
            choices.append((slot.pk, label))
        self.fields["slot"].choices = choices
        if len(choices) == 1:
            self.fields["slot"].initial = choices[0][0]
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.upcoming = {slot.pk for slot in slots if slot.starts_at > timezone.now()}

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Ce champ doit rester vide."))
        return ""
