"""A large, realistic synthetic edition for benchmarks (`semaine generate --events N`).

Everything is written in batches (PostgreSQL's COPY, ``bulk_create`` elsewhere), bypassing the
services: there is no history, no validation round-trip and no per-row query; the facets the
filters read are computed as the events are built. The data still honours the model
constraints (ordered age range, slots ending after they start, capacities of at least one) and
the rules the services enforce (venues and programmes belong to the event's organisation, the
denormalised first start and last end match the slots). One ``random.Random(seed)`` drives every
choice, so a given seed on an empty database always produces the same programme; only the
public identifiers (uuid4) differ between runs.
"""

import random
import sys
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from semaine.agenda import reference
from semaine.agenda.models import (
    ACCESSIBILITY_FIELDS,
    PARIS,
    AttendanceMode,
    Audience,
    Edition,
    Event,
    EventState,
    EventStatus,
    Format,
    LocationPrecision,
    Programme,
    RegistrationMode,
    Slot,
    Theme,
    Track,
    Venue,
)
from semaine.agenda.search import facet_keys, refresh_search_vector
from semaine.organisers.models import Organisation, OrganisationKind, OrganisationStatus, name_key
from semaine.territory.models import Departement

#: Events written per transaction.
BATCH = 2000
#: Rows per INSERT statement for the link tables and slots.
ROWS_PER_INSERT = 5000
#: Roughly one organisation for this many events.
EVENTS_PER_ORGANISATION = 25

# --------------------------------------------------------------------------------------------
# Vocabularies
# --------------------------------------------------------------------------------------------

#: Theme name -> the theme with its article, to write "sur la data", "autour du design".
THEME_ARTICLES = {
    "Tourisme": "le tourisme",
    "Attractivité": "l'attractivité des territoires",
    "Data": "la data",
    "Blockchain": "la blockchain",
    "Réalité virtuelle": "la réalité virtuelle",
    "Handicap et inclusion": "le handicap et l'inclusion",
    "Patrimoine": "le patrimoine",
    "Social": "l'action sociale",
    "Routes": "les routes",
    "Environnement": "l'environnement",
    "Aménagement": "l'aménagement du territoire",
    "Facilitation graphique": "la facilitation graphique",
    "Programmation": "la programmation",
    "Data visualisation": "la data visualisation",
    "Réseaux sociaux": "les réseaux sociaux",
    "Design": "le design",
}

#: Format name -> the format with its indefinite article.
FORMAT_ARTICLES = {
    "Table ronde": "une table ronde",
    "Hackathon": "un hackathon",
    "Atelier": "un atelier",
    "Exposition": "une exposition",
    "Démonstration": "une démonstration",
    "Expérimentation": "une expérimentation",
    "Rencontre": "une rencontre",
    "Conférence": "une conférence",
    "Webinaire": "un webinaire",
    "Formation en ligne": "une formation en ligne",
}

#: Formats that are mostly followed from a distance.
ONLINE_FORMATS = {"Webinaire", "Formation en ligne"}

#: Infinitive phrases: "pour {action}", "Comment {action} ?".
ACTIONS = [
    "ouvrir les données de votre territoire",
    "simplifier les démarches en ligne",
    "co-construire le service public de demain",
    "prototyper un service en une journée",
    "mesurer l'impact des politiques publiques",
    "inclure les publics éloignés du numérique",
    "imaginer la ville de 2030",
    "rendre un formulaire enfin compréhensible",
    "partager les bonnes pratiques entre services",
    "concevoir avec et pour les usagers",
    "transformer l'accueil du public",
    "cartographier les initiatives locales",
    "innover dans les territoires ruraux",
    "expérimenter avant de généraliser",
    "découvrir les métiers du numérique public",
    "réinventer le guichet",
    "coopérer entre collectivités",
    "écouter les habitants autrement",
    "penser les mobilités de demain",
    "valoriser les savoir-faire locaux",
    "former les agents aux nouveaux outils",
    "construire une stratégie de la donnée",
    "raconter son territoire",
    "améliorer l'expérience des usagers",
    "faciliter le travail en équipe",
    "simplifier la vie des usagers",
    "ouvrir l'administration",
    "faire vivre la participation citoyenne",
]
#: Noun phrases, for titles only.
TOPICS = [
    "l'usager au cœur de la conception",
    "retour d'expérience d'une collectivité",
    "quand les agents innovent",
    "des outils libres pour les administrations",
    "les coulisses d'un laboratoire d'innovation",
    "l'intelligence collective en pratique",
    "du papier au numérique, sans perdre personne",
    "la sobriété numérique au quotidien",
    "des données pour éclairer la décision",
    "la commande publique au service de l'innovation",
    "de la règle à l'usage",
    "le design des politiques publiques",
    "apprendre en faisant",
    "un service public plus proche",
    "les agents racontent leurs projets",
    "de l'idée au prototype",
    "la participation citoyenne, mode d'emploi",
    "des services publics accessibles à tous",
    "le numérique responsable à l'échelle locale",
    "les jeunes imaginent leur territoire",
    "tester, mesurer, améliorer",
    "la transition écologique en actions",
    "les communs numériques",
    "l'innovation frugale",
    "un an d'expérimentations",
]
PHRASES = ACTIONS + TOPICS

SUMMARY_TEMPLATES = [
    "{format_art} {autour_theme} pour {action}.",
    "{Org_art} vous invite à découvrir {theme_art} et à échanger avec les équipes qui font le "
    "service public au quotidien.",
    "Un temps d'échange ouvert à tous pour comprendre comment {theme_art} transforme l'action "
    "publique, et pour {action}.",
    "Retours d'expérience, démonstrations et discussions {autour_theme} : {org_art} présente ses "
    "projets et ses méthodes.",
    "Agents, élus et habitants se retrouvent pour {action}. Au cœur des échanges : {theme_art}.",
    "{format_art} pour explorer {theme_art}, partager des outils concrets et repartir avec des "
    "idées à tester dès demain.",
    "Comment {action} ? Réponses et démonstrations avec les équipes {de_org}.",
]

