from django.db import migrations


def load(apps, schema_editor):
    from semaine.territory.loader import load as load_cog

    load_cog(apps.get_model("territory", "Region"), apps.get_model("territory", "Departement"))


class Migration(migrations.Migration):
    dependencies = [("territory", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
