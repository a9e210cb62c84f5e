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
    location_precision = "exact"


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


# --- hackathons --------------------------------------------------------------------------------


def hackathon_schedule(start=None) -> dict:
    """A hackathon's calendar: registration now, kick-off tomorrow, deadline in three days."""
    now = start or timezone.now()
    return {
        "registration_opens_at": now - timedelta(days=10),
        "registration_closes_at": now + timedelta(hours=12),
        "kickoff_at": now + timedelta(days=1),
        "submission_deadline": now + timedelta(days=3),
        "pitches_at": now + timedelta(days=3, hours=2),
        "results_at": now + timedelta(days=3, hours=4),
    }


def hackathon(edition, organisation, *, state="open", title="Hackathon tourisme et données",
              **values):
    """A published hackathon event and its hackathon (open by default), with one challenge."""
    from semaine.hackathons.models import Challenge, Hackathon

    event = published_event(edition, organisation, title=title, formats=("hackathon",),
                            registration_mode="platform")
    hack = Hackathon.objects.create(event=event, state=state,
                                    **{**hackathon_schedule(), "team_max": 3, **values})
    Challenge.objects.create(
        hackathon=hack, organisation=organisation, title="Tourisme",
        problem="Les visiteurs ne trouvent pas les sites peu connus.",
        serves="Les offices de tourisme", expected_outcome="Un service de suggestions",
        contact_name="Claire Dupont", contact_email="claire@example.fr")
    return hack


def participant(hack, **user_fields):
    """A person with a confirmed registration to the hackathon's event."""
    from semaine.registrations.models import Registration, RegistrationStatus

    user = UserFactory(**user_fields)
    Registration.objects.create(event=hack.event, slot=hack.event.slots.first(), user=user,
                                email=user.email, first_name=user.first_name,
                                last_name=user.last_name, status=RegistrationStatus.CONFIRMED,
                                confirmed_at=timezone.now())
    return user


def register_confirmed(event, user):
    """A confirmed registration of ``user`` to ``event`` (as the registration pages leave it)."""
    from semaine.registrations.models import Registration, RegistrationStatus

    return Registration.objects.create(
        event=event, slot=event.slots.order_by("starts_at").first(), user=user, email=user.email,
        first_name=user.first_name, last_name=user.last_name,
        status=RegistrationStatus.CONFIRMED, confirmed_at=timezone.now())


def hackathon_scenario(event, organiser, *, leads, jurors, publish=False):
    """A hackathon on ``event`` set up by ``organiser`` (a member of its organisation) through
    the services: two challenges with a dataset each, one team per lead (the lead registered),
    a submission each, two criteria and the jurors scoring every submission; with ``publish``,
    scoring closed and results published (the deadline moved into the past first)."""
    from semaine.hackathons import services
    from semaine.hackathons.models import Hackathon

    hack = services.set_up_hackathon(
        organiser, event, **hackathon_schedule(), team_min=1, team_max=4,
        rules="Les projets sont publiés sous **licence ouverte**.",
        code_of_conduct="Bienveillance et respect de chacun.",
        prizes="- Prix du jury\n- Prix des données")
    challenges = [services.add_challenge(
        organiser, hack, organisation=event.organisation, title=title, problem=problem,
        serves="Les visiteurs et les offices de tourisme", expected_outcome="Un prototype",
        contact_name="Claire Dupont", contact_email="defis@example.fr")
        for title, problem in (("Tourisme", "Faire découvrir les sites peu connus."),
                               ("Attractivité", "Donner envie de s’installer dans le territoire."))]
    for challenge in challenges:
        services.add_dataset(organiser, challenge, title=f"Données {challenge.title}",
                             producer=event.organisation.name, format="CSV",
                             url="https://data.example.fr/jeu.csv", licence="etalab-2.0")
    services.open_hackathon(organiser, hack)
    impact = services.add_criterion(organiser, hack, name="Impact", weight=2)
    data = services.add_criterion(organiser, hack, name="Usage des données", weight=1,
                                  scale_max=5)
    submissions = []
    for i, lead in enumerate(leads):
        register_confirmed(event, lead)
        team = services.create_team(lead, challenges[i % 2], name=f"Équipe {i + 1}",
                                    skills_sought="design, Python")
        submissions.append(services.save_submission(
            lead, team, title=f"Projet {i + 1}", summary="Un service construit avec les données.",
            description="Un **prototype** fonctionnel.", licence="MIT",
            repository_url="https://example.org/code", datasets=challenges[i % 2].datasets.all()))
    for j, user in enumerate(jurors):
        juror = services.invite_juror(organiser, hack, user.email)
        services.accept_jury(user, juror.token)
        for i, submission in enumerate(submissions):
            services.score(user, submission, values={impact.pk: (3 + i * 2 + j) % 11,
                                                     data.pk: (1 + i + j) % 6})
    if publish:
        Hackathon.objects.filter(pk=hack.pk).update(
            submission_deadline=timezone.now() - timedelta(minutes=1))
        hack.refresh_from_db()
        services.close_scoring(organiser, hack)
        services.publish_results(organiser, hack, prizes={submissions[0].pk: "Prix du jury"})
    hack.refresh_from_db()
    return hack


def hackathon_team(hack, lead, name):
    """A team created by ``lead`` (registered to the hackathon) on its first challenge."""
    from semaine.hackathons import services

    return services.create_team(lead, hack.challenges.first(), name=name)


def verified_person(**kwargs):
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
