import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from semaine.accounts import outbox, services
from semaine.accounts.backends import address_blocked
from semaine.accounts.forms import DeleteAccountForm, NotificationForm, PasswordResetForm
from semaine.accounts.models import Email, EmailStatus
from semaine.consultations import privacy as consultations_privacy
from semaine.core import ratelimit
from semaine.core.forms import add_service_errors
from semaine.organisers import queries as organiser_queries
from semaine.organisers import services as organisers
from semaine.organisers.forms import SignUpForm
from semaine.organisers.models import Invitation, Organisation
from semaine.organisers.services import DuplicateOrganisation
from semaine.registrations.privacy import account_data as registrations_data


def signup(request):
    if request.user.is_authenticated:
        return redirect("organisers:home")
    form = SignUpForm(request.POST or None)
    join_pk = request.POST.get("join", "")
    join = Organisation.objects.filter(pk=join_pk).first() if join_pk.isdigit() else None
    # the organisation chosen stays on the page while the form is corrected
    existing = [join] if join is not None else []
    if request.method == "POST" and form.is_valid() and not _too_many_sign_ups(request, form):
        data = form.cleaned_data
        try:
            email = organisers.sign_up_organiser(
                email=data["email"], password=data["password"], first_name=data["first_name"],
                last_name=data["last_name"], join=join,
                organisation={"name": data["organisation_name"], "kind": data["organisation_kind"],
                              "departement": data["departement"], "siret": data["siret"],
                              "insee_code": data["insee_code"]},
            )
        except DuplicateOrganisation as duplicate:
            existing = duplicate.existing
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(outbox.status_url(email))
    return render(request, "accounts/signup.html", {"form": form, "existing": existing})


def _too_many_sign_ups(request, form) -> bool:
    """Sign-ups per hour from one address and for one e-mail (each sends an e-mail, whether the
    address has an account or not): the registration limits of the settings."""
    if ratelimit.hourly_attempt("signup", request, form.cleaned_data["email"]):
        return False
    form.add_error(None, _("Trop de demandes de création de compte en peu de temps : réessayez "
                           "dans une heure."))
    return True


@never_cache
def email_status(request, token):
    """Whether the e-mail the visitor is waiting for has left: sent, still on its way (the page
    refreshes itself), or could not be sent, with the reason and a button to try again."""
    email = outbox.from_status_token(token)
    if email is None:
        return render(request, "accounts/email_status.html", {"email": None}, status=404)
    if request.method == "POST":
        if outbox.send_again(Email.objects.filter(pk=email.pk)):
            messages.info(request, _("Nous essayons de nouveau d’envoyer le courriel."))
        return redirect(request.path)
    return render(request, "accounts/email_status.html", {"email": email, "statuses": EmailStatus})


def verify(request, uidb64, token):
    user = services.verify_email(uidb64, token)
    if user is None:
        return render(request, "accounts/verify_failed.html", status=400)
    messages.success(
        request,
        _("Votre adresse est confirmée. Connectez-vous : vous pourrez préparer vos événements ; "
          "la coordination validera votre organisation avant leur soumission."),
    )
    return redirect("accounts:login")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if address_blocked(request):
            return render(request, "accounts/locked_out.html", {
                "whole_address": True, "minutes": -(-settings.SEMAINE_LOGIN_ADDRESS_PERIOD // 60),
            }, status=429)
        return super().post(request, *args, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    email_template_name = "accounts/email_password_reset.txt"
    subject_template_name = "accounts/email_password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@login_required
def account(request):
    """« Mon compte »: what the platform keeps about me, its export, its erasure; how I receive
    the follow-up e-mails."""
    form = NotificationForm(request.POST or None,
                            initial={"notification_frequency": request.user.notification_frequency})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_notification_frequency(request.user,
                                                form.cleaned_data["notification_frequency"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Votre choix est enregistré."))
            return redirect("accounts:account")
    return render(request, "accounts/account.html", {
        "data": account_data(request.user), "notification_form": form,
        "invitations": organiser_queries.invitations_for(request.user),
    })


def account_data(user) -> dict:
    """Everything kept about the account: its registrations and its contributions to
    consultations (two domains that do not know each other)."""
    return {**registrations_data(user), **consultations_privacy.account_data(user)}


@login_required
@require_POST
def answer_invitation(request, pk):
    """« Mon compte »: accept or decline an organisation's invitation."""
    invitation = get_object_or_404(Invitation.objects.select_related("organisation"), pk=pk,
                                   user=request.user)
    name = invitation.organisation.name
    try:
        if request.POST.get("decision") == "accept":
            membership = organisers.accept_invitation(request.user, invitation)
            messages.success(request, _("Vous faites maintenant partie de %(name)s.") % {"name": name})
            return redirect("organisers:events", slug=membership.organisation.slug)
        organisers.decline_invitation(request.user, invitation)
        messages.info(request, _("Vous avez décliné l’invitation de %(name)s.") % {"name": name})
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("accounts:account")


@login_required
def export_account(request):
    response = HttpResponse(
        json.dumps(account_data(request.user), ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="mon-compte.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisers.delete_account(request.user, form.cleaned_data["password"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            logout(request)
            messages.success(request, _("Votre compte est supprimé."))
            return redirect("/")
    return render(request, "accounts/delete.html", {
        "form": form, "blocking": organisers.sole_admin_of(request.user),
    })
