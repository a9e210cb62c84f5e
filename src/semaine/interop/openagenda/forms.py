from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from semaine.agenda.models import Programme, Track
from semaine.ui.forms import Form

from .reader import FormatError, max_bytes, read_document


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
    track_keywords = forms.CharField(
        label=_("Parcours par mot-clé"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Une ligne par mot-clé : « mot-clé = parcours ». Les mots-clés qui portent "
                    "déjà le nom d’un parcours n’ont pas besoin d’être indiqués."),
    )
    submit = forms.BooleanField(
        label=_("Soumettre à la coordination les brouillons importés"), required=False
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        # archived programmes and tracks take no new events
        programmes = Programme.objects.filter(
            organisation=organisation, archived_at__isnull=True).select_related("edition")
        self.fields["programme"].queryset = programmes.order_by("-edition__starts_on", "title")
        self.fields["programme"].label_from_instance = lambda p: f"{p.title} ({p.edition.name})"
        self.fields["track"].queryset = Track.objects.filter(
            programme__organisation=organisation, archived_at__isnull=True).select_related("programme")
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
        data["track_keywords"] = self._track_keywords(data.get("track_keywords", ""), programme)
        return data

    def _track_keywords(self, text: str, programme) -> dict:
        """``mot-clé = parcours`` lines as {keyword: track}, the track named or slugged."""
        if not text.strip() or programme is None:
            return {}
        tracks = {}
        for track in programme.tracks.all():
            tracks[slugify(track.name)] = tracks[track.slug] = track
        result = {}
        for line in text.splitlines():
            if not line.strip():
                continue
            keyword, sep, name = line.partition("=")
            track = tracks.get(slugify(name))
            if not sep or not keyword.strip() or track is None:
                self.add_error("track_keywords", _(
                    "« %(line)s » : écrivez « mot-clé = parcours » avec un parcours du programme "
                    "choisi.") % {"line": line.strip()[:80]})
                return {}
            result[keyword.strip()] = track
        return result
