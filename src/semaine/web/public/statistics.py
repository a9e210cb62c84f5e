"""The statistics of an edition: a public page of charts, each with its table and its CSV."""

import csv

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from semaine.agenda.models import Edition
from semaine.agenda.permissions import is_coordinator
from semaine.agenda.queries import current_edition, edition_or_404
from semaine.core.cache import cache_anonymous, generation
from semaine.core.problems import problem
from semaine.core.spreadsheet import neutralise_formula
from semaine.opendata import charts
from semaine.opendata.stats import CHARTS, COORDINATOR_CHARTS, EditionStatistics, Table, edition_statistics

#: Registrations change without touching the programme: their figures are at most this old.
CACHE_TIMEOUT = 300


def _statistics(edition: Edition, coordinator: bool) -> EditionStatistics:
    """The edition's figures, computed once for the page and its CSV files, in the shared cache
    until the programme changes (the content generation moves) or for five minutes at most."""
    key = (f"semaine:statistics:{edition.pk}:{generation()}:{get_language()}:"
           f"{'coordination' if coordinator else 'public'}")
    statistics = cache.get(key)
    if statistics is None:
        statistics = edition_statistics(edition, coordinator=coordinator)
        cache.set(key, statistics, CACHE_TIMEOUT)
    return statistics


def _chart(table: Table) -> dict:
    prefix = f"graphique-{table.name}"
    if table.chart == "map":
        svg, classes = charts.choropleth(table, prefix)
        legend = [(map_class, charts.swatch(map_class, prefix)) for map_class in classes]
        return {"table": table, "svg": svg, "legend": legend, "id": table.name}
    return {"table": table, "svg": charts.bars(table, prefix), "legend": None, "id": table.name}


@require_safe
def current_statistics(request):
    edition = current_edition()
    if edition is None:
        return redirect("ui:home")
    return redirect("opendata:statistics", edition=edition.slug)


@require_safe
@cache_anonymous(CACHE_TIMEOUT)
def statistics_page(request, edition):
    edition = edition_or_404(edition)
    coordinator = is_coordinator(request.user, edition)
    statistics = _statistics(edition, coordinator)
    context = {
        "edition": edition,
        "figures": statistics.figures,
        "charts": [_chart(table) for table in statistics.public()],
        "restricted": [_chart(table) for table in statistics.restricted()],
        "coordinator": coordinator,
        "breadcrumb": [{"url": edition.get_absolute_url(), "title": edition.name}],
    }
    return render(request, "opendata/statistics.html", context)


def _csv_value(column, value):
    if value is None:
        return ""
    if column.kind == "rate":
        return f"{value:.1f}"
    return neutralise_formula(value) if isinstance(value, str) else value


@require_safe
@cache_anonymous(CACHE_TIMEOUT)
def statistics_csv(request, edition, chart):
    """One chart's data as CSV (UTF-8 with BOM, semicolons: what spreadsheets open as is)."""
    if chart not in CHARTS:
        return problem(request, 404, _("Graphique inconnu"),
                       _("Aucun graphique ne porte ce nom : %(names)s.") % {"names": ", ".join(CHARTS)})
    try:
        found = edition_or_404(edition)
    except Http404:
        return problem(request, 404, _("Édition inconnue"), _("Aucune édition ne porte ce nom."))
    coordinator = is_coordinator(request.user, found)
    if chart in COORDINATOR_CHARTS and not coordinator:
        return problem(request, 403, _("Réservé à la coordination"),
                       _("Ces chiffres sont réservés à la coordination nationale de l’édition."))
    table = _statistics(found, coordinator).tables[chart]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{found.slug}-{chart}.csv")
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([str(column.label) for column in table.columns])
    for cells in table.cells():
        writer.writerow([_csv_value(column, value) for column, value in cells])
    return response
