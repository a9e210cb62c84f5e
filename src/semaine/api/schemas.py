"""What the API reads and writes. Output: public facts only (never drafts, never people)."""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from semaine.agenda import dates
from semaine.agenda.models import AttendanceMode, EventState, EventStatus, RegistrationMode
from semaine.agenda.search import ACCESSIBILITY_KEYS
from semaine.core.text import forbidden_character, refusal


def _refuse_out_of_range(value, in_range):
    if not in_range(value):
        raise PydanticCustomError("date_out_of_range", dates.out_of_range_message())
    return value


def _iso_day(value):
    """A day is written in ISO 8601 (as the agenda's filters read it), never as a timestamp."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("date_format", _("Indiquez un jour au format AAAA-MM-JJ.")) from None
    return value


#: A day, or a moment with its offset, between ``dates.EARLIEST_DAY`` and ``dates.LATEST_DAY``
#: (any other is refused, with the accepted range, rather than looked up).
Day = Annotated[date, BeforeValidator(_iso_day),
                AfterValidator(lambda value: _refuse_out_of_range(value, dates.day_in_range))]
Moment = Annotated[AwareDatetime,
                   AfterValidator(lambda value: _refuse_out_of_range(value, dates.moment_in_range))]
AccessKey = Literal[tuple(ACCESSIBILITY_KEYS)]  # type: ignore[valid-type]
AttendanceValue = Literal[tuple(AttendanceMode.values)]  # type: ignore[valid-type]
RegistrationValue = Literal[tuple(RegistrationMode.values)]  # type: ignore[valid-type]
StatusValue = Literal[tuple(EventStatus.values)]  # type: ignore[valid-type]
StateValue = Literal[tuple(EventState.values)]  # type: ignore[valid-type]


# ---- reference lists and territories -----------------------------------------------------------

class ReferenceItemOut(Schema):
    slug: str
    name: str


class RegionOut(Schema):
    code: str
    slug: str
    name: str
    overseas: bool


class DepartementOut(Schema):
    code: str
    slug: str
    name: str
    region: str = Field(description="Code INSEE de la région")
    prefecture: str


class EditionOut(Schema):
    slug: str
    name: str
    starts_on: date
    ends_on: date
    theme_of_year: str
    description: str
    is_current: bool
    submission_deadline: datetime
    url: str


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: str
    region: str | None = Field(None, description="Code INSEE de la région")
    departement: str | None = Field(None, description="Code INSEE du département")
    website: str
    description: str
    url: str


class OrganisationRef(Schema):
    slug: str
    name: str


class TrackOut(Schema):
    slug: str
    name: str
    description: str
    position: int


class ProgrammeOut(Schema):
    slug: str
    title: str
    description: str
    edition: str
    organisation: OrganisationRef
    tracks: list[TrackOut]
    url: str


# ---- events --------------------------------------------------------------------------------------

class SlotOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    cancelled_at: datetime | None


class SlotWithEventOut(SlotOut):
    event: UUID


class VenueOut(Schema):
    name: str
    address: str
    postcode: str
    commune: str
    departement: str = Field(description="Code INSEE du département")
    region: str = Field(description="Code INSEE de la région")
    latitude: float | None
    longitude: float | None
    approximate_position: bool = Field(
        False, description="Vrai quand le lieu est placé au centre de sa commune ou de son "
                           "département (son adresse n’a pas été trouvée)")


class EventOut(Schema):
    id: UUID = Field(description="Identifiant public et stable de l’événement")
    slug: str
    url: str
    edition: str
    title: str
    summary: str
    description: str = Field(description="Markdown")
    status: StatusValue
    organisation: OrganisationRef
    co_organisers: list[OrganisationRef]
    programme: str | None
    track: str | None
    formats: list[str]
    themes: list[str]
    audiences: list[str]
    age_min: int | None
    age_max: int | None
    attendance_mode: AttendanceValue
    online_url: str
    venue: VenueOut | None
    accessibility: list[AccessKey]
    languages: list[str]
    registration_mode: RegistrationValue
    registration_url: str
    capacity: int | None
    registration_per_slot: bool
    first_starts_at: datetime | None
    last_ends_at: datetime | None
    published_at: datetime | None
    updated_at: datetime
    revision: int
    slots: list[SlotOut]


class OrganiserEventOut(EventOut):
    """An event as its own organisation sees it: with its moderation state."""

    state: StateValue
    venue_id: int | None
    submitted_at: datetime | None


class EventPage(Schema):
    items: list[EventOut]
    next_cursor: str | None = Field(description="À passer en `cursor` pour la page suivante")
    synced_at: datetime = Field(
        description="À repasser en `updated_since` (et `since` des retraits) à la prochaine "
        "synchronisation ; une marge couvre les écritures en cours, un événement peut revenir "
        "deux fois."
    )


class RemovalOut(Schema):
    id: UUID
    removed_at: datetime
    reason: Literal["unpublished", "deleted"]


class RemovalPage(Schema):
    items: list[RemovalOut]
    next_cursor: str | None
    synced_at: datetime


class SlotPage(Schema):
    items: list[SlotWithEventOut]
    next_cursor: str | None


class OrganisationPage(Schema):
    items: list[OrganisationOut]
    next_cursor: str | None


class ProgrammePage(Schema):
    items: list[ProgrammeOut]
    next_cursor: str | None


class DatasetOut(Schema):
    title: str
    url: str = Field(description="Adresse du jeu de données, ou du fichier déposé")
    format: str
    licence: str = Field(description="Identifiant SPDX")
    producer: str


class ChallengeRef(Schema):
    id: UUID
    title: str
    organisation: OrganisationRef
    url: str


class ProjectOut(Schema):
    """A hackathon project, once its hackathon's results are published (no person named)."""

    id: UUID
    title: str
    summary: str
    description: str = Field(description="Markdown")
    team: str = Field(description="Nom de l’équipe")
    challenge: ChallengeRef
    hackathon: UUID
    event: UUID
    licence: str = Field(description="Identifiant SPDX")
    repository_url: str
    demo_url: str
    video_url: str
    prize: str
    datasets: list[DatasetOut]
    url: str
    results_url: str


