from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("agenda", "0010_slot_closing_recorded_at"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["edition", "state", "updated_at", "id"], name="event_sync"),
        ),
    ]
