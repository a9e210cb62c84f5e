"""OpenAgenda in the organiser space: upload a file, follow the import."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from semaine.core.forms import add_service_errors
from semaine.interop import openagenda
from semaine.interop.models import OpenAgendaImport
from semaine.interop.openagenda.forms import OpenAgendaImportForm
from semaine.organisers.models import Organisation
from semaine.organisers.permissions import require_member

REPORT_PAGE_SIZE = 100


def _organisation_for(request, slug) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    require_member(request.user, organisation)
    return organisation


@login_required
def import_start(request, slug):
    organisation = _organisation_for(request, slug)
    form = OpenAgendaImportForm(request.POST or None, request.FILES or None,
                                organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            run = openagenda.start_import(
                request.user, form.cleaned_data["programme"], form.document,
                track=form.cleaned_data["track"], submit=form.cleaned_data["submit"],
                track_keywords=form.cleaned_data["track_keywords"],
                file_name=form.cleaned_data["file"].name,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Le fichier est reçu : l’import est lancé."))
            return redirect("opendata:openagenda_run", slug=organisation.slug, pk=run.pk)
    runs = organisation.openagenda_imports.select_related("programme").defer("document", "report")
    return render(request, "opendata/openagenda_import.html", {
        "organisation": organisation, "form": form, "runs": runs[:10],
        "max_mb": openagenda.max_bytes() // (1024 * 1024) or 1,
    })


@login_required
def import_run(request, slug, pk):
    organisation = _organisation_for(request, slug)
    run = get_object_or_404(
        OpenAgendaImport.objects.select_related("programme__edition").defer("document"),
        pk=pk, organisation=organisation,
    )
    page = Paginator(run.report, REPORT_PAGE_SIZE).get_page(request.GET.get("page"))
    lines = [{**line, "label": openagenda.outcome_label(line["outcome"])} for line in page]
    counts = [(openagenda.outcome_label(outcome), count)
              for outcome, count in run.counts().items()]
    context = {"organisation": organisation, "run": run, "page_obj": page, "lines": lines,
               "counts": counts}
    if request.htmx:
        return render(request, "opendata/_openagenda_progress.html", context)
    return render(request, "opendata/openagenda_run.html", context)
