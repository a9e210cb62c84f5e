"""Demo data: the 2017 edition of the Semaine de l'innovation publique.

Built from a public article about the 2017 edition (20–26 November 2017): the Calvados round
table and hackathon, the forty-odd events of Loire-Atlantique in three tracks (Découvrir,
Partager, Comprendre), the LaBase workshops in Gironde and the online course followed in the
Val-d'Oise; the Calvados hackathon is played with its challenges, teams, projects, jury and
published results (``hackathon``). The article gives no times nor venues: those are
illustrative and every event is flagged ``is_illustrative``. The content is in the YAML files
of ``seed/data`` (read and checked by ``demo_data``); this module writes it.

Everything goes through the services (registration and approval of organisations, venues,
creation, submission and publication of events) so that the history of each event is recorded
as it would be in real use.

Since 2017 is long past, nobody could register to its events: the demo also holds an upcoming
edition, the « Mois de l'innovation publique », whose dates are computed when it is loaded (four
weeks starting a month or so later). Its events take registrations on the platform, and fictitious
people (addresses at ``exemple.fr``) have registered, one workshop being full with a waiting list.

``load_demo`` is idempotent: each edition is loaded once; when both are there, it only returns
the demo accounts.
"""

import copy
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from semaine.agenda import reference
from semaine.agenda.models import (
    AttendanceMode,
    Audience,
    Coordination,
    Edition,
    Event,
    EventState,
    Format,
    LocationPrecision,
    Programme,
    RegistrationMode,
    Theme,
    Track,
    Venue,
)
from semaine.agenda.services import (
    SlotData,
    create_event,
    locate_missing_venues,
    publish_event,
    save_venue,
    submit_event,
)
from semaine.consultations import services as consultations
from semaine.consultations.models import Consultation
from semaine.ledger.services import seal_all
from semaine.organisers.models import Membership, Organisation, OrganisationStatus, Role
from semaine.organisers.services import approve_organisation, register_organisation
from semaine.registrations.models import RegistrationStatus
from semaine.registrations.services import register
from semaine.territory.models import Departement

from . import hackathon
from .demo_data import (
    PARIS,
    VENUES_FILE,
    ConsultationData,
    DemoData,
    DemoDataError,
    EditionData,
    EventData,
    PartData,
    Person,
    consultations_data,
    demo_data,
    read_slots,
)


def upcoming_dates(today: date) -> tuple[date, date]:
    """First and last days of the upcoming edition: four weeks from the first Monday at least
    thirty days after ``today``."""
    earliest = today + timedelta(days=30)
    starts_on = earliest + timedelta(days=-earliest.weekday() % 7)
    return starts_on, starts_on + timedelta(weeks=4, days=-1)


def _accounts(data: DemoData) -> dict:
    return {
        "coordinator": (data.coordinator.email, data.password),
        "admin": (data.administrator.email, data.password),
        "editors": [
            (organisation.name, organisation.editor.email, data.password)
            for organisation in data.organisations
        ],
    }


def _slots(specs: list[str], capacity: int | None, first_day: date) -> list[SlotData]:
    return [SlotData(starts_at, ends_at, capacity)
            for starts_at, ends_at in read_slots(specs, first_day)]


