"""The organiser's attendee list and its downloads, the welcome desk and its check-in, questions
asked at registration, messages to attendees."""

import csv
from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from semaine.accounts.models import EmailKind
from semaine.accounts.queries import email_report, message_outcomes
from semaine.agenda.models import PARIS, Event
from semaine.agenda.permissions import require_event_editor
from semaine.core.forms import add_service_errors
from semaine.core.pagination import paginate
from semaine.core.spreadsheet import neutralise_formula
from semaine.registrations import services
from semaine.registrations.forms import MessageForm, QuestionForm
from semaine.registrations.models import HOLDS_SEAT, AccessNeed, Question, Registration, RegistrationStatus


@login_required
def scan(request, code):
    """Opened by the organiser's phone from the ticket's QR code."""
    try:
        registration = services.registration_from_checkin_token(code)
    except ValidationError as error:
        return render(request, "registrations/invalid.html", {"reason": error.messages[0]},
                      status=400)
    require_event_editor(request.user, registration.event)
    if request.method == "POST":
        try:
            services.check_in(request.user, registration)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Arrivée de %(name)s enregistrée.")
                             % {"name": registration.first_name})
        return redirect("registrations:desk", pk=registration.event_id)
    return render(request, "registrations/scan.html", {
        "registration": registration, "event": registration.event,
        "refusal": services.checkin_refusal(registration.event, registration.slot),
    })


@login_required
def desk(request, pk):
    """The check-in page for a phone: find by name, or scan a ticket's code."""
    event = get_object_or_404(Event.objects.select_related("edition"), pk=pk)
    require_event_editor(request.user, event)
    query = " ".join(request.GET.get("q", "").split())[:100]
    found = []
    if query:
        found = Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).filter(
            Q(first_name__icontains=query) | Q(last_name__icontains=query)
        ).select_related("slot").order_by("last_name", "first_name")[:30]
    closed = _closed_slots(event)
    found = list(found)
    for registration in found:
        registration.checkin_refusal = closed.get(registration.slot_id)
    return render(request, "registrations/desk.html", {"event": event, "query": query, "found": found})


def _closed_slots(event) -> dict:
    """The slots of ``event`` on which no presence can be recorded now, with the reason."""
    now = timezone.now()
    reasons = {slot.pk: services.checkin_refusal(event, slot, now) for slot in event.slots.all()}
    return {pk: reason for pk, reason in reasons.items() if reason}


#: People per page of the attendee list (the exports hold everyone).
ATTENDEES_PER_PAGE = 100


@login_required
def attendees(request, pk):
    event = get_object_or_404(Event.objects.select_related("edition"), pk=pk)
    require_event_editor(request.user, event)
    registrations = Registration.objects.filter(event=event).select_related("slot").order_by(
        "slot__starts_at", "status", "created_at")
    slots = event.slots.annotate(
        confirmed=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)),
        waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)),
        offered=Count("registrations", filter=Q(registrations__status=RegistrationStatus.OFFERED)),
        present=Count("registrations", filter=Q(registrations__checked_in_at__isnull=False)),
    )
    if request.GET.get("format") == "csv":
        return _csv(event, registrations)
    if request.GET.get("format") == "xlsx":
        return _xlsx(event, registrations)
    needs = {}
    for access_needs in registrations.filter(status__in=HOLDS_SEAT).values_list("access_needs", flat=True):
        for need in access_needs:
            needs[need] = needs.get(need, 0) + 1
    labels = dict(AccessNeed.choices)
    query = " ".join(request.GET.get("q", "").split())[:100]
    if query:
        for word in query.split()[:5]:
            registrations = registrations.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return render(request, "registrations/attendees.html", {
        "event": event, "slots": [(s, services.capacity_of(s)) for s in slots],
        "page_obj": paginate(request, registrations, ATTENDEES_PER_PAGE), "query": query,
        "needs": [(labels[k], n) for k, n in sorted(needs.items())],
        "closed": _closed_slots(event), **_email_context(event),
    })


