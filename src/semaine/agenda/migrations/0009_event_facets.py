"""Event.facets: the keys the agenda's filters look up (themes, formats, audiences, days,
weekdays, département and région of the venue), GIN-indexed on PostgreSQL, filled in for the events already there."""

from django.db import migrations, models

#: As in ``semaine.agenda.search`` when this migration was written.
FACETS_SQL = """
UPDATE agenda_event AS e SET facets = coalesce((
    SELECT jsonb_object_agg(k.key, 1) FROM (
        SELECT 'theme:' || t.theme_id AS key FROM agenda_event_themes t WHERE t.event_id = e.id
        UNION SELECT 'format:' || f.format_id FROM agenda_event_formats f WHERE f.event_id = e.id
        UNION SELECT 'audience:' || a.audience_id FROM agenda_event_audiences a
              WHERE a.event_id = e.id
        UNION SELECT 'day:' || to_char(d, 'YYYY-MM-DD') FROM agenda_slot s,
              generate_series((s.starts_at AT TIME ZONE 'Europe/Paris')::date,
                              (s.ends_at AT TIME ZONE 'Europe/Paris')::date, interval '1 day') AS d
              WHERE s.event_id = e.id
        UNION SELECT 'weekday:' || extract(isodow FROM s.starts_at AT TIME ZONE 'Europe/Paris')::int
              FROM agenda_slot s WHERE s.event_id = e.id
        UNION SELECT 'departement:' || v.departement_id FROM agenda_venue v WHERE v.id = e.venue_id
        UNION SELECT 'region:' || d.region_id FROM agenda_venue v
              JOIN territory_departement d ON d.id = v.departement_id WHERE v.id = e.venue_id
    ) AS k), '{}'::jsonb)
"""


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(FACETS_SQL)
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS event_facets_gin ON agenda_event USING gin (facets)"
        )
        return
    _forward_in_python(apps)


def _forward_in_python(apps):
    """The same keys as FACETS_SQL, with the historical models (SQLite)."""
    from datetime import timedelta

    from django.utils import timezone

    from semaine.agenda.models import PARIS

    Event = apps.get_model("agenda", "Event")
    Slot = apps.get_model("agenda", "Slot")
    facets = {pk: {} for pk in Event.objects.values_list("pk", flat=True)}
    for relation, column in (("themes", "theme"), ("formats", "format"), ("audiences", "audience")):
        through = Event._meta.get_field(relation).remote_field.through
        for event_id, value in through.objects.values_list("event_id", f"{column}_id"):
            facets[event_id][f"{column}:{value}"] = 1
    for event_id, starts_at, ends_at in Slot.objects.values_list("event_id", "starts_at", "ends_at"):
        keys = facets[event_id]
        day, last = timezone.localdate(starts_at, PARIS), timezone.localdate(ends_at, PARIS)
        keys[f"weekday:{day.isoweekday()}"] = 1
        while day <= last:
            keys[f"day:{day.isoformat()}"] = 1
            day += timedelta(days=1)
    for pk, departement, region in Event.objects.filter(venue__isnull=False).values_list(
        "pk", "venue__departement", "venue__departement__region"
    ):
        facets[pk][f"departement:{departement}"] = facets[pk][f"region:{region}"] = 1
    for pk, keys in facets.items():
        if keys:
            Event.objects.filter(pk=pk).update(facets=keys)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS event_facets_gin")


class Migration(migrations.Migration):
    dependencies = [("agenda", "0008_slot_cancelled_at")]
    operations = [
        migrations.AddField(
            model_name="event",
            name="facets",
            field=models.JSONField(default=dict, editable=False),
        ),
        migrations.RunPython(forward, backward),
    ]