HEADINGS = [
    "Pourquoi venir ?", "Le projet", "Contexte", "Présentation", "En quelques mots",
    "Ce que vous allez faire", "L'idée",
]

INTRO_SENTENCES = [
    "{Org_art} ouvre ses portes pour présenter les projets qui changent concrètement la vie des "
    "usagers.",
    "Depuis deux ans, les équipes {de_org} expérimentent de nouvelles façons de travailler "
    "{autour_theme}.",
    "Ce rendez-vous s'inscrit dans la démarche d'innovation portée par {org_art}.",
    "À l'occasion de la Semaine de l'innovation publique, {org_art} propose {format_art} "
    "{autour_theme}.",
    "Nous avons lancé ce projet avec une question simple : comment {action} ?",
]

CONTEXT_SENTENCES = [
    "Les participants travailleront en petits groupes à partir de situations réelles.",
    "Des agents de terrain partageront leurs réussites, mais aussi leurs échecs.",
    "Aucune connaissance préalable n'est nécessaire : venez avec vos questions.",
    "La séance alterne courtes présentations et temps d'échange.",
    "Les supports seront mis en ligne après l'événement sous licence ouverte.",
    "Les résultats alimenteront la feuille de route de la collectivité pour l'année à venir.",
    "Des usagers ont été associés à chaque étape du projet ; certains seront présents.",
]

PROGRAMME_ITEMS = [
    "accueil café et tour de table",
    "présentation du projet et de ses premiers résultats",
    "démonstration en conditions réelles",
    "atelier en sous-groupes",
    "restitution collective",
    "temps de questions-réponses",
    "visite des locaux",
    "témoignages d'usagers",
    "présentation des outils utilisés",
    "mise en pratique sur un cas concret",
    "échanges avec les élus",
    "synthèse et prochaines étapes",
]

CLOSINGS = [
    "Nous vous attendons nombreux !",
    "Un verre de l'amitié clôturera la rencontre.",
    "Les échanges se poursuivront sur le forum de la communauté.",
    "Vous repartirez avec un guide pratique et les contacts des intervenants.",
    "",
]

PERSONS = [
    "Victor-Hugo", "Jules-Ferry", "Marie-Curie", "Jean-Moulin", "Louise-Michel", "Simone-Veil",
    "Pierre-Mendès-France", "Condorcet", "Jean-Jaurès", "Émile-Zola", "Paul-Éluard",
    "Olympe-de-Gouges", "George-Sand", "Albert-Camus", "Jacques-Prévert", "Aimé-Césaire",
    "Gisèle-Halimi", "Lucie-Aubrac", "Jean-Zay", "Colette", "Marcel-Pagnol", "Rosa-Parks",
]

STREETS = [
    "rue de la République", "avenue Jean-Jaurès", "place de la Mairie", "rue Victor-Hugo",
    "boulevard Gambetta", "rue du Général-de-Gaulle", "place de l'Hôtel-de-Ville", "rue Pasteur",
    "avenue de la Gare", "rue des Écoles", "chemin des Vignes", "rue de l'Église",
    "allée des Tilleuls", "quai de la Libération", "rue Nationale", "rue du Moulin",
    "avenue de la Libération", "place du Marché", "rue des Lilas", "boulevard de la Liberté",
]

VENUE_NAMES = [
    "Hôtel de ville", "Médiathèque {person}", "Salle polyvalente", "Maison France services",
    "Salle du conseil", "Espace culturel {person}", "Tiers-lieu La Fabrique",
    "Amphithéâtre {person}", "Centre de congrès", "Maison des associations", "Salle des fêtes",
    "Pôle numérique", "Fablab", "Auditorium", "Salle de formation", "Hall d'accueil",
    "Espace de coworking", "Maison de l'emploi", "Salle {person}", "Archives",
]

COMMUNE_BASES = [
    "Villeneuve", "Beaumont", "Montfort", "Châteauneuf", "Fontaine", "Bellevue", "Rochefort",
    "Clairefontaine", "Champagne", "Villiers", "Neuville", "Longchamp", "Bonneval", "Montreuil",
    "Vaux", "Mirebeau", "Belleville", "Chambon", "Varennes", "Givry", "Marcilly", "Aubigny",
    "Chaumont", "Montigny", "Beauvoir", "Dampierre", "Épinay", "Frontenay", "Saint-Martin",
    "Saint-Germain", "Saint-Jean", "Saint-Pierre", "Saint-Laurent", "Sainte-Marie",
    "Saint-Julien", "Saint-Hilaire", "Saint-Georges", "Saint-Aubin", "Saint-Michel", "Saint-Rémy",
    "Sainte-Colombe", "Saint-Sauveur", "La Chapelle", "Le Plessis", "La Roche", "Le Mesnil",
    "Les Essarts", "La Ferté", "Bourgneuf", "Lussac", "Tourville", "Vernon", "Lignières",
    "Mauriac", "Puylaurens", "Quincy", "Ormes", "Courcelles", "Meyrieu", "Brion",
]
COMMUNE_SUFFIXES = [
    "", "", "", "", "-sur-{river}", "-sur-{river}", "-le-Château", "-les-Bains", "-la-Forêt",
    "-le-Vieux", "-le-Grand", "-la-Rivière", "-du-Bois", "-des-Champs", "-en-Vallée",
]
RIVERS = [
    "Loire", "Seine", "Marne", "Saône", "Rhône", "Garonne", "Dordogne", "Lot", "Cher", "Indre",
    "Vienne", "Oise", "Aisne", "Meuse", "Moselle", "Sarthe", "Orne", "Yonne", "Allier", "Tarn",
    "Drôme", "Isère", "Vilaine", "Charente", "Creuse", "Loir", "Eure", "Somme", "Aude", "Ain",
]
#: Communes of the départements whose names do not fit the mainland patterns.
LOCAL_COMMUNES = {
    "2A": ["Porto-Vecchio", "Sartène", "Propriano", "Bonifacio", "Zonza", "Cargèse", "Vico",
           "Piana", "Grosseto-Prugna", "Bastelicaccia"],
    "2B": ["Calvi", "Corte", "L'Île-Rousse", "Saint-Florent", "Ghisonaccia", "Borgo", "Biguglia",
           "Lucciana", "Aléria", "Furiani"],
    "971": ["Les Abymes", "Pointe-à-Pitre", "Le Gosier", "Sainte-Anne", "Saint-François",
            "Le Moule", "Petit-Bourg", "Baie-Mahault", "Capesterre-Belle-Eau", "Lamentin"],
    "972": ["Le Lamentin", "Le Robert", "Schœlcher", "Sainte-Marie", "Le François", "Ducos",
            "Rivière-Salée", "Le Marin", "La Trinité", "Saint-Joseph"],
    "973": ["Kourou", "Saint-Laurent-du-Maroni", "Matoury", "Rémire-Montjoly", "Maripasoula",
            "Mana", "Macouria", "Sinnamary"],
    "974": ["Saint-Paul", "Saint-Pierre", "Le Tampon", "Saint-André", "Saint-Louis", "Le Port",
            "Saint-Benoît", "Sainte-Marie", "Saint-Joseph", "Sainte-Suzanne"],
    "976": ["Koungou", "Dzaoudzi", "Dembeni", "Sada", "Chirongui", "Pamandzi", "Bandraboua",
            "Tsingoni"],
}
#: Communes generated per mainland département (plus its préfecture).
COMMUNES_PER_DEPARTEMENT = 30

