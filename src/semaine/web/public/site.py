from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from semaine.accounts import outbox
from semaine.agenda import queries
from semaine.agenda.models import Edition
from semaine.organisers.permissions import is_any_coordinator


def home(request):
    edition = queries.current_edition()
    context = {"edition": edition}
    if edition is not None:
        context.update(queries.edition_figures(edition))
        context["upcoming"] = queries.published_events(edition)[:6]
        # Another edition still to come (or under way): the soonest one.
        context["next_edition"] = (
            Edition.objects.exclude(pk=edition.pk)
            .filter(ends_on__gte=timezone.localdate())
            .order_by("starts_on", "pk")
            .first()
        )
    return render(request, "ui/home.html", context)


@login_required
def dashboard(request):
    if is_any_coordinator(request.user) and not request.user.memberships.exists():
        return redirect("coordination:queue")
    return redirect("organisers:home")


@require_GET
def switch_language(request, code):
    """Choose the interface's language (a preference cookie) and go back to the page.

    A link rather than Django's POST form, so that anonymous pages carry no CSRF token and can
    be cached for everyone.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    response = redirect(target)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600,
                        samesite="Lax", secure=request.is_secure())
    return response


def accessibility(request):
    return render(request, "ui/accessibility.html")


def legal(request):
    return render(request, "ui/legal.html")


@never_cache
@require_GET
def healthz(request):
    """For load balancers: 200 when the database answers, 503 otherwise. The body also counts
    what went wrong in the background (e-mails that could not be sent or wait for a retry, tasks
    that failed): « degraded » then, still 200, since the web process itself is fine."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        emails, tasks = _background_counts()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    degraded = emails["failed"] or emails["overdue"] or tasks["failed"]
    return JsonResponse({"status": "degraded" if degraded else "ok", "database": "ok",
                         "emails": emails, "tasks": tasks})


def _background_counts() -> tuple[dict, dict]:

    return outbox.counts(), {"failed": DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count()}


def permission_denied(request, exception=None):
    return render(request, "ui/403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request, exception=None):
    return render(request, "ui/404.html", status=404)


def server_error(request):
    return render(request, "ui/500.html", status=500)