def _email_context(event) -> dict:
    """The e-mails about the event that could not be sent or are on their way, and the outcome
    of the organiser's last messages."""
    attendees = event.emails.exclude(kind=EmailKind.NOTIFICATION)  # decisions: the coordination's
    return {"report": email_report(attendees), "outcomes": message_outcomes(event),
            "retry_url": reverse("registrations:retry_emails", kwargs={"pk": event.pk})}


@login_required
@require_POST
def retry_emails(request, pk):
    event = get_object_or_404(Event, pk=pk)
    count = services.send_failed_emails_again(request.user, event)
    messages.info(request, ngettext("%(n)s courriel est de nouveau en cours d’envoi.",
                                    "%(n)s courriels sont de nouveau en cours d’envoi.", count)
                  % {"n": count})
    return redirect("registrations:attendees", pk=event.pk)


_cell = neutralise_formula  # OWASP: prefix =, +, -, @, tab, CR


def _answer(value) -> str:
    if value is True:
        return _("oui")
    if value in (None, False):
        return ""
    return str(value)


def _rows(event, registrations):
    """The export's rows, in words: the statuses and needs by their French labels, never their
    codes."""
    asked = list(event.questions.all())
    needs = {value: str(label) for value, label in AccessNeed.choices}
    yield [_("Créneau"), _("Statut"), _("Prénom"), _("Nom"), _("Adresse électronique"),
           _("Besoins d’accessibilité"), _("Présent"), *[q.label for q in asked]]
    for r in registrations:
        yield [
            timezone.localtime(r.slot.starts_at, PARIS).strftime("%d/%m/%Y %H:%M"),
            str(r.get_status_display()), r.first_name, r.last_name, r.email,
            ", ".join([needs.get(need, need) for need in r.access_needs]
                      + ([r.access_other] if r.access_other else [])),
            _("oui") if r.checked_in_at else "",
            *[_answer(r.answers.get(str(q.pk))) for q in asked],
        ]


def _xlsx(event, registrations):
    """Every cell is written as text: a value starting with = is never taken for a formula."""

    book = Workbook()
    sheet = book.active
    sheet.title = "Inscriptions"
    for row in _rows(event, registrations):
        sheet.append([None] * len(row))
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=sheet.max_row, column=column)
            cell.value = value
            cell.data_type = "s"
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="inscriptions-{event.pk}.xlsx"'
    return response


def _csv(event, registrations):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="inscriptions-{event.pk}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    for row in _rows(event, registrations):
        writer.writerow([_cell(value) for value in row])
    return response


@login_required
def message(request, pk):
    event = get_object_or_404(Event.objects.select_related("edition", "organisation"), pk=pk)
    require_event_editor(request.user, event)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.message_attendees(request.user, event, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.info(request, ngettext(
                "Message en cours d’envoi à %(n)s personne : le résultat s’affiche ci-dessous.",
                "Message en cours d’envoi à %(n)s personnes : le résultat s’affiche ci-dessous.",
                count) % {"n": count})
            return redirect("registrations:message", pk=event.pk)
    return render(request, "registrations/message.html",
                  {"event": event, "form": form, **_email_context(event)})


@login_required
def questions(request, pk):
    """The questions asked to everyone who registers (text, choice, checkbox; required or not)."""
    event = get_object_or_404(Event.objects.select_related("edition"), pk=pk)
    require_event_editor(request.user, event)
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        if "delete" in request.POST:
            question = get_object_or_404(Question, pk=request.POST["delete"], event=event)
            services.delete_question(request.user, question)
            messages.success(request, _("La question est retirée."))
            return redirect("registrations:questions", pk=event.pk)
        if form.is_valid():
            try:
                services.add_question(request.user, event, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("La question est ajoutée."))
                return redirect("registrations:questions", pk=event.pk)
    return render(request, "registrations/questions.html",
                  {"event": event, "form": form, "questions": event.questions.all()})


@login_required
@require_POST
def check_in(request, pk):
    registration = get_object_or_404(Registration, pk=pk)
    try:
        services.check_in(request.user, registration)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Arrivée de %(name)s enregistrée.") % {"name": registration.first_name})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("registrations:attendees", kwargs={"pk": registration.event_id})
    return redirect(target)