ASSOCIATION_NAMES = [
    "Association Numérique pour tous", "Collectif Territoires en transition",
    "Centre social", "Maison de quartier", "Association Les Ateliers citoyens",
    "Association Médiation et territoires", "Collectif Habitants acteurs",
    "Association Code et partage", "Réseau des aidants numériques", "Fablab associatif",
]
STATE_NAMES = [
    "Direction départementale des territoires {dept_de}",
    "Direction départementale de l'emploi, du travail et des solidarités {dept_de}",
    "Services de l'État {dept_de}",
    "Direction des services départementaux de l'Éducation nationale {dept_de}",
    "Caisse d'allocations familiales {dept_de}",
    "Maison France services {commune_de}",
]
LAB_NAMES = [
    "Laboratoire d'innovation territoriale {dept_de}", "Fabrique numérique {commune_de}",
    "Lab innovation {commune_de}", "Tiers-lieu de l'innovation publique {commune_de}",
    "Campus de l'innovation {dept_de}",
]
HOSPITAL_NAMES = [
    "Centre hospitalier {commune_de}", "Hôpital {commune_de}", "CHU {prefecture_de}",
    "Groupement hospitalier de territoire {dept_de}", "EHPAD {person}",
]
SCHOOL_NAMES = [
    "Lycée {person} ({commune})", "Collège {person} ({commune})",
    "École élémentaire {person} ({commune})", "IUT {commune_de}",
    "Lycée professionnel {person} ({commune})",
]
MUNICIPALITY_NAMES = [
    "Ville {commune_de}", "Mairie {commune_de}", "Commune {commune_de}",
    "Communauté de communes {commune_de}", "Communauté d'agglomération {commune_de}",
]

#: Kinds of the organisations besides one Département per département, with their weights.
KIND_WEIGHTS = [
    (OrganisationKind.MUNICIPALITY, 40),
    (OrganisationKind.ASSOCIATION, 13),
    (OrganisationKind.SCHOOL, 12),
    (OrganisationKind.HOSPITAL, 10),
    (OrganisationKind.STATE, 9),
    (OrganisationKind.INNOVATION_LAB, 8),
    (OrganisationKind.PREFECTURE, 5),
    (OrganisationKind.REGION, 3),
]

TRACKS = [
    ("Découvrir", "Pour une première approche, sans prérequis."),
    ("Partager", "Retours d'expérience et échanges entre pairs."),
    ("Comprendre", "Conférences et tables rondes pour prendre du recul."),
    ("Expérimenter", "Ateliers pratiques et prototypes."),
    ("Construire ensemble", "Temps de co-conception avec les usagers."),
    ("Se former", "Sessions courtes pour monter en compétences."),
]
PROGRAMME_TITLES = [
    "Les rendez-vous de l'innovation {commune_de}",
    "{org} : la semaine de l'innovation",
    "Innover ensemble {commune_de}",
    "Le programme de {org}",
    "Semaine de l'innovation publique {dept_de}",
]

#: (status, weight): what visitors are told; "full" only applies to events with registration.
STATUS_WEIGHTS = [
    (EventStatus.SCHEDULED, 935),
    (EventStatus.CANCELLED, 20),
    (EventStatus.FULL, 20),
    (EventStatus.POSTPONED, 10),
    (EventStatus.RESCHEDULED, 10),
    (EventStatus.MOVED_ONLINE, 5),
]

#: (field, probability in person, probability online).
ACCESS_PROBABILITIES = [
    ("access_motor", 0.45, 0.0),
    ("access_hearing", 0.15, 0.2),
    ("access_visual", 0.12, 0.15),
    ("access_psychic", 0.08, 0.05),
    ("access_intellectual", 0.08, 0.05),
    ("access_sign_language", 0.04, 0.08),
    ("access_captioning", 0.05, 0.25),
]

ACCESS_LABELS = dict(ACCESSIBILITY_FIELDS)

BRETON = {"22", "29", "35", "56"}
OCCITANIE = "76"
ALSACE = {"67", "68"}

DAY = 24 * 60
EARLIEST, LATEST = 8 * 60, 20 * 60


# --------------------------------------------------------------------------------------------
# French helpers
# --------------------------------------------------------------------------------------------

VOWELS = "AEIOUYÂÉÈÊÎÏÔÛaeiouyâéèêîïôû"


