"""The programme of an edition at a glance: aggregate counts, computed by the database.

Every figure is a ``GROUP BY`` (``values`` + ``annotate``) over published events only: drafts,
submitted and refused events never count. A whole page costs a fixed number of queries,
however large the edition. Registrations are counted, never listed: no name leaves here.

What counts:

- an event counts once in its venue's département and région (an online event without a
  venue in "online or no venue"), once in each of its themes, formats and audiences, and once
  on each day of the edition that one of its slots covers (the agenda's ``day:`` facets);
- seats are those of the slots that take registrations on the platform, not cancelled, of
  events not cancelled: the slot's own capacity or the event's, every slot when registration
  is per slot, the first slot only when it is for the whole event (where registrations are
  held); a slot without a limit has no seat figure;
- "confirmed" are the confirmed registrations, "waiting" those on the waiting list, a freed
  seat offered to them included; pending (address not confirmed), cancelled and expired
  registrations are not counted; the fill rate is confirmed over seats, on limited slots.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, F, IntegerField, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from semaine.agenda.models import (
    PARIS,
    Edition,
    Event,
    EventState,
    EventStatus,
    RegistrationMode,
    Slot,
)
from semaine.agenda.queries import label_counts, organisations_taking_part, reference_lists
from semaine.organisers.models import OrganisationKind
from semaine.registrations.models import Registration, RegistrationStatus
from semaine.ui.dates import format_date

NO_VENUE = "online"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    #: "label" (the row's name), "code", "count" or "rate" (a percentage, one decimal)
    kind: str = "count"


@dataclass
class Table:
    """One chart's data: what the chart draws, the accessible table and the CSV share it."""

    name: str  # in the CSV's address: /statistiques/<name>.csv
    title: str
    description: str
    columns: list[Column]
    rows: list[dict]
    chart: str = "bars"  # "bars" or "map"
    value: str = "events"  # the column the chart draws
    restricted: bool = False  # for the edition's coordinators only
    notes: list[str] = field(default_factory=list)
    draw_zero: bool = False  # draw the rows at zero too (the days: a gap is information)

    @property
    def is_empty(self) -> bool:
        return not any(row.get(self.value) for row in self.rows)

    @property
    def drawn(self) -> list[dict]:
        """The rows the chart draws; the table and the CSV keep every row."""
        return [row for row in self.rows if self.draw_zero or row.get(self.value) != 0]

    @property
    def omits_rows(self) -> bool:
        return len(self.drawn) < len(self.rows)

    def cells(self):
        """The rows as lists of (column, value), in the columns' order."""
        for row in self.rows:
            yield [(column, row.get(column.key)) for column in self.columns]


EVENTS = Column("events", gettext_lazy("Événements"))
SEATS = Column("seats", gettext_lazy("Places"))
CONFIRMED = Column("confirmed", gettext_lazy("Inscrits"))
WAITING = Column("waiting", gettext_lazy("Liste d’attente"))
FILL = Column("fill", gettext_lazy("Taux de remplissage (%)"), "rate")
REGISTRATION_COLUMNS = [SEATS, CONFIRMED, WAITING, FILL]

#: Every chart of the page, in its order; the coordinators' ones last.
PUBLIC_CHARTS = ("departements", "regions", "themes", "formats", "publics", "jours",
                 "remplissage-formats", "remplissage-jours", "remplissage-departements",
                 "organisateurs")
COORDINATOR_CHARTS = ("etats", "inscriptions")
CHARTS = PUBLIC_CHARTS + COORDINATOR_CHARTS


def edition_days(edition: Edition) -> list[date]:
    days, day = [], edition.starts_on
    while day <= edition.ends_on:
        days.append(day)
        day += timedelta(days=1)
    return days


def _published(edition: Edition):
    return Event.objects.filter(edition=edition, state=EventState.PUBLISHED)


def _rate(confirmed: int, seats: int | None):
    return round(100 * confirmed / seats, 1) if seats else None


# Events


