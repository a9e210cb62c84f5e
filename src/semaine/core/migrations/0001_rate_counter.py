from django.db import migrations, models


class Migration(migrations.Migration):
    """RateCounter moved here from `ui`: its table (ui_ratecounter), made by ui's 0002, is kept
    as it is; only Django's record of which app owns the model changes."""

    initial = True

    dependencies = [
        ("ui", "0002_rate_counter"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RateCounter",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("key", models.CharField(max_length=200)),
                        ("window", models.BigIntegerField()),
                        ("count", models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        "db_table": "ui_ratecounter",
                        "constraints": [models.UniqueConstraint(fields=("key", "window"),
                                                                name="one_counter_per_window")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