def _de(name: str) -> str:
    """"de Gap", "d'Angoulême", "du Mesnil", "des Essarts", "de La Roche"."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if name[0] in VOWELS:
        return "d'" + name
    return "de " + name


#: Départements named with "du", with "des" and without article; the others take "de la".
MASCULINE = {
    "12", "14", "15", "18", "25", "29", "30", "32", "39", "41", "45", "46", "47", "49", "56",
    "59", "62", "63", "67", "68", "69", "81", "82", "83", "84", "90", "94", "95",
}
PLURAL = {"04", "05", "06", "08", "13", "22", "40", "64", "65", "66", "78", "79", "88", "92"}
BARE = {"75", "974", "976"}


def _de_departement(departement: Departement) -> str:
    """"de l'Ain", "du Tarn", "de la Marne", "des Hautes-Alpes", "de Paris"."""
    code, name = departement.code, departement.name
    if code in PLURAL:
        return "des " + name
    if code in BARE:
        return "de " + name
    if name[0] in VOWELS or name.startswith("Hérault"):
        return "de l'" + name
    if code in MASCULINE:
        return "du " + name
    return "de la " + name


def _de_article(article: str) -> str:
    """"le design" -> "du design", "les routes" -> "des routes", "la data" -> "de la data"."""
    if article.startswith("le "):
        return "du " + article[3:]
    if article.startswith("les "):
        return "des " + article[4:]
    return "de " + article


#: First word of an organisation's name -> its article.
ORGANISATION_ARTICLES = {
    "Département": "le", "Ville": "la", "Mairie": "la", "Commune": "la", "Communauté": "la",
    "Métropole": "la", "Préfecture": "la", "Sous-préfecture": "la", "Région": "la",
    "Centre": "le", "Hôpital": "l'", "CHU": "le", "Groupement": "le", "EHPAD": "l'",
    "Lycée": "le", "Collège": "le", "École": "l'", "IUT": "l'", "Laboratoire": "le",
    "Fabrique": "la", "Lab": "le", "Tiers-lieu": "le", "Campus": "le", "Direction": "la",
    "Services": "les", "Caisse": "la", "Maison": "la", "Association": "l'", "Collectif": "le",
    "Réseau": "le", "Fablab": "le",
}


def _with_article(name: str) -> str:
    """"le Département du Jura", "l'EHPAD Colette" (the name unchanged if unknown)."""
    article = ORGANISATION_ARTICLES.get(name.split(" ", 1)[0])
    if article is None:
        return name
    return article + name if article == "l'" else f"{article} {name}"


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _truncate(text: str, length: int) -> str:
    if len(text) <= length:
        return text
    return text[: length - 1].rstrip(" ,;:") + "…"


# --------------------------------------------------------------------------------------------
# Working records (plain Python, so that nothing queries the database per row)
# --------------------------------------------------------------------------------------------


@dataclass
class _Commune:
    name: str
    postcode: str
    latitude: float
    longitude: float


@dataclass
class _Org:
    obj: Organisation
    departement: Departement
    commune: _Commune
    weight: float
    venues: list = field(default_factory=list)
    programme: Programme | None = None
    tracks: list = field(default_factory=list)


def _postcode(rng: random.Random, code: str, prefecture: bool) -> str:
    if code in ("2A", "2B"):
        base, span = (0, 19) if code == "2A" else (200, 9)
        return f"20{base + (0 if prefecture else rng.randint(1, span) * 10):03d}"
    if len(code) == 3:
        return f"{code}{0 if prefecture else rng.randint(1, 99):02d}"
    return f"{code}{0 if prefecture else rng.randint(1, 99) * 10:03d}"


def _centre(departement: Departement) -> tuple[float, float]:
    if departement.latitude is None or departement.longitude is None:
        return 46.6, 2.4
    return departement.latitude, departement.longitude


def _communes(rng: random.Random, departement: Departement) -> list[_Commune]:
    """The département's préfecture followed by plausible communes around it (±0.3°)."""
    lat, lon = _centre(departement)
    prefecture = departement.prefecture or departement.name
    result = [_Commune(prefecture, _postcode(rng, departement.code, True), lat, lon)]
    names = {prefecture}
    if departement.code == "75":  # one commune, twenty arrondissements
        return [
            _Commune("Paris", f"750{n:02d}", lat + rng.uniform(-0.04, 0.04),
                     lon + rng.uniform(-0.06, 0.06))
            for n in (4, *range(1, 4), *range(5, 21))
        ]
    local = LOCAL_COMMUNES.get(departement.code)
    wanted = len(local) if local else COMMUNES_PER_DEPARTEMENT
    attempts = 0
    while len(result) <= wanted and attempts < wanted * 20:
        attempts += 1
        if local:
            name = local[len(result) - 1]
        else:
            suffix = rng.choice(COMMUNE_SUFFIXES).format(river=rng.choice(RIVERS))
            name = rng.choice(COMMUNE_BASES) + suffix
        if name in names:
            continue
        names.add(name)
        result.append(_Commune(
            name, _postcode(rng, departement.code, False),
            lat + rng.uniform(-0.29, 0.29), lon + rng.uniform(-0.29, 0.29),
        ))
    return result


class _Slugs:
    """Unique slugs without a query per candidate: the taken ones are loaded once."""

    def __init__(self, taken, max_length: int):
        self.taken = set(taken)
        self.max_length = max_length

    def __call__(self, text: str) -> str:
        root = (slugify(text) or "sans-titre")[: self.max_length]
        candidate, n = root, 2
        while candidate in self.taken:
            suffix = f"-{n}"
            candidate = f"{root[: self.max_length - len(suffix)]}{suffix}"
            n += 1
        self.taken.add(candidate)
        return candidate


# --------------------------------------------------------------------------------------------
# Edition, organisations, venues, programmes
# --------------------------------------------------------------------------------------------


