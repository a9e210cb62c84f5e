from django import forms
from django.utils.translation import gettext_lazy as _

from semaine.agenda.models import Programme, Track
from semaine.ui.forms import Form

from .openagenda import FormatError, max_bytes, read_document


class OpenAgendaImportForm(Form):
    file = forms.FileField(
        label=_("Fichier d’export OpenAgenda (JSON)"),
        help_text=_("Dans OpenAgenda : Exporter › JSON. 10 Mo au plus."),
    )
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    track = forms.ModelChoiceField(
        label=_("Parcours par défaut"), queryset=Track.objects.none(), required=False,
        help_text=_("Pour les événements dont aucun mot-clé ne porte le nom d’un parcours."),
    )
    submit = forms.BooleanField(
        label=_("Soumettre à la coordination les brouillons importés"), required=False
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        programmes = Programme.objects.filter(organisation=organisation).select_related("edition")
        self.fields["programme"].queryset = programmes.order_by("-edition__starts_on", "title")
        self.fields["programme"].label_from_instance = lambda p: f"{p.title} ({p.edition.name})"
        self.fields["track"].queryset = Track.objects.filter(
            programme__organisation=organisation).select_related("programme")
        self.fields["track"].label_from_instance = lambda t: f"{t.name} — {t.programme.title}"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            limit = max_bytes() // (1024 * 1024) or 1
            raise forms.ValidationError(
                _("Le fichier dépasse %(size)s Mo : découpez l’export en plusieurs fichiers.")
                % {"size": limit})
        try:
            self.document = read_document(upload.read(max_bytes() + 1))
        except FormatError as error:
            raise forms.ValidationError(error.messages) from None
        return upload

    def clean(self):
        data = super().clean()
        track, programme = data.get("track"), data.get("programme")
        if track and programme and track.programme_id != programme.pk:
            self.add_error("track", _("Ce parcours n’appartient pas au programme choisi."))
        return data
