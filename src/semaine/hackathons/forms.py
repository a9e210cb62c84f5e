"""Forms of the hackathon pages. They validate and say what is wrong beside the field; the
services write (and check again)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from semaine.agenda.forms import DateTimeInput
from semaine.organisers.models import Organisation, OrganisationStatus
from semaine.ui.forms import Form, ModelForm

from .files import MAX_DATASET_BYTES
from .models import (
    Challenge,
    Criterion,
    Dataset,
    Hackathon,
    ParticipantProfile,
    Submission,
    Team,
)
from .services import SETUP_FIELDS, SUBMISSION_FIELDS

HTTP_ONLY = {"invalid": _("Donnez une adresse web commençant par http:// ou https://.")}


class HackathonForm(ModelForm):
    class Meta:
        model = Hackathon
        fields = list(SETUP_FIELDS)
        widgets = {
            **{field: DateTimeInput() for field in SETUP_FIELDS if field.endswith("_at")},
            "submission_deadline": DateTimeInput(),
            "rules": forms.Textarea(attrs={"rows": 6}),
            "code_of_conduct": forms.Textarea(attrs={"rows": 6}),
            "prizes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "submission_deadline": _("Heure de Paris. Après cette date, les projets ne changent "
                                     "plus (sauf prolongation)."),
            "open_licence_required": _("Les projets devront porter une licence ouverte (MIT, "
                                       "Apache-2.0, EUPL-1.2, etalab-2.0, CC-BY-4.0…)."),
        }


    def clean(self):
        data = super().clean()
        low, high = data.get("team_min"), data.get("team_max")
        if low and high and high < low:
            self.add_error("team_max", _("La taille maximale doit être au moins la taille "
                                         "minimale."))
        return data


class ChallengeForm(ModelForm):
    organisation = forms.ModelChoiceField(
        label=_("Posé par"), queryset=Organisation.objects.filter(
            status=OrganisationStatus.APPROVED).order_by("name"))

    class Meta:
        model = Challenge
        fields = ["title", "organisation", "problem", "serves", "expected_outcome",
                  "contact_name", "contact_email"]
        widgets = {"problem": forms.Textarea(attrs={"rows": 4}),
                   "serves": forms.Textarea(attrs={"rows": 2}),
                   "expected_outcome": forms.Textarea(attrs={"rows": 2})}


class DatasetForm(ModelForm):
    upload = forms.FileField(
        label=_("Ou déposez un fichier"), required=False,
        help_text=_("CSV, JSON, GeoJSON, PDF, ZIP, XLSX ou ODS ; %(max)s Mo au plus.")
        % {"max": MAX_DATASET_BYTES // (1024 * 1024)})

    class Meta:
        model = Dataset
        fields = ["title", "url", "format", "licence", "producer"]
        error_messages = {"url": HTTP_ONLY}
        help_texts = {"url": _("Adresse web (http ou https) du jeu de données."),
                      "licence": _("Identifiant SPDX : etalab-2.0, ODbL-1.0, CC-BY-4.0…")}

    def clean(self):
        data = super().clean()
        if not data.get("url") and not data.get("upload") and not self.errors.get("url"):
            self.add_error("url", _("Donnez l’adresse du jeu de données ou déposez un fichier."))
        return data


class ProfileForm(ModelForm):
    class Meta:
        model = ParticipantProfile
        fields = ["skills", "wishes", "looking_for_team"]
        help_texts = {"skills": _("Par exemple : développement web, design, tourisme.")}


class TeamForm(ModelForm):
    class Meta:
        model = Team
        fields = ["name", "skills_sought"]
        help_texts = {"skills_sought": _("Par exemple : design, Python, cartographie.")}


class JoinForm(Form):
    message = forms.CharField(label=_("Un mot pour l’équipe"), max_length=500,
                              required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SubmissionForm(ModelForm):
    class Meta:
        model = Submission
        fields = [*SUBMISSION_FIELDS, "datasets"]
        widgets = {"description": forms.Textarea(attrs={"rows": 8}),
                   "summary": forms.Textarea(attrs={"rows": 2}),
                   "datasets": forms.CheckboxSelectMultiple}
        error_messages = {"repository_url": HTTP_ONLY, "demo_url": HTTP_ONLY,
                          "video_url": HTTP_ONLY}
        help_texts = {"licence": _("Identifiant SPDX, par exemple MIT, Apache-2.0, EUPL-1.2, "
                                   "etalab-2.0 ou CC-BY-4.0."),
                      "description": _("Markdown : **gras**, *italique*, listes, liens.")}

    def __init__(self, *args, hackathon, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["datasets"].queryset = Dataset.objects.filter(
            challenge__hackathon=hackathon).order_by("title")
        self.fields["datasets"].required = False


class CriterionForm(ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "description", "weight", "scale_max"]


class JurorForm(Form):
    email = forms.EmailField(label=_("Adresse électronique du juré"))


class ExtendForm(Form):
    until = forms.DateTimeField(label=_("Dépôt prolongé jusqu’au"), widget=DateTimeInput(),
                                help_text=_("Heure de Paris."))


class ConflictForm(Form):
    team = forms.ModelChoiceField(label=_("Une équipe"), queryset=Team.objects.none(),
                                  required=False)
    organisation = forms.ModelChoiceField(label=_("Ou une organisation"),
                                          queryset=Organisation.objects.none(), required=False)
    reason = forms.CharField(label=_("Raison"), max_length=300, required=False)

    def __init__(self, *args, hackathon, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = hackathon.teams.filter(state="active").order_by("name")
        self.fields["organisation"].queryset = Organisation.objects.filter(
            challenges__hackathon=hackathon).distinct().order_by("name")

    def clean(self):
        data = super().clean()
        if bool(data.get("team")) == bool(data.get("organisation")):
            raise forms.ValidationError(_("Choisissez une équipe ou une organisation."))
        return data


class ScoreForm(Form):
    comment = forms.CharField(label=_("Commentaire"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"c_{criterion.pk}"] = forms.IntegerField(
                label=_("%(name)s (sur %(max)s, poids %(weight)s)") % {
                    "name": criterion.name, "max": criterion.scale_max,
                    "weight": criterion.weight},
                min_value=0, max_value=criterion.scale_max, help_text=criterion.description,
                error_messages={"min_value": _("La note ne peut pas être négative."),
                                "max_value": _("La note ne dépasse pas %(limit_value)s."),
                                "invalid": _("Donnez une note entière.")})
        self.order_fields([*(f"c_{c.pk}" for c in self.criteria), "comment"])

    def values(self) -> dict:
        return {c.pk: self.cleaned_data[f"c_{c.pk}"] for c in self.criteria}