def _edition(slug: str) -> Edition:
    edition = Edition.objects.filter(slug=slug).first()
    if edition:
        return edition
    year = timezone.localdate().year
    starts_on = date(year, 11, 13)
    starts_on += timedelta(days=(7 - starts_on.weekday()) % 7)  # a Monday, 13–19 November
    name = "Édition synthétique" if slug == "synthetique" else f"Édition synthétique « {slug} »"
    return Edition.objects.create(
        name=name,
        slug=slug,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=6),
        theme_of_year="Des services publics plus simples, plus proches",
        description=(
            "Édition générée automatiquement pour mesurer les performances de la plateforme. "
            "Les organisations, les lieux et les événements sont fictifs."
        ),
        submission_deadline=datetime.combine(
            starts_on - timedelta(days=21), time(23, 59), tzinfo=PARIS
        ),
        is_current=False,
    )


def _reference_lists():
    formats, themes, audiences = (
        list(model.objects.order_by("position", "pk")) for model in (Format, Theme, Audience)
    )
    if not (formats and themes and audiences):
        reference.seed(Format, Theme, Audience)
        formats, themes, audiences = (
            list(model.objects.order_by("position", "pk")) for model in (Format, Theme, Audience)
        )
    return formats, themes, audiences


def _org_name(rng: random.Random, kind: str, departement: Departement, commune: _Commune,
              prefecture: _Commune) -> str:
    values = {
        "commune": commune.name,
        "commune_de": _de(commune.name),
        "prefecture_de": _de(prefecture.name),
        "dept_de": _de_departement(departement),
        "person": rng.choice(PERSONS),
    }
    if kind == OrganisationKind.MUNICIPALITY:
        template = rng.choice(MUNICIPALITY_NAMES)
        if commune is prefecture and rng.random() < 0.3:
            template = "Métropole {commune_de}"
    elif kind == OrganisationKind.HOSPITAL:
        template = rng.choice(HOSPITAL_NAMES)
    elif kind == OrganisationKind.INNOVATION_LAB:
        template = rng.choice(LAB_NAMES)
    elif kind == OrganisationKind.SCHOOL:
        template = rng.choice(SCHOOL_NAMES)
    elif kind == OrganisationKind.ASSOCIATION:
        template = rng.choice(ASSOCIATION_NAMES) + " ({commune})"
    elif kind == OrganisationKind.STATE:
        template = rng.choice(STATE_NAMES)
    elif kind == OrganisationKind.PREFECTURE:
        template = "Préfecture {dept_de}" if commune is prefecture else "Sous-préfecture {commune_de}"
    elif kind == OrganisationKind.REGION:
        return f"Région {departement.region.name}"
    else:
        template = "Département {dept_de}"
    return template.format(**values)


def _organisations(rng: random.Random, departements: list[Departement], count: int,
                   communes: dict) -> list[_Org]:
    now = timezone.now()
    slugs = _Slugs(Organisation.objects.values_list("slug", flat=True), 200)
    kinds = [kind for kind, _ in KIND_WEIGHTS]
    kind_weights = [weight for _, weight in KIND_WEIGHTS]
    # Larger départements get more organisations: a fixed, seeded weight per département.
    dept_weights = [rng.uniform(0.5, 3.0) for _ in departements]
    plan = [(OrganisationKind.DEPARTEMENT, departement) for departement in departements]
    plan += [
        (rng.choices(kinds, kind_weights)[0], departement)
        for departement in rng.choices(departements, dept_weights, k=count - len(departements))
    ]
    names: set[str] = set()
    orgs = []
    for kind, departement in plan:
        pool = communes[departement.pk]
        prefecture = pool[0]
        for attempt in range(12):
            commune = prefecture if rng.random() < 0.3 else rng.choice(pool)
            name = _org_name(rng, kind, departement, commune, prefecture)
            if name not in names:
                break
            if attempt >= 6:  # that kind is exhausted here: a commune always has a new name
                kind = OrganisationKind.MUNICIPALITY
        else:
            name = f"{name} – site {len(orgs)}"
        names.add(name)
        slug = slugs(name)
        region_wide = kind == OrganisationKind.REGION
        obj = Organisation(
            name=name,
            name_key=name_key(name),  # bulk_create does not call save()
            slug=slug,
            kind=kind,
            region_id=departement.region_id,
            departement=None if region_wide else departement,
            website=f"https://{slug[:60]}.example.org/",
            description=f"{name} participe à la Semaine de l'innovation publique.",
            status=OrganisationStatus.APPROVED,
            status_comment="Organisation générée automatiquement.",
            reviewed_at=now,
        )
        weight = rng.lognormvariate(0, 1)
        if kind in (OrganisationKind.DEPARTEMENT, OrganisationKind.REGION):
            weight *= 3
        orgs.append(_Org(obj, departement, commune, weight))
    Organisation.objects.bulk_create([org.obj for org in orgs], batch_size=ROWS_PER_INSERT)
    return orgs


def _venues(rng: random.Random, orgs: list[_Org], communes: dict) -> None:
    rows = []
    for org in orgs:
        count = rng.choice((1, 1, 1, 2, 2, 3)) + (1 if org.weight > 4 else 0)
        for n in range(count):
            commune = org.commune if n == 0 else rng.choice(communes[org.departement.pk])
            name = rng.choice(VENUE_NAMES).format(person=rng.choice(PERSONS))
            venue = Venue(
                organisation=org.obj,
                name=name,
                address=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
                postcode=commune.postcode,
                commune=commune.name,
                departement=org.departement,
                latitude=round(commune.latitude + rng.uniform(-0.01, 0.01), 6),
                location_precision=LocationPrecision.EXACT,
                longitude=round(commune.longitude + rng.uniform(-0.01, 0.01), 6),
            )
            org.venues.append((venue, commune))
            rows.append(venue)
    Venue.objects.bulk_create(rows, batch_size=ROWS_PER_INSERT)