class _Loader:
    def __init__(self, data: DemoData, edition: Edition, progress: Callable[[str], None]):
        self.data = data
        self.edition = edition
        self.progress = progress
        self.now = timezone.now()
        # Day "1" of the slots' specifications, and the path of the illustrative links.
        self.first_day = data.past.first_day
        self.url_prefix = data.past.links
        self.users: dict[str, object] = {}
        self.organisations: dict[str, Organisation] = {}
        self.venues: dict[str, Venue] = {}
        self.coordinator = None
        self.events: dict[str, Event] = {}  # the upcoming edition's, by key
        self.references = {
            model: self._reference(model, names)
            for model, names in (
                (Format, reference.FORMATS),
                (Theme, reference.THEMES),
                (Audience, reference.AUDIENCES),
            )
        }
        self.count = 0

    def for_edition(self, edition: Edition, *, first_day: date, url_prefix: str) -> "_Loader":
        """The same people, organisations and venues, creating events for another edition."""
        other = copy.copy(self)
        other.edition, other.first_day, other.url_prefix = edition, first_day, url_prefix
        other.count, other.events = 0, {}
        Coordination.objects.get_or_create(edition=edition, user=self.coordinator)
        return other

    @staticmethod
    def _reference(model, names) -> dict:
        items = {item.slug: item for item in model.objects.all()}
        for position, name in enumerate(names):
            slug = slugify(name)
            if slug not in items:
                items[slug], _created = model.objects.get_or_create(
                    slug=slug, defaults={"name": name, "position": position}
                )
        return items

    def refs(self, model, slugs: list[str]) -> list:
        return [self.references[model][slug] for slug in slugs]

    # People and organisations

    def user(self, person: Person, *, superuser=False):
        users = get_user_model().objects
        user = users.filter(email__iexact=person.email).first()
        if user is None:
            create = users.create_superuser if superuser else users.create_user
            user = create(person.email, self.data.password, first_name=person.first_name,
                          last_name=person.last_name, email_verified_at=self.now)
        return user

    def accounts(self) -> None:
        self.coordinator = self.user(self.data.coordinator)
        Coordination.objects.get_or_create(edition=self.edition, user=self.coordinator)
        self.user(self.data.administrator, superuser=True)

    def organisations_and_editors(self) -> None:
        departements = {d.code: d for d in Departement.objects.filter(
            code__in={spec.departement for spec in self.data.organisations if spec.departement}
        )}
        for spec in self.data.organisations:
            editor = self.user(spec.editor)
            self.users[spec.key] = editor
            organisation = Organisation.objects.filter(slug=slugify(spec.name)).first()
            if organisation is None:
                organisation = register_organisation(
                    editor, name=spec.name, kind=spec.kind,
                    departement=departements.get(spec.departement), website=spec.website,
                    description=spec.description, siret=spec.siret, insee_code=spec.insee_code,
                )
            else:
                Membership.objects.get_or_create(
                    user=editor, organisation=organisation, defaults={"role": Role.ADMIN}
                )
            if spec.approved and organisation.status == OrganisationStatus.PENDING:
                organisation = approve_organisation(
                    self.coordinator, organisation, self.data.approval_note,
                )
            self.organisations[spec.key] = organisation

    def load_venues(self) -> None:
        departements = {d.code: d for d in Departement.objects.filter(
            code__in={spec.departement for spec in self.data.venues.values()}
        )}
        for key, spec in self.data.venues.items():
            if spec.departement not in departements:
                raise DemoDataError(f"{VENUES_FILE}, lieu « {key} » : le département "
                                    f"« {spec.departement} » n'existe pas")
            organisation = self.organisations[spec.organisation]
            venue = Venue.objects.filter(organisation=organisation, name=spec.name).first()
            if venue is None:
                venue = save_venue(self.users[spec.organisation], organisation, {
                    "name": spec.name, "address": spec.address, "postcode": spec.postcode,
                    "commune": spec.commune, "departement": departements[spec.departement],
                    "latitude": spec.latitude, "longitude": spec.longitude,
                }, precision=LocationPrecision.EXACT)
            self.venues[key] = venue

    def programme(self, org: str, title: str, description: str) -> Programme:
        programme, _created = Programme.objects.get_or_create(
            edition=self.edition, slug=slugify(title),
            defaults={"organisation": self.organisations[org], "title": title,
                      "description": description},
        )
        return programme

    # Events

    def event(self, spec: EventData, *, programme: Programme | None = None,
              track: Track | None = None) -> Event:
        org, venue, reg, cap = spec.organisation, spec.venue, spec.registration, spec.capacity
        editor = self.users[org]
        organisation = self.organisations[org]
        mode = spec.attendance or (AttendanceMode.ONLINE if venue is None else AttendanceMode.IN_PERSON)
        access = spec.accessibility
        if access is None:
            access = [] if mode == AttendanceMode.ONLINE else ["motor"]
        slug = slugify(spec.title)[:60]
        online_url, registration_url = spec.online_url, spec.registration_url
        if mode != AttendanceMode.IN_PERSON and not online_url:
            online_url = f"https://visio.example.org/{self.url_prefix}/{slug}"
        if reg == RegistrationMode.EXTERNAL and not registration_url:
            registration_url = f"https://inscriptions.example.org/{self.url_prefix}/{slug}"
        audience_items = self.refs(Audience, spec.audiences)
        co_organisers = [self.organisations[key] for key in spec.co_organisers]
        fields = {
            "title": spec.title,
            "summary": spec.summary,
            "description": self._description(
                spec.detail, audiences=audience_items, reg=reg, cap=cap, mode=mode,
                co_organisers=co_organisers, track=track, programme=programme,
                per_slot=spec.per_slot,
            ),
            "programme": programme,
            "track": track,
            "attendance_mode": mode,
            "online_url": online_url,
            "venue": self.venues[venue] if venue else None,
            "languages": list(spec.languages),
            "registration_mode": reg,
            "registration_url": registration_url,
            "capacity": cap if reg == RegistrationMode.PLATFORM else None,
            "registration_per_slot": spec.per_slot,
            "age_min": spec.age_min,
            "age_max": spec.age_max,
            "is_illustrative": True,
            "formats": self.refs(Format, spec.formats),
            "themes": self.refs(Theme, spec.themes),
            "audiences": audience_items,
            "co_organisers": co_organisers,
        }
        fields.update({f"access_{flag}": True for flag in access})
        slots = _slots(spec.slots, cap if reg == RegistrationMode.PLATFORM else None, self.first_day)
        event = create_event(editor, organisation=organisation, edition=self.edition,
                             fields=fields, slots=slots)
        if spec.state in (EventState.SUBMITTED, EventState.PUBLISHED):
            event = submit_event(editor, event)
        if spec.state == EventState.PUBLISHED:
            event = publish_event(self.coordinator, event)
        self.count += 1
        return event

    @staticmethod
    def _description(detail, *, audiences, reg, cap, mode, co_organisers, track, programme,
                     per_slot=True):
        practical = [
            "- Public : " + ", ".join(item.name.lower() for item in audiences),
        ]
        if reg == RegistrationMode.PLATFORM:
            places = ""
            if cap:
                places = f" ({cap} places {'par séance' if per_slot else 'en tout'})"
            practical.append(f"- Inscription gratuite sur cette plateforme{places}")
        elif reg == RegistrationMode.EXTERNAL:
            practical.append("- Inscription gratuite sur le site indiqué")
        else:
            practical.append("- Entrée libre, sans inscription")
        if mode == AttendanceMode.ONLINE:
            practical.append("- En ligne : le lien de connexion figure sur cette page")
        elif mode == AttendanceMode.MIXED:
            practical.append("- Sur place ou en ligne, au choix")
        if co_organisers:
            practical.append(
                "- En partenariat avec " + ", ".join(org.name for org in co_organisers)
            )
        if track is not None:
            practical.append(f"- Parcours **{track.name}** du programme « {programme.title} »")
        return "\n\n".join([detail, "**En pratique**", "\n".join(practical)])

    def part(self, part: PartData) -> None:
        """A part of an edition file: its programme and tracks, then its events in order."""
        self.progress(part.progress)
        programme, tracks = None, {}
        if part.programme is not None:
            programme = self.programme(part.organisation, part.programme.title,
                                       part.programme.description)
            for position, track in enumerate(part.programme.tracks):
                tracks[track.slug], _created = Track.objects.get_or_create(
                    programme=programme, slug=track.slug,
                    defaults={"name": track.name, "description": track.description,
                              "position": position},
                )
        for spec in part.events:
            event = self.event(spec, programme=programme,
                               track=tracks[spec.track] if spec.track else None)
            if spec.key:
                self.events[spec.key] = event

    def registrations(self, edition: EditionData) -> None:
        """Through the registration service, as if each person had registered signed in. Their
        e-mails are queued like any other (the demo prints them on the console)."""
        if "smtp" in settings.EMAIL_BACKEND.lower():
            self.progress("Envoi d'e-mails réels configuré (SMTP) : les inscriptions de "
                          "démonstration ne sont pas créées.")
            return
        self.progress("Inscriptions de démonstration aux événements à venir…")
        statuses = []
        for key, seats in edition.registrations.items():
            slots = list(self.events[key].slots.order_by("starts_at", "pk"))
            for seat in seats:
                person = edition.attendees[seat.person]
                registration = register(
                    slot=slots[seat.slot], email=person.email,
                    first_name=person.first_name, last_name=person.last_name,
                    access_needs=list(seat.needs), access_other=seat.other,
                    email_verified=True,
                )
                statuses.append(registration.status)
        waiting = statuses.count(RegistrationStatus.WAITLISTED)
        self.progress(f"{len(statuses)} inscriptions, dont {waiting} en liste d'attente.")


