"""A scratch PostgreSQL database for one benchmark run: created, migrated, dropped."""

import os
import subprocess
import time

PG = ["-h", "127.0.0.1", "-U", "postgres"]


def configure(db: str, **env: str) -> None:
    """Point Django at the scratch database ``db`` (and any other setting given) and set it up."""
    os.environ["SEMAINE_DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{db}"
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "semaine.settings")
    import django

    django.setup()


def create_database(db: str) -> float:
    """Drop ``db`` if it exists, create and migrate it; the seconds the migration took."""
    subprocess.run(["dropdb", *PG, "--if-exists", "--force", db], check=True)
    subprocess.run(["createdb", *PG, db], check=True)
    from django.core.management import call_command

    start = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    return time.perf_counter() - start


def drop_database(db: str) -> None:
    from django.db import connections

    connections.close_all()
    subprocess.run(["dropdb", *PG, "--if-exists", "--force", db], check=True)