def _programmes(rng: random.Random, edition: Edition, orgs: list[_Org], counts: list[int]) -> int:
    slugs = _Slugs(Programme.objects.filter(edition=edition).values_list("slug", flat=True), 200)
    chosen = []
    for org, count in zip(orgs, counts, strict=True):
        if count >= 5 and rng.random() < 0.4:
            values = {
                "org": org.obj.name,
                "commune_de": _de(org.commune.name),
                "dept_de": _de_departement(org.departement),
            }
            title = _truncate(rng.choice(PROGRAMME_TITLES).format(**values), 200)
            org.programme = Programme(
                edition=edition,
                organisation=org.obj,
                title=title,
                slug=slugs(title),
                description=(
                    f"## {title}\n\n{org.obj.name} rassemble ici ses {count} rendez-vous de "
                    "l'édition.\n\n- des ateliers pratiques\n- des rencontres\n- des "
                    "démonstrations\n"
                ),
            )
            chosen.append(org)
    Programme.objects.bulk_create([org.programme for org in chosen], batch_size=ROWS_PER_INSERT)
    tracks = []
    for org in chosen:
        if rng.random() < 0.6:
            for position, (name, description) in enumerate(
                rng.sample(TRACKS, rng.randint(2, 4))
            ):
                track = Track(
                    programme=org.programme, name=name, slug=slugify(name),
                    description=description, position=position,
                )
                org.tracks.append(track)
                tracks.append(track)
    Track.objects.bulk_create(tracks, batch_size=ROWS_PER_INSERT)
    return len(chosen)


# --------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------


def _at(day: date, minutes: int) -> datetime:
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=PARIS)


def _session(rng: random.Random) -> tuple[int, int]:
    """Start and end (minutes after midnight) of one session between 8:00 and 20:00."""
    start = rng.randrange(EARLIEST, 18 * 60 + 1, 15)
    duration = rng.choice((60, 90, 90, 120, 120, 120, 180, 180, 240, 360))
    return start, min(start + duration, LATEST)


def _slot_times(rng: random.Random, days: list[date]) -> list[tuple[datetime, datetime]]:
    r = rng.random()
    if r < 0.70 or (r >= 0.92 and len(days) < 2):
        start, end = _session(rng)
        day = rng.choice(days)
        return [(_at(day, start), _at(day, end))]
    if r < 0.92:
        n = rng.randint(2, 4)
        if rng.random() < 0.35 or len(days) < n:  # consecutive sessions on one day
            day = rng.choice(days)
            duration = rng.choice((60, 75, 90, 120))
            gap = rng.choice((15, 30, 45, 60))
            start = rng.randrange(EARLIEST, 11 * 60 + 1, 30)
            slots = []
            for _ in range(n):
                if start + duration > LATEST:
                    break
                slots.append((_at(day, start), _at(day, start + duration)))
                start += duration + gap
            return slots
        same_time = rng.random() < 0.6
        start, end = _session(rng)
        slots = []
        for day in sorted(rng.sample(days, n)):
            if not same_time:
                start, end = _session(rng)
            slots.append((_at(day, start), _at(day, end)))
        return slots
    # A multi-day span (an exhibition, a hackathon): one slot over two days or more.
    length = rng.randint(2, min(len(days), 5))
    first = rng.randrange(0, len(days) - length + 1)
    start = rng.randrange(EARLIEST, 12 * 60 + 1, 30)
    end = rng.randrange(17 * 60, LATEST + 1, 30)
    return [(_at(days[first], start), _at(days[first + length - 1], end))]


