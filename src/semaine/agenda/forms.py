"""Forms of the organiser and coordinator spaces. They validate; services write."""

from datetime import datetime, time

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from semaine.organisers.models import Organisation, OrganisationStatus
from semaine.ui.forms import Form, ModelForm

from .dates import slot_errors
from .models import (
    LANGUAGE_CHOICES,
    PARIS,
    AttendanceMode,
    Edition,
    Event,
    EventState,
    EventStatus,
    Programme,
    RegistrationMode,
    Track,
    Venue,
)
from .services import EDITION_FIELDS, EVENT_FIELDS, EVENT_RELATIONS, MAX_SLOTS, SlotData

#: Boxes (south, west, north, east) that hold France's metropolitan and overseas départements.
FRANCE_BOXES = (
    (41.2, -5.5, 51.3, 9.9),      # metropolitan France and Corsica
    (15.8, -61.9, 16.6, -60.9),   # Guadeloupe
    (14.3, -61.3, 14.9, -60.7),   # Martinique
    (2.0, -54.7, 6.0, -51.5),     # Guyane
    (-21.5, 55.1, -20.8, 55.9),   # La Réunion
    (-13.1, 44.9, -12.5, 45.4),   # Mayotte
)


def in_france(latitude: float, longitude: float) -> bool:
    return any(s <= latitude <= n and w <= longitude <= e for s, w, n, e in FRANCE_BOXES)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


SLUG_HELP = _("Lettres minuscules, chiffres et tirets ; laissez vide pour la déduire du nom.")
MARKDOWN_HELP = _("Mise en forme Markdown : **gras**, *italique*, listes, liens.")


class EventForm(ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Langues"), choices=LANGUAGE_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple, initial=["fr"],
    )

    class Meta:
        model = Event
        fields = [f for f in EVENT_FIELDS if f != "is_illustrative"] + list(EVENT_RELATIONS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "summary": forms.Textarea(attrs={"rows": 2}),
            "formats": forms.CheckboxSelectMultiple,
            "themes": forms.CheckboxSelectMultiple,
            "audiences": forms.CheckboxSelectMultiple,
            "attendance_mode": forms.RadioSelect,
            "registration_mode": forms.RadioSelect,
        }
        help_texts = {
            "description": MARKDOWN_HELP,
            "image_alt": _("Décrivez l’image pour les personnes qui ne la voient pas ; laissez "
                           "vide si elle est décorative."),
            "capacity": _("Laissez vide si le nombre de places n’est pas limité."),
        }

    def __init__(self, *args, organisation: Organisation, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        # archived programmes and tracks are no longer offered, but an event keeps its own
        instance = kwargs.get("instance")
        kept = Q(archived_at__isnull=True)
        kept_track = Q(archived_at__isnull=True, programme__archived_at__isnull=True)
        if instance is not None and instance.pk:
            kept |= Q(pk=instance.programme_id)
            kept_track |= Q(pk=instance.track_id)
        self.fields["programme"].queryset = Programme.objects.filter(
            kept, organisation=organisation, edition=edition
        )
        self.fields["track"].queryset = Track.objects.filter(
            kept_track, programme__organisation=organisation, programme__edition=edition
        ).select_related("programme")
        self.fields["track"].label_from_instance = lambda t: f"{t.programme.title} — {t.name}"
        self.fields["venue"].queryset = Venue.objects.filter(organisation=organisation)
        self.fields["co_organisers"].queryset = Organisation.objects.filter(
            status=OrganisationStatus.APPROVED
        ).exclude(pk=organisation.pk)
        self.fields["co_organisers"].widget.attrs["size"] = 6
        for name in ("formats", "themes", "audiences"):
            self.fields[name].queryset = self.fields[name].queryset.order_by("position", "name")
        self.fields["formats"].required = True
        self.fields["audiences"].required = True
        self.fields["themes"].required = False
        self.fields["offer_hours"].required = False
        self.fields["offer_hours"].help_text = _(
            "Quand une place se libère, la première personne en liste d’attente a ce délai pour "
            "l’accepter (48 heures si vide)."
        )

    def clean_offer_hours(self):
        return self.cleaned_data.get("offer_hours") or 48

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and getattr(image, "size", 0) > settings.SEMAINE_IMAGE_MAX_BYTES:
            raise forms.ValidationError(_("L’image dépasse 5 Mo : choisissez un fichier plus léger."))
        return image

    def clean(self):
        data = super().clean()
        mode = data.get("attendance_mode")
        if mode in (AttendanceMode.ONLINE, AttendanceMode.MIXED) and not data.get("online_url"):
            self.add_error("online_url", _("Indiquez le lien de participation en ligne."))
        if mode in (AttendanceMode.IN_PERSON, AttendanceMode.MIXED) and not data.get("venue"):
            self.add_error("venue", _("Choisissez le lieu de l’événement."))
        registration = data.get("registration_mode")
        if registration == RegistrationMode.EXTERNAL and not data.get("registration_url"):
            self.add_error("registration_url", _("Indiquez l’adresse du site d’inscription."))
        age_min, age_max = data.get("age_min"), data.get("age_max")
        if age_min is not None and age_max is not None and age_max < age_min:
            self.add_error("age_max", _("L’âge maximum doit être supérieur à l’âge minimum."))
        track, programme = data.get("track"), data.get("programme")
        if track and track.programme_id != getattr(programme, "pk", None):
            self.add_error("track", _("Ce parcours n’appartient pas au programme choisi."))
        return data

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}