def _by_departement(edition, lists) -> tuple[Table, Table]:
    counts = dict(
        _published(edition).values_list("venue__departement").annotate(n=Count("pk")).order_by()
    )
    departements = lists["departements"]
    regions = {region.pk: region for region in lists["regions"]}
    by_region: dict[int, int] = {}
    rows = []
    for departement in departements:
        n = counts.get(departement.pk, 0)
        by_region[departement.region_id] = by_region.get(departement.region_id, 0) + n
        rows.append({"code": departement.code, "label": departement.name,
                     "region": regions[departement.region_id].name, "events": n})
    online = counts.get(None, 0)
    departement_table = Table(
        "departements", _("Événements par département"),
        _("Nombre d’événements publiés dans chaque département, selon le lieu de l’événement "
          "(métropole, outre-mer en encarts, Paris et petite couronne agrandis)."),
        [Column("code", _("Code INSEE"), "code"), Column("label", _("Département"), "label"),
         Column("region", _("Région"), "label"), EVENTS],
        rows, chart="map",
    )
    region_rows = [{"code": region.code, "label": region.name, "events": by_region.get(region.pk, 0)}
                   for region in sorted(regions.values(), key=lambda r: r.name)]
    region_rows.sort(key=lambda row: -row["events"])
    if online:
        note = ngettext("%(n)s événement en ligne ou sans lieu, hors de la carte.",
                        "%(n)s événements en ligne ou sans lieu, hors de la carte.", online) % {"n": online}
        departement_table.notes.append(note)
        region_rows.append({"code": "", "label": _("En ligne ou sans lieu"), "events": online})
    region_table = Table(
        "regions", _("Événements par région"),
        _("Nombre d’événements publiés dans chaque région, selon le lieu de l’événement."),
        [Column("code", _("Code INSEE"), "code"), Column("label", _("Région"), "label"), EVENTS],
        region_rows,
    )
    return departement_table, region_table


def _by_label(edition, relation: str, items) -> list[dict]:
    counts = label_counts(edition, relation)
    rows = [{"label": item.name, "events": counts.get(item.pk, 0)} for item in items]
    return sorted(rows, key=lambda row: -row["events"])


def _by_day(edition) -> tuple[Table, int]:
    days = edition_days(edition)
    aggregates = {f"d{i}": Count("pk", filter=Q(facets__has_key=f"day:{day.isoformat()}"))
                  for i, day in enumerate(days)}
    counts = _published(edition).aggregate(total=Count("pk"), **aggregates)
    rows = [{"label": format_date(day, "l j F"), "day": day.isoformat(), "events": counts[f"d{i}"]}
            for i, day in enumerate(days)]
    table = Table(
        "jours", _("Événements par jour"),
        _("Nombre d’événements publiés ayant lieu chaque jour de l’édition (un événement de "
          "plusieurs jours compte chaque jour)."),
        [Column("day", _("Date"), "code"), Column("label", _("Jour"), "label"), EVENTS], rows,
        draw_zero=True,
    )
    return table, counts["total"]


# Registrations


def _seat_slots(edition):
    """The slots whose seats count (see the module's docstring)."""
    return Slot.objects.filter(
        event__edition=edition, event__state=EventState.PUBLISHED,
        event__registration_mode=RegistrationMode.PLATFORM, cancelled_at__isnull=True,
    ).exclude(event__status=EventStatus.CANCELLED).filter(
        Q(event__registration_per_slot=True) | Q(starts_at=F("event__first_starts_at"))
    )


def _registrations(edition):
    return Registration.objects.filter(event__edition=edition, event__state=EventState.PUBLISHED)


LIMITED = Q(slot__capacity__isnull=False) | Q(event__capacity__isnull=False)
COUNTED = {
    "confirmed": Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
    "confirmed_limited": Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED) & LIMITED),
    "waiting": Count("pk", filter=Q(status__in=(RegistrationStatus.WAITLISTED,
                                                RegistrationStatus.OFFERED))),
}


