"""What the in-browser check needs to read an event page as a visitor does: the words the page
uses for the recorded codes (statuses, attendance modes, accessibility, languages), the
sentences it builds from recorded numbers (ages, places) and the names of the fields it reports.
These come from the platform's code and catalogue, never from the event's rows."""

import json

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.simple_tag
def ledger_display_labels() -> str:
    from semaine.agenda.models import ACCESSIBILITY_FIELDS, LANGUAGE_CHOICES, AttendanceMode, EventStatus

    return json.dumps({
        "status": {value: str(label) for value, label in EventStatus.choices},
        "attendance": {value: str(label) for value, label in AttendanceMode.choices},
        "accessibility": {name: str(label) for name, label in ACCESSIBILITY_FIELDS},
        "languages": {code: str(label) for code, label in LANGUAGE_CHOICES},
        # the event page's sentences, %(a)s and %(b)s standing for the numbers
        "age": {"both": _("De %(a)s à %(b)s ans"), "min": _("À partir de %(a)s ans"),
                "max": _("Jusqu’à %(b)s ans")},
        "places": {"one": ngettext("%(n)s place", "%(n)s places", 1),
                   "other": ngettext("%(n)s place", "%(n)s places", 2)},
        "registration": {"none": _("Entrée libre, sans inscription."),
                         "external": _("S’inscrire sur le site de l’organisateur"),
                         "platform": _("Inscription sur la plateforme.")},
        "fields": {
            "id": _("identifiant"), "edition": _("édition"), "state": _("état"), "title": _("titre"),
            "summary": _("résumé"), "description": _("description"), "status": _("statut"),
            "slots": _("créneaux"), "attendance_mode": _("mode de participation"),
            "venue.name": _("nom du lieu"), "venue.address": _("adresse"),
            "venue.postcode": _("code postal"), "venue.commune": _("commune"),
            "venue.position": _("position sur le plan"),
            "online_url": _("lien de participation en ligne"), "organisation": _("organisateur"),
            "co_organisers": _("co-organisateurs"), "programme": _("programme"),
            "track": _("parcours"), "formats": _("formats"), "themes": _("thèmes"),
            "audiences": _("publics"), "age": _("âge"), "accessibility": _("accessibilité"),
            "languages": _("langues"), "registration": _("inscription"),
        },
        "nothing": _("(rien)"),
    }, ensure_ascii=False)