class ProgrammeForm(Form):
    """A programme's title, address and presentation; on creation, its edition too."""

    edition = forms.ModelChoiceField(label=_("Édition"), queryset=Edition.objects.none(),
                                     empty_label=None)
    title = forms.CharField(label=_("Titre"), max_length=200)
    slug = forms.CharField(label=_("Adresse courte"), max_length=200, required=False,
                           help_text=SLUG_HELP)
    description = forms.CharField(label=_("Présentation"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 5}), help_text=MARKDOWN_HELP)

    def __init__(self, *args, editions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if editions is None:
            del self.fields["edition"]
        else:
            self.fields["edition"].queryset = editions


class TrackForm(Form):
    name = forms.CharField(label=_("Nom du parcours"), max_length=100)
    slug = forms.CharField(label=_("Adresse courte"), max_length=100, required=False,
                           help_text=SLUG_HELP)
    description = forms.CharField(label=_("Présentation"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}), help_text=MARKDOWN_HELP)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class EditionForm(ModelForm):
    """An edition's name, dates, theme and deadline; its address only when it is created."""

    slug = forms.SlugField(label=_("Adresse courte"), max_length=100, required=False,
                           help_text=SLUG_HELP)

    class Meta:
        model = Edition
        fields = list(EDITION_FIELDS)
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "submission_deadline": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "description": MARKDOWN_HELP,
            "submission_deadline": _("Heure de Paris. Après cette date, les organisateurs ne "
                                     "soumettent plus d’événement, sauf réouverture."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["slug"]
        else:
            self.order_fields(["name", "slug"])

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in EDITION_FIELDS}


class CoordinatorForm(Form):
    email = forms.EmailField(label=_("Adresse électronique de son compte"))


class SubmissionEditionForm(Form):
    """Which open edition a new event goes to (a GET form: the page reloads with its choices)."""

    edition = forms.ChoiceField(label=_("Édition"))

    def __init__(self, *args, editions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].choices = [(e.slug, e.name) for e in editions]


