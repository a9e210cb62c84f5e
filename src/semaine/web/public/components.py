"""The page that shows every component of the design system once, with made-up content (and
the first card of the current programme): what a theme has to draw, in one place."""

from django import forms
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from semaine.agenda import queries
from semaine.agenda.models import Event, EventState, EventStatus
from semaine.ui.forms import Form


class SampleForm(Form):
    title = forms.CharField(label=gettext_lazy("Titre"), help_text=gettext_lazy("Sur une ligne."))
    summary = forms.CharField(label=gettext_lazy("Résumé"), widget=forms.Textarea, required=False)
    mode = forms.ChoiceField(label=gettext_lazy("Participation"), choices=[
        ("onsite", gettext_lazy("Sur place")), ("online", gettext_lazy("En ligne"))])


def components(request):
    edition = queries.current_edition()
    context = {
        "states": [Event(state=state) for state in EventState.values],
        "statuses": [Event(status=status) for status in EventStatus.values],
        "sample_messages": [Message(level, text) for level, text in (
            (constants.INFO, _("Une information.")), (constants.SUCCESS, _("Une réussite.")),
            (constants.WARNING, _("Un avertissement.")), (constants.ERROR, _("Une erreur.")))],
        # Bound with a line break in a one-line field: the form shows its errors.
        "form": SampleForm({"title": "Atelier\nouvert", "mode": "onsite"}),
        "page_obj": Paginator(range(100), 10).page(3),
        "choices": [("44", "Loire-Atlantique", True), ("14", "Calvados", False)],
        "boxes": [("data", "Data", True), ("tourisme", "Tourisme", False)],
        "cards": queries.published_events(edition)[:1] if edition else [],
    }
    context["form"].is_valid()
    return render(request, "ui/components.html", context)
