"""Personal data of registrants (RGPD): see it, export it, erase it; anonymise it after a while.

Who may see an address's data: whoever reads that mailbox. `send_access_link` e-mails a link
to /mes-donnees/<token>/ and answers the same way whether or not the address is known, so the
form tells nobody who registered.

The token (valid `ACCESS_LINK_DAYS` days) carries no personal data. It is
`TimestampSigner(salt="semaine.privacy:" + address).sign(str(pk))` where pk is the id of the
address's latest registration: the URL reads ``<pk>:<timestamp>:<signature>``. Why this one:

- the address itself, even hashed, would be personal data in the URL (and so in access logs,
  browser history, proxies): a SHA-256 of an e-mail is reversed by trying known addresses;
- the registration's own `token` would do, but it is a lasting credential (the ticket page):
  a privacy link found in a log after three days would still open the ticket;
- an integer id opens nothing by itself; the signature's key is bound to the address the
  registration has *now*, so once the data are erased (the address becomes efface-<pk>@invalid)
  every link sent before stops working, with no table of links to keep or purge.

Erasing and anonymising keep the rows (status, slot, times, so counts per slot survive) and
replace what identifies the person: names, address, access needs, account link, and the ticket
token, which lives on in old e-mails and logs and would otherwise tie the anonymous row back to
its mailbox. Rows already anonymised are recognised by their address in the reserved `.invalid`
domain (RFC 2606: no real mailbox can have it).
"""

import contextlib
import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import MD5, Cast, Concat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from semaine.accounts.models import Email
from semaine.accounts.services import send_later
from semaine.agenda.models import paris_isoformat

from . import services
from .models import ACTIVE, AccessNeed, Question, Registration

logger = logging.getLogger(__name__)

SALT = "semaine.privacy"
ACCESS_LINK_DAYS = 3
ERASED_NAME = "—"
ERASED_PREFIX = "efface-"
ERASED_SUFFIX = "@invalid"


def normalise(email: str) -> str:
    return (email or "").strip().lower()


def is_erased(email: str) -> bool:
    return normalise(email).endswith(ERASED_SUFFIX)


# The link --------------------------------------------------------------------------------------

def _signer(email: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"{SALT}:{normalise(email)}")


def make_token(registration: Registration) -> str:
    return _signer(registration.email).sign(str(registration.pk))


def resolve(token: str) -> str:
    """The address a link was sent to; ValidationError if forged, expired or erased since."""
    invalid = ValidationError(_("Ce lien n’est pas ou plus valable : demandez-en un nouveau."))
    pk, sep, _rest = (token or "").partition(":")
    if not sep or len(token) > 200 or not (pk.isascii() and pk.isdigit()):
        raise invalid
    email = Registration.objects.filter(pk=int(pk)).values_list("email", flat=True).first()
    if email is None or is_erased(email):
        raise invalid
    try:
        value = _signer(email).unsign(token, max_age=timedelta(days=ACCESS_LINK_DAYS))
    except signing.BadSignature:  # SignatureExpired included
        raise invalid from None
    if value != pk:
        raise invalid
    return normalise(email)


def access_link(registration: Registration) -> str:
    return settings.SITE_URL + reverse("privacy:my_data", kwargs={"token": make_token(registration)})


def send_access_link(email: str) -> None:
    """E-mail the link if the address has registrations (any status); nothing otherwise. The
    caller answers the same in both cases."""
    email = normalise(email)
    if not email or is_erased(email):
        return
    latest = Registration.objects.filter(email=email).order_by("-created_at", "-pk").first()
    if latest is None:
        return
    body = render_to_string("privacy/email/access_link.txt", {
        "link": access_link(latest), "days": ACCESS_LINK_DAYS, "site_url": settings.SITE_URL,
        "request_url": settings.SITE_URL + reverse("privacy:request"),
    })
    send_later(email, _("Vos données d’inscription"), body)


# Reading ---------------------------------------------------------------------------------------

def registrations_of(email: str) -> QuerySet:
    email = normalise(email)
    if not email or is_erased(email):
        return Registration.objects.none()
    return (Registration.objects.filter(email=email).select_related("event__edition", "slot")
            .order_by("slot__starts_at", "created_at", "pk"))


def access_need_labels(registration: Registration) -> list[str]:
    labels = dict(AccessNeed.choices)
    return [str(labels.get(need, need)) for need in registration.access_needs]


def retention_months() -> int:
    return int(getattr(settings, "SEMAINE_RETENTION_MONTHS", 12))


def account_of(email: str):
    email = normalise(email)
    if not email or is_erased(email):
        return None
    return (get_user_model().objects.filter(email__iexact=email)
            .prefetch_related("memberships__organisation").first())


def _question_labels(registrations) -> dict:
    keys = {int(k) for r in registrations for k in r.answers if str(k).isdigit()}
    if not keys:
        return {}
    return {str(pk): label for pk, label in Question.objects.filter(pk__in=keys)
            .values_list("pk", "label")}


