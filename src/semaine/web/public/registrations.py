"""Registering, confirming, cancelling, taking an offered seat; a ticket and its certificate."""


import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from semaine.accounts import outbox
from semaine.agenda.models import Event, EventState, RegistrationMode
from semaine.core import ratelimit
from semaine.core.forms import add_service_errors
from semaine.registrations import queries, services
from semaine.registrations.forms import RegistrationForm
from semaine.registrations.models import HOLDS_SEAT, Registration, RegistrationStatus


def _seats(event) -> dict:
    counts = dict(
        Registration.objects.filter(event=event, status__in=HOLDS_SEAT)
        .values_list("slot").annotate(n=Count("pk")).order_by()
    )
    return {
        slot.pk: (None if services.capacity_of(slot) is None
                  else services.capacity_of(slot) - counts.get(slot.pk, 0))
        for slot in event.slots.all()
    }


def register(request, public_id):
    event = get_object_or_404(
        Event.objects.select_related("edition", "venue").prefetch_related("slots"),
        public_id=public_id, state=EventState.PUBLISHED,
    )
    if event.registration_mode != RegistrationMode.PLATFORM:
        raise Http404
    user = request.user if request.user.is_authenticated else None
    initial = ({"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
               if user else {})
    slots = event.registration_slots()
    if not slots:
        return render(request, "registrations/register.html", {"event": event, "closed": True})
    form = RegistrationForm(request.POST or None, slots=slots, seats=_seats(event),
                            initial=initial, questions=event.questions.all(),
                            per_slot=event.registration_per_slot)
    if request.method == "POST" and form.is_valid() and not _too_many(request, form):
        data = form.cleaned_data
        verified = bool(user and data["email"].lower() == user.email.lower())
        try:
            registration = services.register(
                slot=next(slot for slot in slots if slot.pk == data["slot"]), email=data["email"],
                first_name=data["first_name"], last_name=data["last_name"],
                user=user if verified else None, any_slot=data.get("any_slot", False),
                access_needs=data["access_needs"], access_other=data["access_other"],
                answers=form.answers(), email_verified=verified,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if registration.status == RegistrationStatus.PENDING:
                sent = registration.emails.filter(template="confirm_address").order_by("-pk").first()
                if sent is not None:  # where the visitor sees whether the link left
                    return redirect(outbox.status_url(sent))
                return render(request, "registrations/check_mail.html",
                              {"event": event, "email": registration.email})
            return redirect("registrations:manage", token=registration.token)
    return render(request, "registrations/register.html", {"event": event, "form": form})


def _too_many(request, form) -> bool:
    """Registration attempts per hour, per address and per e-mail (settings)."""
    if ratelimit.hourly_attempt("register", request, form.cleaned_data["email"]):
        return False
    form.add_error(None, _("Trop de demandes d’inscription en peu de temps : réessayez dans "
                           "une heure."))
    return True


def confirm(request, token):
    try:
        registration = services.confirm_address(token)
    except ValidationError as error:
        return render(request, "registrations/invalid.html", {"reason": error.messages[0]}, status=400)
    return redirect("registrations:manage", token=registration.token)


@login_required
def mine(request):
    """A signed-in person's registrations (made signed in, or with the same address)."""
    registrations = (
        Registration.objects.filter(Q(user=request.user) | Q(email=request.user.email.lower()))
        .select_related("event__edition", "slot").order_by("-slot__starts_at")[:200]
    )
    return render(request, "registrations/mine.html", {"registrations": registrations})


def _by_token_or_404(request, token):
    registration = Registration.objects.select_related("event__edition", "event__venue", "slot").filter(
        token=token[:64]).first()
    if registration is None:
        return None, render(request, "registrations/invalid.html",
                            {"reason": _("Ce lien n’est pas valide.")}, status=404)
    return registration, None


def manage(request, token):
    registration, refusal = _by_token_or_404(request, token)
    if refusal:
        return refusal
    context = {"registration": registration, "event": registration.event,
               "certificate_ready": services.certificate_refusal(registration) is None,
               "position": queries.waiting_position(registration)}
    if registration.status == RegistrationStatus.CONFIRMED:
        scan_url = settings.SITE_URL + reverse(
            "registrations:scan", kwargs={"code": services.checkin_token(registration)})
        # segno writes the SVG itself (no user input in it), safe to embed.
        context["qr_svg"] = mark_safe(  # noqa: S308
            segno.make(scan_url, error="m").svg_inline(scale=5, title=_("Code d’accueil")))
    return render(request, "registrations/manage.html", context)


def certificate(request, token):
    """The attendance certificate of a civil servant, once checked in: a page to print."""
    registration, refusal = _by_token_or_404(request, token)
    if refusal:
        return refusal
    refusal = services.certificate_refusal(registration)
    if refusal:
        return render(request, "registrations/invalid.html", {"reason": refusal}, status=404)
    return render(request, "registrations/certificate.html",
                  {"registration": registration, "event": registration.event})


def cancel(request, token):
    """Asks first (a link opened by a mail scanner or by mistake cancels nothing); the form's
    POST cancels."""
    registration, refusal = _by_token_or_404(request, token)
    if refusal:
        return refusal
    if request.method != "POST":
        if not registration.is_active:
            return redirect("registrations:manage", token=registration.token)
        return render(request, "registrations/cancel.html",
                      {"registration": registration, "event": registration.event})
    try:
        services.cancel(registration)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Votre inscription est annulée."))
    return redirect("registrations:manage", token=registration.token)


def accept(request, token):
    registration = Registration.objects.select_related("event", "slot").filter(token=token[:64]).first()
    if registration is None:
        return render(request, "registrations/invalid.html",
                      {"reason": _("Ce lien n’est pas valide.")}, status=404)
    if request.method == "POST":
        try:
            services.accept_offer(token)
        except ValidationError as error:
            return render(request, "registrations/invalid.html", {"reason": error.messages[0]},
                          status=409)
        messages.success(request, _("La place est à vous : votre inscription est confirmée."))
        return redirect("registrations:manage", token=registration.token)
    return render(request, "registrations/accept.html",
                  {"registration": registration, "event": registration.event})
