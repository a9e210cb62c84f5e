from django.utils.translation import gettext as _

from semaine.core.problems import problem


def not_found(request, rest):
    """Any other address under /api/: a problem document, like the API's own errors."""
    return problem(request, 404, _("Introuvable"), _("Cette adresse de l’API n’existe pas."))