class SlotForm(Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    starts_at = forms.DateTimeField(label=_("Début"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Fin"), widget=DateTimeInput())
    capacity = forms.IntegerField(
        label=_("Places pour ce créneau"), required=False, min_value=1,
        help_text=_("Facultatif : sinon, la jauge de l’événement."),
    )

    def __init__(self, *args, edition=None, **kwargs):
        self.edition = edition
        super().__init__(*args, **kwargs)

    def clean(self):
        """The rule of a slot's dates (``dates.slot_errors``, as the services apply it), each
        refusal beside its field."""
        data = super().clean()
        for name, message in slot_errors(data.get("starts_at"), data.get("ends_at"),
                                         self.edition).items():
            if name not in self.errors:
                self.add_error(name, message)
        return data


class BaseSlotFormSet(forms.BaseFormSet):
    def __init__(self, *args, edition=None, **kwargs):
        self.edition = edition
        self.warnings: list[str] = []
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "edition": self.edition}

    def clean(self):
        if any(self.errors):
            return
        slots = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not slots:
            raise forms.ValidationError(_("Ajoutez au moins un créneau."))
        if self.edition:
            first = datetime.combine(self.edition.starts_on, time.min, PARIS)
            last = datetime.combine(self.edition.ends_on, time.max, PARIS)
            if any(s["starts_at"] < first or s["ends_at"] > last for s in slots):
                self.warnings.append(
                    _("Un créneau sort des dates de l’édition : c’est possible (formation en "
                      "ligne longue, par exemple), vérifiez que c’est voulu.")
                )

    def slot_data(self) -> list[SlotData]:
        return [
            SlotData(f.cleaned_data["starts_at"], f.cleaned_data["ends_at"],
                     f.cleaned_data.get("capacity"), f.cleaned_data.get("id"))
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


SlotFormSet = forms.formset_factory(
    SlotForm, formset=BaseSlotFormSet, extra=1, can_delete=True, max_num=MAX_SLOTS,
    validate_max=True
)


def slot_initial(event: Event) -> list[dict]:
    return [
        {"id": s.pk, "starts_at": timezone.localtime(s.starts_at, PARIS),
         "ends_at": timezone.localtime(s.ends_at, PARIS), "capacity": s.capacity}
        for s in event.slots.all()
    ]


class VenueForm(ModelForm):
    class Meta:
        model = Venue
        fields = ["name", "address", "postcode", "commune", "departement", "latitude", "longitude"]
        help_texts = {
            "latitude": _("En degrés décimaux (par exemple 47.2184). Laissez la latitude et la "
                          "longitude vides pour placer le lieu d’après son adresse."),
            "longitude": _("En degrés décimaux (par exemple -1.5536)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("latitude", "longitude"):
            self.fields[name].widget.attrs.update(step="any", inputmode="decimal")

    def clean_postcode(self):
        postcode = self.cleaned_data.get("postcode", "")
        if postcode and not (len(postcode) == 5 and postcode.isdigit()):
            raise forms.ValidationError(_("Un code postal compte cinq chiffres."))
        return postcode

    def clean(self):
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            raise forms.ValidationError(_("Indiquez la latitude et la longitude, ou aucune des deux."))
        if lat is not None and lon is not None and not in_france(lat, lon):
            self.add_error(
                "latitude",
                _("Ces coordonnées sont hors de France (métropole et outre-mer) : vérifiez "
                  "l’ordre latitude, longitude."),
            )
        return data


class ModerationForm(Form):
    comment = forms.CharField(
        label=_("Commentaire pour l’organisateur"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour renvoyer ou refuser."),
    )


class StatusForm(Form):
    status = forms.ChoiceField(label=_("Statut affiché"), choices=EventStatus.choices)
    comment = forms.CharField(
        label=_("Explication"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire pour une annulation."),
    )


class ReopenForm(Form):
    until = forms.DateTimeField(label=_("Soumissions rouvertes jusqu’au"), widget=DateTimeInput())


class QueueFilterForm(Form):
    state = forms.ChoiceField(label=_("État"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.all(), required=False
    )
    q = forms.CharField(label=_("Recherche"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("Tous"))] + list(EventState.choices)