def _at(day: date) -> datetime:
    return datetime.combine(day, time(12), PARIS)


def _load_consultations(loader: _Loader, edition: Edition, items: list[ConsultationData]) -> None:
    """The consultations of the 2017 edition, written through the services at the dates of
    their phases (proposals, supports and comments then), answered and their supports closed."""
    User = get_user_model()
    for spec in items:
        organisation = loader.organisations[spec.organisation]
        editor = loader.users[spec.organisation]
        if Consultation.objects.filter(organisation=organisation, title=spec.fields["title"]).exists():
            continue
        loader.progress(f"Consultation « {spec.fields['title']} »…")
        fields = dict(spec.fields)
        code = fields.pop("departement")
        fields["departement"] = Departement.objects.get(code=code) if code else None
        for phase, (first, last) in spec.phases.items():
            fields[f"{phase}_starts"], fields[f"{phase}_ends"] = first, last
        workshops = list(Event.objects.filter(edition=edition, organisation=organisation,
                                              title=spec.workshop)[:1]) if spec.workshop else []
        consultation = consultations.create_consultation(
            editor, organisation, edition=edition, categories=spec.categories,
            workshops=workshops, **fields)
        people = []
        for person in spec.participants:
            user = User.objects.filter(email=person.email).first() or User.objects.create_user(
                person.email, None, first_name=person.first_name, last_name=person.last_name)
            user.email_verified_at = _at(spec.phases["information"][0])
            user.save(update_fields=["email_verified_at"])
            people.append(user)
        categories = {c.name: c for c in consultation.categories.all()}
        proposing, supporting = _at(spec.phases["proposals"][0]), _at(spec.phases["supports"][0])
        for item in spec.proposals:
            written = {"title": item.title, "body": item.body,
                       "category": categories[item.category], "commune": item.commune}
            if item.by is None:
                proposal = consultations.enter_workshop_proposal(editor, consultation, workshops[0],
                                                                 **written)
            else:
                proposal = consultations.propose(people[item.by - 1], consultation, now=proposing,
                                                 **written)
            for comment in item.comments:
                made = consultations.comment(people[comment.by - 1], consultation, proposal=proposal,
                                             body=comment.body, alignment=comment.alignment,
                                             now=proposing)
                for reply in comment.replies:
                    consultations.comment(people[reply.by - 1], consultation, proposal=proposal,
                                          parent=made, body=reply.body, alignment=reply.alignment,
                                          now=proposing)
                if comment.hidden:
                    consultations.report_comment(people[item.by - 1 if item.by else 0], made)
                    consultations.hide_comment(editor, made, reason=comment.hidden)
            for number in item.supporters:
                consultations.support(people[number - 1], proposal, now=supporting)
        consultations.close_supports(editor, consultation)
        for item, proposal in zip(spec.proposals, consultation.proposals.order_by("pk"), strict=True):
            if item.answer:
                consultations.answer_proposal(editor, proposal, answer=item.answer,
                                              justification=item.justification)