class _Writer:
    """Builds the events of one batch in memory, then writes them with their slots and links."""

    def __init__(self, rng, edition, formats, themes, audiences, orgs_by_departement):
        self.rng = rng
        self.edition = edition
        self.formats, self.themes, self.audiences = formats, themes, audiences
        self.format_weights = [3 if f.name in ONLINE_FORMATS else 10 for f in formats]
        self.audience_weights = [
            {"Agents publics": 45, "Grand public": 35, "Professionnels": 20}.get(a.name, 20)
            for a in audiences
        ]
        self.general_public = next((a for a in audiences if a.name == "Grand public"), None)
        self.orgs_by_departement = orgs_by_departement
        self.orgs_by_region: dict[int, list[_Org]] = {}
        for neighbours in orgs_by_departement.values():
            for org in neighbours:
                self.orgs_by_region.setdefault(org.departement.region_id, []).append(org)
        days, day = [], edition.starts_on
        while day <= edition.ends_on:
            days.append(day)
            day += timedelta(days=1)
        self.days = days
        now = timezone.now()
        self.now = now
        self.latest_submission = min(edition.submission_deadline, now - timedelta(days=1))
        self.FormatLink = Event.formats.through
        self.ThemeLink = Event.themes.through
        self.AudienceLink = Event.audiences.through
        self.CoOrganiserLink = Event.co_organisers.through

    # ---- text -----------------------------------------------------------------------------

    def _words(self, org: _Org, fmt: Format, theme: Theme, commune: _Commune | None) -> dict:
        rng = self.rng
        theme_art = THEME_ARTICLES.get(theme.name, f"le thème « {theme.name} »")
        phrase = rng.choice(PHRASES)
        org_art = _with_article(org.obj.name)
        return {
            "format": fmt.name,
            "format_lower": fmt.name.lower(),
            "format_art": FORMAT_ARTICLES.get(fmt.name, "un rendez-vous"),
            "theme": theme.name,
            "theme_art": theme_art,
            "sur_theme": "sur " + theme_art,
            "autour_theme": "autour " + _de_article(theme_art),
            "phrase": phrase,
            "action": rng.choice(ACTIONS),
            "org": org.obj.name,
            "org_art": org_art,
            "Org_art": _capitalise(org_art),
            "de_org": _de_article(org_art),
            "commune": commune.name if commune else "",
        }

    def _title(self, words: dict, in_person: bool) -> str:
        rng = self.rng
        template = rng.choice((
            "{format} {sur_theme} : {phrase}",
            "{format} « {theme} » – {phrase}",
            "{theme} : {phrase} ({format_lower})",
            "{Phrase} : {format_lower} {sur_theme}",
            "{format} {autour_theme} : {phrase}",
        ))
        title = template.format(Phrase=_capitalise(words["phrase"]), **words)
        if in_person and words["commune"] and rng.random() < 0.2:
            title += f" à {words['commune']}"
        return _truncate(_capitalise(title), 200)

    def _summary(self, words: dict) -> str:
        text = self.rng.choice(SUMMARY_TEMPLATES).format(**words)
        return _truncate(_capitalise(text), 300)

    def _description(self, words: dict, audiences, registration: str, capacity, access) -> str:
        rng = self.rng
        intro = rng.choice(INTRO_SENTENCES).format(**words)
        context = " ".join(rng.sample(CONTEXT_SENTENCES, rng.randint(1, 2)))
        items = "\n".join(f"- {_capitalise(item)}" for item in
                          rng.sample(PROGRAMME_ITEMS, rng.randint(2, 5)))
        practical = [f"- **Public** : {', '.join(a.name.lower() for a in audiences)}"]
        if registration == RegistrationMode.NONE:
            practical.append("- **Inscription** : entrée libre")
        else:
            practical.append("- **Inscription** : obligatoire"
                             + (f", {capacity} places" if capacity else ""))
        if access:
            practical.append("- **Accessibilité** : " + ", ".join(access))
        closing = rng.choice(CLOSINGS)
        parts = [
            f"## {rng.choice(HEADINGS)}",
            f"{_capitalise(intro)} {context}",
            "**Au programme**",
            items,
        ]
        if closing:
            parts.append(closing)
        parts += ["### Informations pratiques", "\n".join(practical)]
        return "\n\n".join(parts) + "\n"

    # ---- one event ------------------------------------------------------------------------

    def build(self, org: _Org):
        """An unsaved event and what to write once it has a primary key."""
        rng = self.rng
        fmt = rng.choices(self.formats, self.format_weights)[0]
        theme = rng.choice(self.themes)
        online_format = fmt.name in ONLINE_FORMATS
        r = rng.random()
        if online_format:
            mode = AttendanceMode.ONLINE if r < 0.75 else AttendanceMode.MIXED
        elif r < 0.85:
            mode = AttendanceMode.IN_PERSON
        elif r < 0.93:
            mode = AttendanceMode.MIXED
        else:
            mode = AttendanceMode.ONLINE
        venue = commune = None
        if mode != AttendanceMode.ONLINE:
            venue, commune = rng.choice(org.venues)
        words = self._words(org, fmt, theme, commune)
        title = self._title(words, venue is not None)

        formats = [fmt, *rng.sample(self.formats, rng.choice((0, 0, 1, 2)))]
        themes = [theme, *rng.sample(self.themes, rng.choice((0, 1, 1, 2)))]
        audiences = rng.choices(self.audiences, self.audience_weights,
                                k=rng.choice((1, 1, 1, 2)))

        age_min = age_max = None
        r = rng.random()
        if r < 0.08:
            age_min = rng.choice((12, 15, 16, 18))
        elif r < 0.13:
            age_min = rng.randint(6, 10)
            age_max = rng.randint(max(age_min, 11), 17)
            audiences = [self.general_public or audiences[0], audiences[0]]
        elif r < 0.15:
            age_min = age_max = rng.choice((8, 10, 12))
        audiences = list(dict.fromkeys(audiences))

        online = mode == AttendanceMode.ONLINE
        flags = {name: rng.random() < (p_online if online else p_in_person)
                 for name, p_in_person, p_online in ACCESS_PROBABILITIES}
        access_labels = [str(ACCESS_LABELS[name]).lower() for name, value in flags.items()
                         if value]

        r = rng.random()
        capacity = None
        registration_url = ""
        if r < 0.45:
            registration = RegistrationMode.NONE
            if mode != AttendanceMode.ONLINE and rng.random() < 0.15:
                capacity = rng.choice((30, 50, 80, 120, 200))
        elif r < 0.80:
            registration = RegistrationMode.PLATFORM
            capacity = rng.choice((8, 12, 15, 20, 25, 30, 40, 50, 80, 100, 150, 200, 300))
        else:
            registration = RegistrationMode.EXTERNAL
            registration_url = f"https://inscriptions.example.org/{org.obj.slug[:40]}/" \
                               f"{rng.randrange(10**6):06d}"
            if rng.random() < 0.6:
                capacity = rng.choice((20, 40, 60, 100, 250, 500))

        status = rng.choices(*zip(*STATUS_WEIGHTS, strict=True))[0]
        if status == EventStatus.FULL and registration == RegistrationMode.NONE:
            status = EventStatus.SCHEDULED
        online_url = ""
        if mode != AttendanceMode.IN_PERSON or status == EventStatus.MOVED_ONLINE:
            online_url = f"https://visio.example.org/{uuid.UUID(int=rng.getrandbits(128)).hex[:12]}"

        languages = ["fr"]
        code, region = org.departement.code, org.departement.region.code
        if rng.random() < 0.06:
            languages.append("en")
        if code in BRETON and rng.random() < 0.1:
            languages.append("br")
        elif region == OCCITANIE and rng.random() < 0.05:
            languages.append("oc")
        elif code in ALSACE and rng.random() < 0.05:
            languages.append("de")
        if flags["access_sign_language"]:
            languages.append("lsf")

        r = rng.random()
        submitted_at = published_at = None
        if r < 0.95:
            state = EventState.PUBLISHED
        elif r < 0.98:
            state = EventState.SUBMITTED
        else:
            state = EventState.DRAFT
        if state != EventState.DRAFT:
            submitted_at = self.latest_submission - timedelta(minutes=rng.randint(0, 75 * DAY))
        if state == EventState.PUBLISHED:
            published_at = min(submitted_at + timedelta(minutes=rng.randint(60, 12 * DAY)),
                               self.now)

        programme = track = None
        if org.programme and rng.random() < 0.8:
            programme = org.programme
            if org.tracks and rng.random() < 0.85:
                track = rng.choice(org.tracks)

        times = _slot_times(rng, self.days)
        departement = org.departement if venue is not None else None
        facets = facet_keys(
            themes={t.pk for t in themes}, formats={f.pk for f in formats},
            audiences={a.pk for a in audiences}, spans=times,
            departement=departement and departement.pk,
            region=departement and departement.region_id,
        )
        slot_capacity = capacity if capacity and len(times) > 1 and rng.random() < 0.5 else None
        event = Event(
            public_id=uuid.uuid4(),
            slug=slugify(title)[:200],
            edition=self.edition,
            organisation=org.obj,
            programme=programme,
            track=track,
            title=title,
            summary=self._summary(words),
            description=self._description(words, audiences, registration, capacity,
                                          access_labels),
            age_min=age_min,
            age_max=age_max,
            attendance_mode=mode,
            online_url=online_url,
            venue=venue,
            languages=languages,
            registration_mode=registration,
            registration_url=registration_url,
            capacity=capacity,
            state=state,
            status=status,
            submitted_at=submitted_at,
            published_at=published_at,
            first_starts_at=min(start for start, _ in times),
            last_ends_at=max(end for _, end in times),
            facets=facets,
            **flags,
        )
        co_organisers = []
        if rng.random() < 0.06:
            neighbours = self.orgs_by_departement[org.departement.pk]
            if len(neighbours) < 3:
                neighbours = self.orgs_by_region[org.departement.region_id]
            co_organisers = {o.obj for o in rng.sample(neighbours, min(2, len(neighbours)))
                             if o is not org}
        links = (
            {f.pk for f in formats}, {t.pk for t in themes}, {a.pk for a in audiences},
            {o.pk for o in co_organisers},
        )
        return event, times, slot_capacity, links

    # ---- one batch ------------------------------------------------------------------------

    def write(self, orgs: list[_Org]) -> int:
        built = [self.build(org) for org in orgs]
        with transaction.atomic():
            _insert(Event, [event for event, *_ in built])
            slots, format_links, theme_links, audience_links, co_links = [], [], [], [], []
            for event, times, slot_capacity, (fmts, thms, auds, cos) in built:
                pk = event.pk
                slots += [Slot(event_id=pk, starts_at=start, ends_at=end, capacity=slot_capacity)
                          for start, end in times]
                format_links += [self.FormatLink(event_id=pk, format_id=f) for f in fmts]
                theme_links += [self.ThemeLink(event_id=pk, theme_id=t) for t in thms]
                audience_links += [self.AudienceLink(event_id=pk, audience_id=a) for a in auds]
                co_links += [self.CoOrganiserLink(event_id=pk, organisation_id=o) for o in cos]
            for model, rows in ((Slot, slots), (self.FormatLink, format_links),
                                (self.ThemeLink, theme_links),
                                (self.AudienceLink, audience_links),
                                (self.CoOrganiserLink, co_links)):
                _insert(model, rows, need_keys=False)
        return len(slots)


