"""Personal data of registrants (RGPD): ask for a link, see, export, erase.

Nothing here names an address in a URL, and no page says whether an address is known."""

import json

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from semaine.core import ratelimit
from semaine.registrations import privacy
from semaine.registrations.models import ACTIVE
from semaine.registrations.privacy_forms import AccessLinkForm

#: Link requests per hour: per client address (then refused), per e-mail (then silently not sent).
LIMIT_PER_ADDRESS = 20
LIMIT_PER_EMAIL = 3


def _invalid(request, error: ValidationError):
    return render(request, "privacy/invalid.html", {"reason": error.messages[0]}, status=400)


@never_cache
@sensitive_post_parameters("email")  # kept out of error reports
@require_http_methods(["GET", "POST"])
def request_link(request):
    form = AccessLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.hit("privacy-ip", ratelimit.client_address(request),
                             limit=LIMIT_PER_ADDRESS, period=3600):
            form.add_error(None, _("Trop de demandes en peu de temps : réessayez dans une heure."))
        else:
            email = form.cleaned_data["email"]
            if ratelimit.hit("privacy-email", email, limit=LIMIT_PER_EMAIL, period=3600):
                privacy.send_access_link(email)
            # The same page whether the address is known, unknown or over its limit.
            return render(request, "privacy/link_sent.html", {"days": privacy.ACCESS_LINK_DAYS})
    return render(request, "privacy/request.html", {
        "form": form, "days": privacy.ACCESS_LINK_DAYS, "months": privacy.retention_months(),
    })


@never_cache
@require_http_methods(["GET", "HEAD"])
def my_data(request, token):
    try:
        email = privacy.resolve(token)
    except ValidationError as error:
        return _invalid(request, error)
    registrations = list(privacy.registrations_of(email))
    for registration in registrations:
        registration.need_labels = privacy.access_need_labels(registration)
    return render(request, "privacy/my_data.html", {
        "token": token, "email": email, "registrations": registrations,
        "account": privacy.account_of(email), "days": privacy.ACCESS_LINK_DAYS,
    })


@never_cache
@require_http_methods(["GET", "HEAD"])
def export(request, token):
    try:
        email = privacy.resolve(token)
    except ValidationError as error:
        return _invalid(request, error)
    content = json.dumps(privacy.personal_data(email), ensure_ascii=False, indent=2)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mes-donnees-inscriptions.json"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def erase(request, token):
    try:
        email = privacy.resolve(token)
    except ValidationError as error:
        return _invalid(request, error)
    if request.method == "POST":
        count = privacy.erase(email)
        return render(request, "privacy/erased.html", {"count": count})
    registrations = list(privacy.registrations_of(email))
    return render(request, "privacy/erase.html", {
        "token": token, "count": len(registrations),
        "active": sum(r.status in ACTIVE for r in registrations),
        "account": privacy.account_of(email),
    })