def _load_past(loader: _Loader, edition: Edition) -> None:
    loader.progress(f"Édition {edition.slug}…")
    # The real deadline (10 November 2017) is long past: let the demo events in, then close.
    reopened_until = edition.submissions_reopened_until
    edition.submissions_reopened_until = datetime(2100, 1, 1, tzinfo=PARIS)
    edition.save(update_fields=["submissions_reopened_until"])

    for part in loader.data.past.parts:
        loader.part(part)

    edition.submissions_reopened_until = reopened_until
    edition.save(update_fields=["submissions_reopened_until"])
    loader.progress(f"{loader.count} événements créés pour l'édition {edition.slug}.")
    _load_consultations(loader, edition, consultations_data())


def _load_upcoming(loader: _Loader, today: date) -> Edition:
    data = loader.data.upcoming
    starts_on, ends_on = upcoming_dates(today)
    year = (today + timedelta(days=60)).year
    edition = Edition.objects.create(
        slug=data.slug,
        name=data.fields["name"].format(year=year),
        starts_on=starts_on,
        ends_on=ends_on,
        theme_of_year=data.fields["theme_of_year"],
        description=data.fields["description"].format(year=year),
        submission_deadline=datetime.combine(starts_on - timedelta(days=10), time(18, 0),
                                             tzinfo=PARIS),
        is_current=data.fields["is_current"],
    )
    upcoming = loader.for_edition(edition, first_day=starts_on,
                                  url_prefix=data.links.format(year=year))
    # Its submission deadline is at least twenty days away: no need to reopen submissions.
    for part in data.parts:
        upcoming.part(part)
    loader.progress(f"{upcoming.count} événements créés pour l'édition à venir "
                    f"(du {starts_on:%d/%m/%Y} au {ends_on:%d/%m/%Y}).")
    upcoming.registrations(data)
    return edition