class ProjectPage(Schema):
    items: list[ProjectOut]
    next_cursor: str | None


class PhaseOut(Schema):
    phase: str
    starts_on: date
    ends_on: date


class ConsultationOut(Schema):
    slug: str
    title: str
    question: str
    context: str
    people_concerned: str
    organisation: str
    edition: str | None
    departement: str | None
    phases: list[PhaseOut]
    current_phase: str | None
    categories: list[str]
    workshops: list[UUID] = Field(description="Événements publiés qui alimentent la consultation")
    proposals_per_person: int
    supports_per_person: int | None
    support_threshold: int | None
    supports_closed_at: datetime | None
    url: str


class ConsultationPage(Schema):
    items: list[ConsultationOut]
    next_cursor: str | None


class ProposalOut(Schema):
    id: int
    title: str
    body: str
    category: str | None
    commune: str
    workshop: UUID | None = Field(description="L’atelier d’où vient la proposition, s’il y en a un")
    supports: int
    comments: int
    answer: Literal["accepted", "studying", "not_retained"] | None
    justification: str
    answered_at: datetime | None
    created_at: datetime
    url: str


class ProposalPage(Schema):
    items: list[ProposalOut]
    next_cursor: str | None


class OrganiserEventPage(Schema):
    items: list[OrganiserEventOut]
    next_cursor: str | None


class OrganiserVenueOut(Schema):
    id: int
    name: str
    address: str
    postcode: str
    commune: str
    departement: str


class WhoAmIOut(Schema):
    organisation: OrganisationRef
    token: str
    approved: bool


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[dict] | None = None


# ---- input ---------------------------------------------------------------------------------------

#: the input fields written on several lines (Markdown, explanations); every other text is one line
MULTI_LINE_INPUTS = {"summary", "description", "comment", "reason"}


class Strict(Schema):
    """Unknown fields are refused; so are control characters in text (``semaine.core.text``)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_control_characters(cls, value, info):
        multiline = info.field_name in MULTI_LINE_INPUTS
        for item in value if isinstance(value, list) else [value]:
            character = forbidden_character(item, multiline=multiline) if isinstance(item, str) else None
            if character is not None:
                raise PydanticCustomError("control_character", refusal(character))
        return value


class SlotIn(Strict):
    starts_at: Moment
    ends_at: Moment
    capacity: int | None = Field(None, ge=1, le=1_000_000)


class EventFieldsIn(Strict):
    title: str = Field(max_length=200)
    summary: str = Field(max_length=300)
    description: str = Field("", max_length=50_000)
    programme: str | None = Field(None, max_length=220, description="Slug d’un programme de l’organisation")
    track: str | None = Field(None, max_length=100, description="Slug d’un parcours du programme")
    formats: list[str] = Field(min_length=1, max_length=20)
    themes: list[str] = Field([], max_length=30)
    audiences: list[str] = Field(min_length=1, max_length=10)
    co_organisers: list[str] = Field([], max_length=20, description="Slugs d’organisations")
    age_min: int | None = Field(None, ge=0, le=120)
    age_max: int | None = Field(None, ge=0, le=120)
    attendance_mode: AttendanceValue = AttendanceMode.IN_PERSON.value
    online_url: str = Field("", max_length=200)
    venue: int | None = Field(None, ge=1, le=2**31 - 1, description="Identifiant d’un lieu de l’organisation")
    accessibility: list[AccessKey] = []
    languages: list[str] = Field(["fr"], max_length=10)
    registration_mode: RegistrationValue = RegistrationMode.NONE.value
    registration_url: str = Field("", max_length=200)
    capacity: int | None = Field(None, ge=1, le=1_000_000)
    registration_per_slot: bool = True
    offer_hours: int = Field(48, ge=1, le=24 * 14)


class EventCreateIn(EventFieldsIn):
    slots: list[SlotIn] = Field(min_length=1, max_length=50)


class EventPatchIn(Strict):
    """Only the fields sent change."""

    title: str = Field(None, max_length=200)
    summary: str = Field(None, max_length=300)
    description: str = Field(None, max_length=50_000)
    programme: str | None = Field(None, max_length=220)
    track: str | None = Field(None, max_length=100)
    formats: list[str] = Field(None, min_length=1, max_length=20)
    themes: list[str] = Field(None, max_length=30)
    audiences: list[str] = Field(None, min_length=1, max_length=10)
    co_organisers: list[str] = Field(None, max_length=20)
    age_min: int | None = Field(None, ge=0, le=120)
    age_max: int | None = Field(None, ge=0, le=120)
    attendance_mode: AttendanceValue = None
    online_url: str = Field(None, max_length=200)
    venue: int | None = Field(None, ge=1, le=2**31 - 1)
    accessibility: list[AccessKey] = None
    languages: list[str] = Field(None, max_length=10)
    registration_mode: RegistrationValue = None
    registration_url: str = Field(None, max_length=200)
    capacity: int | None = Field(None, ge=1, le=1_000_000)
    registration_per_slot: bool = None
    offer_hours: int = Field(None, ge=1, le=24 * 14)
    comment: str = Field("", max_length=2000, description="Pourquoi ce changement (historique)")


class CancelIn(Strict):
    reason: str = Field(min_length=1, max_length=2000)
