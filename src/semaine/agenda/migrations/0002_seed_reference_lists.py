from django.db import migrations


def seed(apps, schema_editor):
    from semaine.agenda.reference import seed as seed_lists

    seed_lists(
        apps.get_model("agenda", "Format"),
        apps.get_model("agenda", "Theme"),
        apps.get_model("agenda", "Audience"),
    )


class Migration(migrations.Migration):
    dependencies = [("agenda", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
