from django.db import migrations, models


def mark_recorded_slots(apps, schema_editor):
    """Slots whose counts the ledger already holds (``registrations.closed`` entries, the only
    record before this field) are marked, so they are never recorded a second time."""
    Entry = apps.get_model("ledger", "Entry")
    Slot = apps.get_model("agenda", "Slot")
    recorded = {}
    entries = (Entry.objects.filter(kind="registrations.closed", subject__startswith="slot:")
               .values_list("subject", "recorded_at").order_by("id"))
    for subject, recorded_at in entries.iterator(chunk_size=2000):
        public_id, _, pk = subject.removeprefix("slot:").partition("/")
        if pk.isdigit():
            recorded.setdefault((public_id, int(pk)), recorded_at)
    pks = sorted({pk for _, pk in recorded})
    for start in range(0, len(pks), 1000):
        batch = Slot.objects.filter(pk__in=pks[start:start + 1000]).values_list("pk", "event__public_id")
        marked = [Slot(pk=pk, closing_recorded_at=recorded[(str(public_id), pk)])
                  for pk, public_id in batch if (str(public_id), pk) in recorded]
        Slot.objects.bulk_update(marked, ["closing_recorded_at"])


class Migration(migrations.Migration):

    dependencies = [
        ("agenda", "0009_event_facets"),
        ("ledger", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="slot",
            name="closing_recorded_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(mark_recorded_slots, migrations.RunPython.noop, elidable=True),
    ]
