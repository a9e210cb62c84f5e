from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from dsfr.utils import dsfr_input_class_attr

from semaine.ui.forms import Form, HoneypotField
from semaine.ui.templatetags.semaine import slot_range

from .models import AccessNeed, QuestionKind


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
    website = HoneypotField()

    def __init__(self, *args, slots, seats, questions=(), per_slot=True, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        for slot in slots:
            left = seats.get(slot.pk)
            label = slot_range(slot)
            if left is not None:
                label += " — " + (_("complet, liste d’attente") if left <= 0 else
                                  ngettext("%(n)s place libre", "%(n)s places libres", left)
                                  % {"n": left})
            choices.append((slot.pk, label))
        self.fields["slot"].choices = choices
        if len(choices) == 1:
            self.fields["slot"].initial = choices[0][0]
        if not per_slot and slots:
            # One registration for the whole event: it is held on its first slot.
            self.fields["slot"].widget = forms.HiddenInput()
            self.fields["slot"].initial = slots[0].pk
            del self.fields["any_slot"]
        self.questions = list(questions)
        for question in self.questions:
            name = f"q_{question.pk}"
            if question.kind == QuestionKind.CHECKBOX:
                self.fields[name] = forms.BooleanField(label=question.label, required=question.required)
            elif question.kind == QuestionKind.CHOICE:
                self.fields[name] = forms.ChoiceField(
                    label=question.label, required=question.required,
                    choices=[("", "—")] + [(c, c) for c in question.choice_list],
                )
            else:
                self.fields[name] = forms.CharField(label=question.label, required=question.required,
                                                    max_length=1000)
        for name in [f"q_{q.pk}" for q in self.questions]:
            dsfr_input_class_attr(self[name])

    def answers(self) -> dict:
        return {str(q.pk): self.cleaned_data.get(f"q_{q.pk}") for q in self.questions}


class QuestionForm(Form):
    label = forms.CharField(label=_("Question"), max_length=200)
    kind = forms.ChoiceField(label=_("Type de réponse"), choices=QuestionKind.choices)
    choices = forms.CharField(label=_("Choix possibles"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}), help_text=_("Un choix par ligne (pour « Choix dans une liste »)."))
    required = forms.BooleanField(label=_("Réponse obligatoire"), required=False)



class MessageForm(Form):
    subject = forms.CharField(label=_("Objet"), max_length=150)
    body = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8}))
    include_waiting = forms.BooleanField(label=_("Écrire aussi à la liste d’attente"), required=False)
