"""The organiser space's page « Jetons d'API »: an organisation's administrators create and
revoke the tokens that programs use to publish through the API."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from semaine.api.models import ApiToken
from semaine.api.tokens import create_api_token, revoke_api_token
from semaine.core.forms import add_service_errors
from semaine.organisers.models import Organisation
from semaine.organisers.permissions import is_org_admin, require_member
from semaine.ui.forms import Form


class TokenForm(Form):
    name = forms.CharField(
        label=gettext_lazy("Nom du jeton"), max_length=100,
        help_text=gettext_lazy("Par exemple, l’outil qui l’utilisera : « Agenda du site départemental »."),
    )


@never_cache
@login_required
def tokens(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    require_member(request.user, organisation)
    is_admin = is_org_admin(request.user, organisation)
    form = TokenForm(request.POST or None) if is_admin else None
    secret = None
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied(_("Seuls les administrateurs de l'organisation peuvent faire cela."))
        if "revoke" in request.POST:
            token = get_object_or_404(ApiToken, pk=request.POST["revoke"] if request.POST["revoke"].isdigit()
                                      else 0, organisation=organisation)
            revoke_api_token(request.user, token)
            messages.success(request, _("Le jeton « %(name)s » est révoqué.") % {"name": token.name})
            return redirect("opendata:tokens", slug=organisation.slug)
        if form.is_valid():
            try:
                token, secret = create_api_token(request.user, organisation, form.cleaned_data["name"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                form = TokenForm()
    return render(
        request, "opendata/tokens.html",
        {"organisation": organisation, "form": form, "is_admin": is_admin, "secret": secret,
         "tokens": organisation.api_tokens.select_related("created_by")[:200]},
    )