def personal_data(email: str) -> dict:
    """Everything the platform holds on an address, ready for `json.dumps`."""
    rows = list(registrations_of(email))
    labels = _question_labels(rows)
    registrations = [
        {
            "event": {"title": r.event.title,
                      "url": settings.SITE_URL + r.event.get_absolute_url()},
            "slot": {"starts_at": paris_isoformat(r.slot.starts_at),
                     "ends_at": paris_isoformat(r.slot.ends_at)},
            "status": r.status,
            "status_label": r.get_status_display(),
            "first_name": r.first_name,
            "last_name": r.last_name,
            "email": r.email,
            "any_slot": r.any_slot,
            "access_needs": list(r.access_needs),
            "access_needs_labels": access_need_labels(r),
            "access_other": r.access_other,
            "answers": [{"question": labels.get(str(k), str(k)), "answer": v}
                        for k, v in (getattr(r, "answers", None) or {}).items()],
            "created_at": paris_isoformat(r.created_at),
            "confirmed_at": paris_isoformat(r.confirmed_at),
            "offered_at": paris_isoformat(r.offered_at),
            "offer_expires_at": paris_isoformat(r.offer_expires_at),
            "cancelled_at": paris_isoformat(r.cancelled_at),
            "checked_in_at": paris_isoformat(r.checked_in_at),
        }
        for r in rows
    ]
    user = account_of(email)
    account = None
    if user is not None:
        account = {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": paris_isoformat(user.date_joined),
            "last_login": paris_isoformat(user.last_login),
            "organisations": sorted(m.organisation.name for m in user.memberships.all()),
        }
    return {
        "email": normalise(email),
        "exported_at": paris_isoformat(timezone.now()),
        "registrations": registrations,
        "account": account,
    }


# Erasing ---------------------------------------------------------------------------------------

def account_data(user) -> dict:
    """Everything the platform keeps about ``user``'s account, as « Mon compte » exports it: the
    account, its memberships, the invitations it received and the requests to join it sent, its
    coordinations, and the registrations made while signed in."""
    return {
        "compte": {
            "adresse_electronique": user.email,
            "prenom": user.first_name,
            "nom": user.last_name,
            "cree_le": user.date_joined.isoformat(),
            "adresse_verifiee_le": user.email_verified_at.isoformat() if user.email_verified_at else None,
            "derniere_connexion": user.last_login.isoformat() if user.last_login else None,
        },
        "organisations": [
            {"organisation": m.organisation.name, "role": str(m.get_role_display()),
             "depuis": m.created_at.isoformat()}
            for m in user.memberships.select_related("organisation").order_by("organisation__name")
        ],
        "invitations": [
            {"organisation": i.organisation.name, "role": str(i.get_role_display()),
             "etat": str(i.get_state_display()), "recue_le": i.created_at.isoformat(),
             "repondue_le": i.answered_at.isoformat() if i.answered_at else None}
            for i in user.invitations.select_related("organisation").order_by("created_at", "pk")
        ],
        "demandes_pour_rejoindre": [
            {"organisation": r.organisation.name, "message": r.message,
             "etat": str(r.get_state_display()), "envoyee_le": r.created_at.isoformat(),
             "decidee_le": r.decided_at.isoformat() if r.decided_at else None,
             "raison_du_refus": r.reason}
            for r in user.join_requests.select_related("organisation").order_by("created_at", "pk")
        ],
        "coordinations": [
            {"edition": c.edition.name} for c in user.coordinations.select_related("edition")
        ],
        "inscriptions": [
            {"evenement": r.event.title, "creneau": r.slot.starts_at.isoformat(),
             "statut": str(r.get_status_display())}
            for r in Registration.objects.filter(user=user).select_related("event", "slot")
            .order_by("slot__starts_at")
        ],
    }


def _anonymise(queryset: QuerySet) -> int:
    """One UPDATE over the rows not anonymised yet. The new ticket token is a hash of a secret
    drawn for this call and then forgotten: unique, unguessable, tied to nothing."""
    secret = secrets.token_hex(32)
    pk_text = Cast("pk", output_field=CharField())
    extra = {"answers": {}}
    return queryset.exclude(email__endswith=ERASED_SUFFIX).update(
        **extra,
        first_name=ERASED_NAME,
        last_name=ERASED_NAME,
        email=Concat(Value(ERASED_PREFIX), pk_text, Value(ERASED_SUFFIX), output_field=CharField()),
        access_needs=[],
        access_other="",
        user=None,
        # MD5 is built into PostgreSQL and SQLite alike (SHA256 needs pgcrypto); what keeps the
        # token unguessable is the 256-bit secret, not the hash's collision resistance.
        token=MD5(Concat(Value(secret), pk_text, output_field=CharField())),
    )


@transaction.atomic
def erase(email: str) -> int:
    """Cancel the address's live registrations (their seats go to the next in line, nobody is
    e-mailed about the cancellation), then anonymise all its registrations. Returns how many."""
    email = normalise(email)
    if not email or is_erased(email):
        return 0
    for _attempt in range(3):  # a pass cancels everything seen; a retry covers a racing sign-up
        active = list(Registration.objects.filter(email=email, status__in=ACTIVE))
        if not active:
            break
        # Places on waiting lists first, so a freed seat is never offered to the same person;
        # then by slot, the order in which every eraser takes the slot locks.
        active.sort(key=lambda r: (r.holds_seat, r.slot_id, r.pk))
        for registration in active:
            with contextlib.suppress(ValidationError):  # cancelled meanwhile
                services.cancel(registration, notify=False)
    Email.objects.filter(Q(to=email) | Q(registration__email=email)).delete()  # queued or kept
    count = _anonymise(Registration.objects.filter(email=email))
    logger.info("Personal data erased on request: %d registration(s).", count)
    return count


def _months_before(moment: datetime, months: int) -> datetime:
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in range(moment.day, 27, -1):  # 31 March − 1 month → 28 or 29 February
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def anonymise_past(months: int | None = None, *, now: datetime | None = None) -> int:
    """Anonymise every registration to a slot that ended more than `months` months ago
    (setting SEMAINE_RETENTION_MONTHS, 12 by default). Idempotent; one UPDATE."""
    months = retention_months() if months is None else int(months)
    cutoff = _months_before(now or timezone.now(), months)
    count = _anonymise(Registration.objects.filter(slot__ends_at__lt=cutoff))
    logger.info("Registrations of slots ended before %s anonymised: %d.", cutoff.date(), count)
    return count
