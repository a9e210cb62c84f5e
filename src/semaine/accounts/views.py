from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from semaine.ui.forms import add_service_errors

from . import services
from .forms import PasswordResetForm, SignUpForm


def signup(request):
    if request.user.is_authenticated:
        return redirect("organisers:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.sign_up_organiser(
                email=data["email"], password=data["password"], first_name=data["first_name"],
                last_name=data["last_name"],
                organisation={"name": data["organisation_name"], "kind": data["organisation_kind"],
                              "departement": data["departement"]},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(request, "accounts/signup_done.html", {"email": data["email"]})
    return render(request, "accounts/signup.html", {"form": form})


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


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    email_template_name = "accounts/email_password_reset.txt"
    subject_template_name = "accounts/email_password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
