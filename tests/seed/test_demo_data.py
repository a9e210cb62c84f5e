"""The demo's data files: read and checked before anything is written; a file that cannot be used
names the file, the entry and the problem."""

import shutil

import pytest

from semaine.agenda.models import Event
from semaine.seed.demo import load_demo
from semaine.seed.demo_data import DATA_DIR, DemoDataError, demo_data


@pytest.fixture
def data_dir(tmp_path):
    """A copy of the demo's data files, to edit."""
    directory = tmp_path / "data"
    shutil.copytree(DATA_DIR, directory)
    return directory


def edit(directory, name: str, old: str, new: str) -> None:
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_files_describe_the_demo():
    data = demo_data()
    assert len(data.organisations) == 10
    assert len(data.venues) == 17
    assert len(data.past.events) == 56
    assert [track.name for track in data.past.parts[1].programme.tracks] == [
        "Découvrir", "Partager", "Comprendre"]
    assert len(data.upcoming.events) == 7
    assert sum(len(seats) for seats in data.upcoming.registrations.values()) == 35
    assert data.upcoming.attendees[0].email == "participant01@exemple.fr"
    assert {o.key: o.insee_code for o in data.organisations if o.insee_code} == {
        "calvados": "14", "loire-atlantique": "44", "gironde": "33", "val-doise": "95"}


@pytest.mark.django_db
def test_an_edited_file_changes_the_demo(data_dir):
    edit(data_dir, "edition-2017.yaml", "title: La blockchain expliquée aux agents publics",
         "title: La blockchain racontée aux agents publics")
    load_demo(data=demo_data(data_dir))
    assert Event.objects.filter(title="La blockchain racontée aux agents publics").exists()
    assert not Event.objects.filter(title="La blockchain expliquée aux agents publics").exists()


@pytest.mark.parametrize(("name", "old", "new", "entry", "problem"), [
    ("edition-2017.yaml", "capacity: 80", "capcity: 80",
     "événement n° 1 (« La blockchain expliquée aux agents publics »)", "champ inconnu « capcity »"),
    ("edition-2017.yaml", "venue: caen-dome", "venue: caen-domme",
     "événement n° 2 (« Hackathon Calvados : tourisme, attractivité et data »)",
     "« caen-domme » inconnu"),
    ("edition-2017.yaml", 'slots: ["21 14:00-16:30"]', 'slots: ["21 14h-16h30"]',
     "événement n° 1 (« Tourisme et attractivité : ce que les données changent »)",
     "créneau illisible : « 21 14h-16h30 »"),
    ("edition-2017.yaml", "themes: [blockchain, data]", "themes: [blokchain, data]",
     "événement n° 1 (« La blockchain expliquée aux agents publics »)", "« blokchain » inconnu"),
    ("edition-2017.yaml", "track: decouvrir", "track: decouverte",
     "partie n° 2 (« Loire-Atlantique : programme en trois parcours… »), événement n° 1",
     "« decouverte » inconnu"),
    ("venues.yaml", 'postcode: "14000"', "postcode: 14000", "lieu « caen-hd »",
     "un texte attendu, pas « 14000 » (mettre le texte entre guillemets)"),
    ("organisations.yaml", "kind: departement", "kind: departemnt",
     "organisation n° 1 (« calvados »)", "« departemnt » inconnu"),
    ("organisations.yaml", 'insee_code: "14"\n', 'insee_code: "14"\n  siret: "12345678901234"\n',
     "organisation n° 1 (« calvados »)", "« siret » : Ce numéro SIRET n’existe pas"),
    ("edition-a-venir.yaml", "- {person: 3, needs: [wheelchair]}", "- {person: 21}",
     "inscriptions à « visite-labase », inscription n° 3", "un nombre de 1 à 20 est attendu"),
    ("edition-a-venir.yaml", "name: Mois de l'innovation publique {year}",
     "name: Mois de l'innovation publique {annee}", "« edition »",
     "seul « {year} » peut figurer entre accolades"),
    ("accounts.yaml", "coordinator:\n", "coordinateur:\n", "début du fichier",
     "champ inconnu « coordinateur »"),
])
def test_a_malformed_file_names_the_file_and_the_entry(data_dir, name, old, new, entry, problem):
    edit(data_dir, name, old, new)
    with pytest.raises(DemoDataError) as error:
        demo_data(data_dir)
    message = str(error.value)
    assert message.startswith(str(data_dir / name))
    assert entry in message
    assert problem in message


def test_a_file_that_is_not_yaml_names_the_file_and_the_line(data_dir):
    edit(data_dir, "venues.yaml", "  caen-dome:\n", "  caen-dome: [\n")
    line = (data_dir / "venues.yaml").read_text(encoding="utf-8").splitlines().index("  caen-dome: [") + 1
    with pytest.raises(DemoDataError) as error:
        demo_data(data_dir)
    message = str(error.value)
    assert message.startswith(f"{data_dir / 'venues.yaml'} : YAML illisible")
    assert f"line {line}," in message