def _insert(model, objects: list, need_keys: bool = True) -> None:
    """Write ``objects``: PostgreSQL's COPY (primary keys drawn from the sequence first when
    they are needed afterwards), ``bulk_create`` elsewhere."""
    if connection.vendor != "postgresql" or not objects:
        model.objects.bulk_create(objects, batch_size=ROWS_PER_INSERT)
        return
    table = model._meta.db_table
    pk = model._meta.pk
    with connection.cursor() as cursor:
        if need_keys:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk.column, len(objects)],
            )
            for obj, (key,) in zip(objects, cursor.fetchall(), strict=True):
                obj.pk = key
        fields = [f for f in model._meta.concrete_fields if need_keys or f is not pk]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection)
                                for f in fields])


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def _analyze() -> None:
    """Fresh statistics after a bulk load, or PostgreSQL plans the first queries blind."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(
                "VACUUM (ANALYZE) agenda_event, agenda_slot, agenda_venue, agenda_event_themes, "
                "agenda_event_formats, agenda_event_audiences, organisers_organisation"
            )


def generate_edition(events: int, edition_slug: str = "synthetique", seed: int = 2017) -> dict:
    """Create (or extend) the edition ``edition_slug`` with ``events`` synthetic events.

    Returns what this run created: ``{"events", "slots", "organisations", "edition"}`` (the
    last one is the edition's name).
    """
    if events < 0:
        raise ValueError("events must be positive")
    rng = random.Random(seed)
    departements = list(Departement.objects.select_related("region").order_by("code"))
    if not departements:
        raise RuntimeError("Aucun département : appliquez d'abord les migrations.")
    with transaction.atomic():
        edition = _edition(edition_slug)
    formats, themes, audiences = _reference_lists()

    communes = {d.pk: _communes(rng, d) for d in departements}
    organisation_count = max(len(departements), round(events / EVENTS_PER_ORGANISATION))
    with transaction.atomic():
        orgs = _organisations(rng, departements, organisation_count, communes)
        _venues(rng, orgs, communes)

    # Which organisation publishes each event: a few publish a lot, most a handful; every
    # département's own organisation publishes at least one when there are enough events.
    forced = list(range(min(len(departements), events)))
    owners = forced + rng.choices(range(len(orgs)), [o.weight for o in orgs],
                                  k=events - len(forced))
    rng.shuffle(owners)
    counts = [0] * len(orgs)
    for index in owners:
        counts[index] += 1
    with transaction.atomic():
        _programmes(rng, edition, orgs, counts)

    orgs_by_departement: dict[int, list[_Org]] = {}
    for org in orgs:
        orgs_by_departement.setdefault(org.departement.pk, []).append(org)
    writer = _Writer(rng, edition, formats, themes, audiences, orgs_by_departement)
    slot_count = 0
    with tqdm(total=events, unit="événements", file=sys.stderr, dynamic_ncols=True) as bar:
        for offset in range(0, events, BATCH):
            chunk = [orgs[index] for index in owners[offset:offset + BATCH]]
            slot_count += writer.write(chunk)
            bar.update(len(chunk))
    refresh_search_vector(edition_id=edition.pk)
    _analyze()
    return {
        "events": events,
        "slots": slot_count,
        "organisations": len(orgs),
        "edition": edition.name,
    }
