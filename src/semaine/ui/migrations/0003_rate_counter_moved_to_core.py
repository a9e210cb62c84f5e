from django.db import migrations


class Migration(migrations.Migration):
    """RateCounter now belongs to `core` (which keeps its table): `ui` forgets it without
    dropping anything."""

    dependencies = [
        ("ui", "0002_rate_counter"),
        ("core", "0001_rate_counter"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="RateCounter")],
            database_operations=[],
        ),
    ]
