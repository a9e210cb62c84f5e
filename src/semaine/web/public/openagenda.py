"""The public OpenAgenda files: a programme's export, the sample file of the import page."""

import json

from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from semaine.agenda.models import Programme
from semaine.core.cache import cache_anonymous
from semaine.interop import openagenda


@require_safe
def sample_file(request):
    """The sample export shown on the import page, to try the import."""
    return FileResponse(openagenda.SAMPLE.open("rb"), as_attachment=True, filename=openagenda.SAMPLE.name,
                        content_type="application/json")


@require_safe
@cache_anonymous()
def programme_export(request, edition, slug):
    """The published events of a programme, in OpenAgenda's JSON shape."""
    programme = get_object_or_404(
        Programme.objects.select_related("edition", "organisation"), edition__slug=edition, slug=slug
    )
    document = openagenda.export_programme(programme, absolute_url=request.build_absolute_uri)
    response = HttpResponse(json.dumps(document, ensure_ascii=False, indent=1),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{programme.edition.slug}-{programme.slug}-openagenda.json")
    return response