def _fill(edition, slot_key, registration_key) -> dict:
    """Seats, confirmed and waiting per group: two grouped queries, one on slots, one on
    registrations (a join of both would count each seat once per registration)."""
    groups: dict = {}
    # A slot's seats: its own capacity or its event's, as registrations.services.capacity_of.
    seats = (_seat_slots(edition).annotate(group=slot_key).values("group")
             .annotate(seats=Sum(Coalesce("capacity", "event__capacity"),
                                 output_field=IntegerField())).order_by())
    for row in seats:
        groups.setdefault(row["group"], {})["seats"] = row["seats"]
    counted = (_registrations(edition).annotate(group=registration_key).values("group")
               .annotate(**COUNTED).order_by())
    for row in counted:
        group = groups.setdefault(row["group"], {})
        group.update({key: row[key] for key in COUNTED})
    for group in groups.values():
        group.setdefault("seats", None)
        for key in COUNTED:
            group.setdefault(key, 0)
        group["fill"] = _rate(group["confirmed_limited"], group["seats"])
    return groups


def _fill_table(name, title, description, groups: dict, labels: dict, first: list[Column],
                order: list) -> Table:
    rows = []
    for key in order:
        values = groups.get(key)
        if not values:
            continue
        row = {"label": labels.get(key, _("Non renseigné")), **values}
        if isinstance(labels.get(key), tuple):
            row["code"], row["label"] = labels[key]
        rows.append(row)
    return Table(name, title, description, [*first, *REGISTRATION_COLUMNS], rows, value="fill",
                 notes=[_("Taux de remplissage : inscrits confirmés sur places offertes, pour les "
                          "créneaux à nombre de places limité.")])


def _registration_tables(edition, lists) -> tuple[list[Table], dict]:
    formats = _fill(edition, F("event__formats"), F("event__formats"))
    days = _fill(edition, TruncDate("starts_at", tzinfo=PARIS),
                 TruncDate("slot__starts_at", tzinfo=PARIS))
    departements = _fill(edition, F("event__venue__departement"), F("event__venue__departement"))

    format_labels = {item.pk: item.name for item in lists["formats"]}
    format_order = [item.pk for item in lists["formats"]] + [None]
    day_labels = {day: (day.isoformat(), format_date(day, "l j F Y")) for day in days}
    departement_labels = {d.pk: (d.code, d.name) for d in lists["departements"]}
    departement_labels[None] = ("", _("En ligne ou sans lieu"))
    departement_order = [d.pk for d in lists["departements"]] + [None]

    tables = [
        _fill_table("remplissage-formats", _("Inscriptions et remplissage par format"),
                    _("Places, inscrits confirmés, liste d’attente et taux de remplissage des "
                      "événements à inscription sur la plateforme, par format."),
                    formats, format_labels, [Column("label", _("Format"), "label")],
                    order=format_order),
        _fill_table("remplissage-jours", _("Inscriptions et remplissage par jour"),
                    _("Places, inscrits confirmés, liste d’attente et taux de remplissage, par "
                      "jour de créneau."),
                    days, day_labels, [Column("code", _("Date"), "code"),
                                       Column("label", _("Jour"), "label")],
                    order=sorted(days)),
        _fill_table("remplissage-departements",
                    _("Inscriptions et remplissage par département"),
                    _("Places, inscrits confirmés, liste d’attente et taux de remplissage, par "
                      "département du lieu."),
                    departements, departement_labels,
                    [Column("code", _("Code INSEE"), "code"),
                     Column("label", _("Département"), "label")],
                    order=departement_order),
    ]
    # Every slot starts on one day: the days add up to the edition's totals.
    totals = {"seats": sum(group["seats"] or 0 for group in days.values()),
              "confirmed": sum(group["confirmed"] for group in days.values()),
              "confirmed_limited": sum(group["confirmed_limited"] for group in days.values()),
              "waiting": sum(group["waiting"] for group in days.values())}
    totals["fill"] = _rate(totals["confirmed_limited"], totals["seats"])
    return tables, totals


# Organisers


