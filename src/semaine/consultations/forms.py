from django import forms
from django.utils.translation import gettext_lazy as _

from semaine.agenda.models import Event
from semaine.ui.forms import Form, HoneypotField, ModelForm

from .models import BODY_MAX, PHASE_FIELDS, Alignment, Answer, Consultation


class Honeypot(Form):
    website = HoneypotField()


class ProposalForm(Honeypot):
    title = forms.CharField(label=_("Titre"), max_length=150)
    body = forms.CharField(label=_("Votre proposition"), max_length=BODY_MAX, widget=forms.Textarea,
                           help_text=_("Markdown accepté : **gras**, listes, liens."))
    category = forms.ModelChoiceField(label=_("Catégorie"), queryset=None, required=False,
                                      empty_label=_("Sans catégorie"))
    commune = forms.CharField(label=_("Commune"), max_length=120, required=False,
                              help_text=_("Facultatif : la commune que la proposition concerne."))

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = consultation.categories.all()


class WorkshopProposalForm(ProposalForm):
    workshop = forms.ModelChoiceField(label=_("Atelier"), queryset=None)

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, consultation=consultation, **kwargs)
        self.fields["workshop"].queryset = consultation.workshops.all()
        self.order_fields(["workshop"])


class CommentForm(Honeypot):
    body = forms.CharField(label=_("Votre commentaire"), max_length=BODY_MAX, widget=forms.Textarea(
        attrs={"rows": 4}))
    alignment = forms.ChoiceField(label=_("Votre position"), choices=Alignment.choices,
                                  initial=Alignment.NEUTRAL, widget=forms.RadioSelect)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class HideForm(Form):
    reason = forms.CharField(label=_("Motif du masquage"), max_length=300)


class AnswerForm(Form):
    answer = forms.ChoiceField(label=_("Réponse"),
                               choices=[("", _("Choisir une réponse"))] + Answer.choices)
    justification = forms.CharField(label=_("Justification"), max_length=BODY_MAX,
                                    widget=forms.Textarea(attrs={"rows": 4}))


class ConsultationForm(ModelForm):
    categories = forms.CharField(
        label=_("Catégories"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Une catégorie par ligne."))
    workshops = forms.ModelMultipleChoiceField(
        label=_("Ateliers du programme qui alimentent la consultation"), queryset=None,
        required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Consultation
        fields = ["title", "question", "context", "people_concerned", "departement", "edition",
                  *[name for _phase, start, end in PHASE_FIELDS for name in (start, end)],
                  "proposals_per_person", "supports_per_person", "support_threshold",
                  "threshold_accumulates"]
        widgets = {**{name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
                      for _phase, start, end in PHASE_FIELDS for name in (start, end)},
                   "context": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workshops"].queryset = Event.objects.filter(
            organisation=organisation).order_by("title")
        if self.instance.pk:
            self.initial["categories"] = "\n".join(c.name for c in self.instance.categories.all())
            self.initial["workshops"] = list(self.instance.workshops.all())

    def category_names(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("categories", "").splitlines()
                if line.strip()]

    def fields_for_service(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
