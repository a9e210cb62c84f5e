from datetime import date, datetime, timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from semaine.accounts.models import User
from semaine.agenda.models import (
    PARIS,
    Audience,
    Coordination,
    Edition,
    Event,
    EventState,
    Format,
    Programme,
    Slot,
    Track,
    Venue,
)
from semaine.consultations.models import Category, Consultation, Phase
from semaine.organisers.models import (
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Role,
)
from semaine.territory.models import Departement

PASSWORD = "un-mot-de-passe-solide"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.fr")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Département numéro {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = OrganisationKind.DEPARTEMENT
    status = OrganisationStatus.APPROVED
    departement = factory.LazyFunction(lambda: Departement.objects.get(code="44"))
    region = factory.LazyAttribute(lambda o: o.departement.region if o.departement else None)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.EDITOR


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition
        django_get_or_create = ("slug",)

    name = "Semaine de l'innovation publique (test)"
    slug = factory.Sequence(lambda n: f"edition-{n}")
    starts_on = factory.LazyFunction(lambda: date.today() + timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(days=6))
    submission_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=20))
    is_current = False


class CoordinationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coordination

    user = factory.SubFactory(UserFactory)
    edition = factory.SubFactory(EditionFactory)


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    organisation = factory.SubFactory(OrganisationFactory)
    name = "Hôtel du Département"
    address = "3 quai Ceineray"
    postcode = "44000"
    commune = "Nantes"
    departement = factory.LazyFunction(lambda: Departement.objects.get(code="44"))
    latitude = 47.2184
    longitude = -1.5536


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    edition = factory.SubFactory(EditionFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Parcours {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    edition = factory.SubFactory(EditionFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Atelier de facilitation graphique {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    summary = "Découvrir la facilitation graphique en deux heures."
    description = "Un atelier **pratique**."
    state = EventState.DRAFT

    @factory.post_generation
    def slots(obj, create, extracted, **kwargs):
        if not create:
            return
        count = 1 if extracted is None else extracted
        day = datetime.combine(obj.edition.starts_on, datetime.min.time(), PARIS)
        for i in range(count):
            Slot.objects.create(
                event=obj,
                starts_at=day + timedelta(days=i, hours=9),
                ends_at=day + timedelta(days=i, hours=12),
            )
        obj.refresh_span()

    @factory.post_generation
    def formats(obj, create, extracted, **kwargs):
        if create:
            obj.formats.set(extracted or [Format.objects.get(slug="atelier")])
            obj.audiences.set([Audience.objects.get(slug="agents-publics")])


def published_event(edition, organisation, *, title="Atelier", themes=(), formats=("atelier",),
                    venue=None, day=0, hour=9, **extra):
    """A published event with one two-hour slot on the edition's ``day``-th day, its facets and
    its full-text index up to date."""
    from semaine.agenda.models import Theme
    from semaine.agenda.search import refresh_search_vector

    extra.setdefault("published_at", timezone.now())
    event = EventFactory(edition=edition, organisation=organisation, title=title,
                         state=EventState.PUBLISHED, venue=venue, slots=0,
                         formats=list(Format.objects.filter(slug__in=formats)), **extra)
    start = datetime.combine(edition.starts_on + timedelta(days=day), datetime.min.time(), PARIS)
    Slot.objects.create(event=event, starts_at=start + timedelta(hours=hour),
                        ends_at=start + timedelta(hours=hour + 2))
    event.refresh_span()
    event.themes.set(Theme.objects.filter(slug__in=themes))
    refresh_search_vector([event.pk])
    return event


def move_slot(slot, *, starts_in=timedelta(minutes=-30), lasts=timedelta(hours=2)):
    """Move ``slot`` (after people registered to it) so that it starts ``starts_in`` from now:
    under way by default, when the welcome desk records presences."""
    start = timezone.now() + starts_in
    Slot.objects.filter(pk=slot.pk).update(starts_at=start, ends_at=start + lasts)
    slot.refresh_from_db()
    slot.event.refresh_span()
    return slot


def participant(**kwargs):
    """A person who may take part in consultations: signed up, address confirmed."""
    return UserFactory(email_verified_at=timezone.now(), **kwargs)


def consultation(organisation, *, phase="supports", categories=("Accueil", "Numérique"), **fields):
    """A consultation whose ``phase`` is under way today (each phase lasts ten days)."""
    order = [p.value for p in Phase]
    today = timezone.localdate()
    first = today - timedelta(days=10 * order.index(phase) + 5)
    dates = {}
    for n, code in enumerate(order):
        dates[f"{code}_starts"] = first + timedelta(days=10 * n)
        dates[f"{code}_ends"] = first + timedelta(days=10 * n + 9)
    slug = fields.pop("slug", f"consultation-{Consultation.objects.count() + 1}")
    made = Consultation.objects.create(
        organisation=organisation, slug=slug,
        title=fields.pop("title", "Concevoir ensemble le futur accueil numérique"),
        question=fields.pop("question", "Comment mieux accueillir les usagers ?"),
        **{**dates, **fields})
    for position, name in enumerate(categories):
        Category.objects.create(consultation=made, name=name, position=position)
    return made