def _organisers(edition) -> Table:
    counts = dict(organisations_taking_part(edition).values_list("kind").annotate(n=Count("pk")).order_by())
    rows = [{"label": label, "organisers": counts.get(kind, 0)}
            for kind, label in OrganisationKind.choices]
    rows.sort(key=lambda row: -row["organisers"])
    return Table(
        "organisateurs", _("Organisateurs participants par type"),
        _("Organisations ayant au moins un événement publié dans l’édition, comme organisateur "
          "ou co-organisateur, par type d’organisation."),
        [Column("label", _("Type d’organisation"), "label"),
         Column("organisers", _("Organisateurs"))],
        rows, value="organisers",
    )


# For the coordinators


def _states(edition) -> Table:
    counts = dict(Event.objects.filter(edition=edition).values_list("state")
                  .annotate(n=Count("pk")).order_by())
    rows = [{"label": label, "events": counts.get(state, 0)} for state, label in EventState.choices]
    return Table(
        "etats", _("Événements par état de modération"),
        _("Tous les événements de l’édition, brouillons compris, par état de modération."),
        [Column("label", _("État"), "label"), EVENTS], rows, restricted=True,
    )


def _registration_statuses(edition) -> Table:
    rows_by_status = {
        row["status"]: row for row in _registrations(edition).values("status").annotate(
            registrations=Count("pk"),
            checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
        ).order_by()
    }
    rows = [{"label": label,
             "registrations": rows_by_status.get(status, {}).get("registrations", 0),
             "checked_in": rows_by_status.get(status, {}).get("checked_in", 0)}
            for status, label in RegistrationStatus.choices]
    return Table(
        "inscriptions", _("Inscriptions par statut"),
        _("Toutes les inscriptions aux événements publiés, y compris en attente de confirmation "
          "de l’adresse, annulées ou expirées, et les présences enregistrées à l’accueil."),
        [Column("label", _("Statut"), "label"), Column("registrations", _("Inscriptions")),
         Column("checked_in", _("Présents à l’accueil"))],
        rows, value="registrations", restricted=True,
    )


@dataclass
class EditionStatistics:
    edition: Edition
    figures: dict
    tables: dict[str, Table]

    def public(self) -> list[Table]:
        return [self.tables[name] for name in PUBLIC_CHARTS]

    def restricted(self) -> list[Table]:
        return [self.tables[name] for name in COORDINATOR_CHARTS if name in self.tables]


def edition_statistics(edition: Edition, *, coordinator: bool = False) -> EditionStatistics:
    """Every table of the page. A fixed number of queries: 12, and 2 more for a coordinator,
    plus one read of the cached reference lists."""
    lists = reference_lists()
    tables: dict[str, Table] = {}
    figures: dict = {}
    tables["departements"], tables["regions"] = _by_departement(edition, lists)
    tables["themes"] = _titled("themes", _by_label(edition, "themes", lists["themes"]))
    tables["formats"] = _titled("formats", _by_label(edition, "formats", lists["formats"]))
    tables["publics"] = _titled("publics", _by_label(edition, "audiences", lists["audiences"]))
    tables["jours"], figures["events"] = _by_day(edition)
    registration_tables, figures["registrations"] = _registration_tables(edition, lists)
    tables.update({table.name: table for table in registration_tables})
    tables["organisateurs"] = _organisers(edition)
    if coordinator:
        tables["etats"] = _states(edition)
        tables["inscriptions"] = _registration_statuses(edition)
    figures["organisers"] = sum(row["organisers"] for row in tables["organisateurs"].rows)
    figures["departements"] = sum(1 for row in tables["departements"].rows if row["events"])
    return EditionStatistics(edition, figures, tables)


def _titled(name: str, rows: list[dict]) -> Table:
    titles = {
        "themes": (_("Événements par thème"), _("Thème"),
                   _("Nombre d’événements publiés par thème (un événement peut en avoir plusieurs).")),
        "formats": (_("Événements par format"), _("Format"),
                    _("Nombre d’événements publiés par format (un événement peut en avoir "
                      "plusieurs).")),
        "publics": (_("Événements par public"), _("Public"),
                    _("Nombre d’événements publiés par public visé (un événement peut en viser "
                      "plusieurs).")),
    }
    title, label, description = titles[name]
    return Table(name, title, description, [Column("label", label, "label"), EVENTS], rows)