def _locate_venues(progress: Callable[[str], None]) -> None:
    """Venues given without coordinates go on the map (their commune's centre offline)."""
    placed = locate_missing_venues()
    if placed:
        progress(f"Lieux placés sur la carte : {placed}.")


def load_demo(progress: Callable[[str], None] | None = None, data: DemoData | None = None) -> dict:
    """Create the 2017 demo edition, its organisers and events, and an upcoming edition whose
    events take registrations; return the demo accounts. The content is ``data``, by default
    the files of ``seed/data``, read and checked before anything is written.

    Idempotent: an edition already loaded (the 2017 one with events, the upcoming one at all) is
    left as it is; when both are, nothing is written.
    """
    progress = progress or (lambda message: None)
    data = data or demo_data()
    hackathon_data = hackathon.read()
    with transaction.atomic():
        fields = dict(data.past.fields)
        edition, created = Edition.objects.get_or_create(slug=fields.pop("slug"), defaults=fields)
        past_loaded = not created and edition.events.exists()
        upcoming_loaded = Edition.objects.filter(slug=data.upcoming.slug).exists()
        if past_loaded and upcoming_loaded:
            progress("Les éditions de démonstration (2017 et à venir) sont déjà chargées.")
            _locate_venues(progress)
            return _accounts(data)

        progress("Comptes et organisations…")
        loader = _Loader(data, edition, progress)
        loader.accounts()
        loader.organisations_and_editors()
        loader.load_venues()
        if past_loaded:
            progress("L'édition de démonstration 2017 est déjà chargée.")
        else:
            _load_past(loader, edition)
        progress("Le hackathon du Calvados…")
        hackathon.load(loader, hackathon_data)
        if not upcoming_loaded:
            _load_upcoming(loader, timezone.localdate())
    _locate_venues(progress)
    progress("Registre public : scellement du premier bloc…")
    seal_all()  # the demo's log is never empty: every published event is in its first block
    return _accounts(data)
