"""Demo data: the 2017 edition of the Semaine de l'innovation publique.

Built from a public article about the 2017 edition (20–26 November 2017): the Calvados round
table and hackathon, the forty-odd events of Loire-Atlantique in three tracks (Découvrir,
Partager, Comprendre), the LaBase workshops in Gironde and the online course followed in the
Val-d'Oise. The article gives no times nor venues: those are illustrative and every event is
flagged ``is_illustrative``.

Everything goes through the services (registration and approval of organisations, venues,
creation, submission and publication of events) so that the history of each event is recorded
as it would be in real use.

Since 2017 is long past, nobody could register to its events: the demo also holds an upcoming
edition, the « Mois de l'innovation publique », whose dates are computed when it is loaded (four
weeks starting a month or so later). Its events take registrations on the platform, and fictitious
people (addresses at ``exemple.fr``) have registered, one workshop being full with a waiting list.

``load_demo`` is idempotent: each edition is loaded once; when both are there, it only returns
the demo accounts.
"""

import copy
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from semaine.agenda import reference
from semaine.agenda.models import (
    AttendanceMode,
    Audience,
    Coordination,
    Edition,
    Event,
    EventState,
    Format,
    Programme,
    RegistrationMode,
    Theme,
    Track,
    Venue,
)
from semaine.agenda.services import SlotData, create_event, publish_event, save_venue, submit_event
from semaine.ledger.services import seal_all
from semaine.organisers.models import Membership, Organisation, OrganisationStatus, Role
from semaine.organisers.services import approve_organisation, register_organisation
from semaine.registrations.models import RegistrationStatus
from semaine.registrations.services import register
from semaine.territory.models import Departement

PARIS = ZoneInfo("Europe/Paris")

# Published on purpose: the demo accounts are printed by the demo loader.
DEMO_PASSWORD = "demo-semaine-2017"  # noqa: S105
EMAIL_DOMAIN = "demo.semaine.fr"
EDITION_SLUG = "2017"

COORDINATOR = ("coordination@demo.semaine.fr", "Claire", "Lemoine")
ADMIN = ("admin@demo.semaine.fr", "Admin", "Démo")

EDITION_DESCRIPTION = """\
Du 20 au 26 novembre 2017 se tient la quatrième Semaine de l'innovation publique. Prévue dans \
le cadre de la réforme de l'État, elle met à l'honneur une administration en mouvement, qui \
promeut l'innovation dans les services, de la conception à la mise en œuvre des politiques \
publiques.

Pendant une semaine, professionnels et grand public peuvent :

- découvrir et comprendre ce que recouvre l'innovation publique, les nouvelles méthodes de \
conception des politiques publiques et leurs finalités (amélioration de la qualité de service, \
accompagnement du changement, développement de l'administration numérique…) ;
- rencontrer les femmes et les hommes qui innovent dans le secteur public ;
- participer à l'élaboration de nouveaux services publics, contribuer à leur amélioration et \
appréhender les enjeux de la transformation de l'administration du XXIe siècle.

Échanges, présentations, expositions, démonstrations, expérimentations : la transformation \
concerne l'ensemble de la fonction publique, d'État, territoriale et hospitalière. Les \
Départements, fortement engagés en matière d'innovation et d'expérimentation, sont de la partie.
"""

# key (used in the editor's e-mail), name, kind, département code, website, editor's first and
# last names, description, approved.
ORGANISATIONS = [
    ("calvados", "Département du Calvados", "departement", "14", "https://www.calvados.fr",
     "Julien", "Marie",
     "Le Département du Calvados met la donnée au service du tourisme et de l'attractivité du "
     "territoire, et ouvre ses projets aux habitants et aux entreprises.", True),
    ("loire-atlantique", "Département de la Loire-Atlantique", "departement", "44",
     "https://www.loire-atlantique.fr", "Sophie", "Guérin",
     "Le Département de la Loire-Atlantique expérimente avec ses agents et ses usagers de "
     "nouvelles façons de concevoir les services publics, du social aux routes.", True),
    ("gironde", "Département de la Gironde", "departement", "33", "https://www.gironde.fr",
     "Thomas", "Dupuy",
     "Le Département de la Gironde a lancé en juin 2017, avec Bordeaux Métropole, LaBase, "
     "laboratoire d'innovation territoriale inter-administrations.", True),
    ("bordeaux-metropole", "Bordeaux Métropole", "municipality", "33",
     "https://www.bordeaux-metropole.fr", "Léa", "Fabre",
     "Bordeaux Métropole réunit les communes de l'agglomération bordelaise ; elle est partenaire "
     "du laboratoire d'innovation territoriale LaBase.", True),
    ("val-doise", "Département du Val-d'Oise", "departement", "95", "https://www.valdoise.fr",
     "Nadia", "Benali",
     "Le Département du Val-d'Oise encourage ses agents à se former à l'innovation publique et "
     "à la pensée design.", True),
    ("nantes-metropole", "Nantes Métropole", "municipality", "44", "https://metropole.nantes.fr",
     "Antoine", "Le Gall",
     "Nantes Métropole associe les habitants à ses projets et partage ses données publiques ; "
     "elle co-organise plusieurs temps forts avec le Département de la Loire-Atlantique.", True),
    ("my-human-kit", "My Human Kit", "association", "35", "https://myhumankit.org",
     "Yann", "Kerbrat",
     "Association rennaise qui développe des dispositifs d'aides techniques pour et avec les "
     "personnes en situation de handicap, en fabrication numérique et en open source.", True),
    ("ecole-design", "École de design Nantes Atlantique", "school", "44",
     "https://www.lecolededesign.com", "Inès", "Moreau",
     "École de design qui forme des designers et mène avec les collectivités des projets de "
     "design des services et des politiques publiques.", True),
    ("labase", "LaBase", "lab", "33", "",
     "Romain", "Lacoste",
     "Laboratoire d'innovation territoriale inter-administrations de la Gironde : chaque "
     "institution partenaire peut le solliciter pour outiller ses porteurs de projets, "
     "prototyper et tester de nouvelles solutions.", True),
    ("hopital", "Centre hospitalier de démonstration", "hospital", None, "",
     "Hélène", "Roussel",
     "Établissement fictif, créé pour la démonstration : sa demande d'inscription attend la "
     "validation de la coordination nationale.", False),
]

# key: organisation key, name, address, postcode, commune, département code, latitude, longitude
VENUES = {
    "caen-hd": ("calvados", "Hôtel du Département du Calvados", "9 rue Saint-Laurent", "14000",
                "Caen", "14", 49.1853, -0.3638),
    "caen-dome": ("calvados", "Le Dôme", "3 esplanade Stéphane-Hessel", "14000", "Caen", "14",
                  49.1842, -0.3521),
    "nantes-hd": ("loire-atlantique", "Hôtel du Département de la Loire-Atlantique",
                  "3 quai Ceineray", "44000", "Nantes", "44", 47.2196, -1.5547),
    "nantes-archives": ("loire-atlantique", "Archives départementales de la Loire-Atlantique",
                        "6 rue de Bouillé", "44000", "Nantes", "44", 47.2214, -1.5530),
    "arc-antique": ("loire-atlantique", "Laboratoire Arc'Antique", "26 rue de la Haute-Forêt",
                    "44300", "Nantes", "44", 47.2482, -1.5197),
    "ecole-design": ("loire-atlantique", "École de design Nantes Atlantique",
                     "Rue Christian-Pauc", "44300", "Nantes", "44", 47.2823, -1.5186),
    "lieu-unique": ("loire-atlantique", "Le Lieu unique", "2 quai Ferdinand-Favre", "44000",
                    "Nantes", "44", 47.2153, -1.5451),
    "saint-nazaire": ("loire-atlantique", "Délégation départementale de Saint-Nazaire",
                      "Avenue de la République", "44600", "Saint-Nazaire", "44",
                      47.2750, -2.2130),
    "reze": ("loire-atlantique", "Espace départemental de Rezé", "Rue Jean-Jaurès", "44400",
             "Rezé", "44", 47.1905, -1.5560),
    "saint-herblain": ("loire-atlantique", "Espace départemental de Saint-Herblain",
                       "Boulevard Charles-Gautier", "44800", "Saint-Herblain", "44",
                       47.2180, -1.6490),
    "chateaubriant": ("loire-atlantique", "Délégation départementale de Châteaubriant",
                      "Rue de Couëré", "44110", "Châteaubriant", "44", 47.7168, -1.3762),
    "ancenis": ("loire-atlantique", "Délégation départementale d'Ancenis",
                "Boulevard Léon-Séché", "44150", "Ancenis", "44", 47.3666, -1.1760),
    "clisson": ("loire-atlantique", "Espace départemental du Vignoble", "Place du Minage",
                "44190", "Clisson", "44", 47.0868, -1.2808),
    "garenne-lemot": ("loire-atlantique", "Domaine départemental de la Garenne Lemot",
                      "Maison du Jardinier", "44190", "Gétigné", "44", 47.0800, -1.2696),
    "bordeaux-hd": ("gironde", "Hôtel du Département de la Gironde",
                    "1 esplanade Charles-de-Gaulle", "33000", "Bordeaux", "33",
                    44.8381, -0.5901),
    "bordeaux-gatet": ("gironde", "Immeuble Laure-Gatet (Bordeaux Métropole)",
                       "39-41 cours du Maréchal-Juin", "33000", "Bordeaux", "33",
                       44.8355, -0.5922),
    "cergy-hd": ("val-doise", "Hôtel du Département du Val-d'Oise", "2 avenue du Parc", "95000",
                 "Cergy", "95", 49.0358, 2.0790),
}

LA_PROGRAMME = (
    "Semaine de l'innovation publique en Loire-Atlantique",
    "Plus de 40 temps forts pendant six jours, du 20 au 25 novembre 2017, sur l'ensemble du "
    "territoire de la Loire-Atlantique, autour de trois notions : **découvrir**, **partager** "
    "et **comprendre**.\n\nÉchanges, présentations, expositions, démonstrations, "
    "expérimentations : les équipes du Département ouvrent leurs portes aux agents, aux "
    "professionnels et au grand public.",
)
LA_TRACKS = [
    ("decouvrir", "Découvrir",
     "Exploration de technologies nouvelles comme la blockchain (littéralement la « chaîne de "
     "blocs », base de données distribuée dont les informations sont vérifiées et groupées à "
     "intervalles de temps réguliers en blocs) ou la réalité virtuelle, d'approches innovantes "
     "venues du Val-d'Oise, d'Ille-et-Vilaine, de l'École de design ou de Nantes Métropole, "
     "mais aussi rencontres avec des associations novatrices comme My Human Kit, qui développe "
     "des dispositifs d'aides techniques pour et avec les personnes en situation de handicap."),
    ("partager", "Partager",
     "Présentation des nombreux travaux et expérimentations des équipes du Département. Des "
     "labos d'Arc'Antique (laboratoire de conservation, restauration et recherche du patrimoine "
     "du territoire) aux MAIA (méthode d'action pour l'intégration des services d'aide et de "
     "soins dans le champ de l'autonomie), du social aux routes, de l'environnement à "
     "l'aménagement : des projets nombreux et en phase avec les besoins des usagers."),
    ("comprendre", "Comprendre",
     "Des ateliers pour que chacun puisse découvrir de façon simple et ludique la facilitation "
     "graphique, la programmation, la data visualisation, les réseaux sociaux ou les outils "
     "d'un designer."),
]

LABASE_PROGRAMME = (
    "LaBase, laboratoire d'innovation territoriale",
    "Lancé en juin 2017 par le Département de la Gironde en collaboration avec Bordeaux "
    "Métropole, LaBase est un laboratoire d'innovation territoriale inter-administrations. Il "
    "impulse une nouvelle logique d'échanges entre les institutions porteuses de projets sur "
    "les territoires, pour développer la « créativité administrative » au service de "
    "l'usager.\n\n**Le principe** : chaque institution partenaire peut solliciter LaBase pour "
    "outiller en transversalité ses porteurs de projets, prototyper et tester de nouvelles "
    "solutions opérationnelles.\n\nPendant la Semaine de l'innovation publique, des ateliers se "
    "tiennent autour du laboratoire six jours durant, du 20 au 25 novembre 2017.",
)

# Loire-Atlantique: track, slots, venue (None when online), formats, themes, audiences, title,
# summary, detail (Markdown), options. Slots are "day HH:MM-HH:MM" in November 2017, separated by
# commas. Options: reg (none, platform, external), cap (places per slot), mode (in_person,
# online, mixed), access (accessibility flags, default "motor" on site), co (co-organisers'
# keys), age ((min, max)), langs.
LOIRE_ATLANTIQUE_EVENTS = [
    # Découvrir
    ("decouvrir", "20 10:00-12:00", "nantes-hd", "conference", "blockchain data",
     "agents-publics professionnels",
     "La blockchain expliquée aux agents publics",
     "Littéralement « chaîne de blocs », la blockchain est une base de données distribuée dont "
     "les informations sont vérifiées et groupées en blocs à intervalles réguliers. Deux heures "
     "pour comprendre son fonctionnement et ses usages possibles dans le service public.",
     "Registre partagé, consensus, preuve d'antériorité : un spécialiste démystifie le "
     "vocabulaire de la blockchain. Les équipes du Département présentent ensuite des pistes "
     "d'usage : traçabilité, certification de documents, marchés publics.\n\nLa conférence est "
     "retransmise en direct pour les agents des délégations.",
     {"reg": "platform", "cap": 80, "mode": "mixed", "access": "motor hearing captioning"}),
    ("decouvrir", "22 14:00-16:00", "nantes-hd", "table-ronde", "blockchain",
     "agents-publics professionnels",
     "Blockchain et services publics : quels usages demain ?",
     "Élus, agents, chercheurs et entreprises du territoire débattent des promesses et des "
     "limites de la blockchain pour les administrations : confiance, transparence, coût "
     "énergétique, protection des données.",
     "Après une courte introduction, quatre intervenants confrontent leurs expériences. La "
     "seconde heure est consacrée aux questions du public.",
     {}),
    ("decouvrir", "25 10:00-12:00, 25 14:00-16:00", "lieu-unique", "atelier", "blockchain",
     "grand-public",
     "Blockchain : atelier de découverte pour tous",
     "Avec des cartes, des crayons et des cadenas, fabriquez une blockchain en papier et "
     "découvrez comment fonctionne une chaîne de blocs, sans écran ni prérequis.",
     "Un atelier ludique conçu pour les familles et les curieux : les participants jouent tour "
     "à tour le rôle de ceux qui valident les blocs et de ceux qui tentent de tricher.",
     {"reg": "platform", "cap": 20, "age": (12, None)}),
    ("decouvrir", "21 10:00-12:00, 21 14:00-16:00, 22 10:00-12:00", "nantes-hd",
     "demonstration", "realite-virtuelle amenagement", "grand-public agents-publics",
     "Réalité virtuelle : visitez un collège avant sa construction",
     "Casque sur la tête, parcourez les salles d'un futur collège conçu par le Département et "
     "donnez votre avis aux architectes avant le premier coup de pioche.",
     "La maquette numérique du bâtiment est présentée en réalité virtuelle. Les remarques "
     "recueillies (circulations, lumière, acoustique) sont transmises à l'équipe de maîtrise "
     "d'œuvre.",
     {"reg": "platform", "cap": 15}),
    ("decouvrir", "23 09:30-12:00", "saint-herblain", "demonstration",
     "realite-virtuelle routes", "agents-publics",
     "Former les agents des routes grâce à la réalité virtuelle",
     "Baliser un chantier, sécuriser un accident, manœuvrer une saleuse : découvrez les "
     "simulations en réalité virtuelle testées pour former les agents d'exploitation des routes "
     "départementales.",
     "Les agents des centres routiers présentent les scénarios qu'ils ont contribué à écrire et "
     "partagent leur retour après plusieurs mois d'essais.",
     {}),
    ("decouvrir", "24 14:00-17:00", "saint-nazaire", "experimentation",
     "realite-virtuelle handicap-et-inclusion", "grand-public professionnels",
     "Se mettre à la place de l'autre : la réalité virtuelle au service de l'inclusion",
     "Vivre quelques minutes un déplacement en fauteuil ou avec une déficience visuelle : une "
     "expérience immersive pour prendre conscience des obstacles du quotidien, suivie d'un "
     "échange.",
     "Proposée par les équipes de l'autonomie, cette expérimentation sert aussi à évaluer "
     "l'intérêt de la réalité virtuelle pour la formation des aidants et des professionnels.",
     {"access": "motor hearing"}),
    ("decouvrir", "21 14:00-16:00", "nantes-hd", "rencontre", "design", "agents-publics",
     "Innovation publique : l'expérience du Val-d'Oise",
     "Comment le Département du Val-d'Oise encourage-t-il ses agents à se former à "
     "l'innovation publique et à la pensée design ? Retour d'expérience et échanges entre "
     "collègues des deux Départements.",
     "Une rencontre à distance avec les équipes du Val-d'Oise, suivie en salle à Nantes et en "
     "ligne depuis les délégations.",
     {"mode": "mixed", "co": "val-doise"}),
    ("decouvrir", "22 10:00-11:30", None, "webinaire rencontre", "design social",
     "agents-publics",
     "Ille-et-Vilaine : des approches innovantes partagées entre Départements",
     "Des agents du Département d'Ille-et-Vilaine présentent en ligne les démarches innovantes "
     "menées avec les usagers : immersion, prototypage, tests grandeur nature de nouveaux "
     "services.",
     "Un webinaire d'une heure et demie, suivi d'un temps de questions par messagerie "
     "instantanée.",
     {"mode": "online", "reg": "external", "access": "hearing captioning"}),
    ("decouvrir", "22 17:30-19:00", "ecole-design", "conference", "design",
     "agents-publics professionnels",
     "Le design au service des politiques publiques",
     "Enseignants et étudiants de l'École de design Nantes Atlantique présentent des projets "
     "menés avec des collectivités : accueil des usagers, signalétique, services numériques.",
     "Chaque projet est raconté de la commande à la mise en œuvre, avec ses réussites et ses "
     "difficultés. Un échange avec la salle conclut la soirée.",
     {"reg": "platform", "cap": 100, "co": "ecole-design"}),
    ("decouvrir", "21 10:00-18:00, 22 10:00-18:00, 23 10:00-18:00", "nantes-hd", "exposition",
     "design", "grand-public agents-publics",
     "Exposition : des services publics imaginés par de jeunes designers",
     "Maquettes, prototypes et affiches : les projets d'étudiants de l'École de design Nantes "
     "Atlantique pour réinventer l'accueil et l'information des usagers sont exposés dans le "
     "hall du Département.",
     "Entrée libre aux heures d'ouverture. Des étudiants sont présents chaque jour de 12 h à "
     "14 h pour présenter leurs travaux.",
     {"co": "ecole-design", "access": "motor visual"}),
    ("decouvrir", "23 18:00-20:00", "lieu-unique", "rencontre", "amenagement design",
     "grand-public agents-publics",
     "Nantes Métropole : le dialogue citoyen réinventé",
     "Grands débats, ateliers de quartier, plateforme participative : Nantes Métropole partage "
     "ses méthodes pour associer les habitants aux projets d'aménagement, puis échange avec le "
     "public.",
     "La rencontre est interprétée en langue des signes française.",
     {"co": "nantes-metropole", "access": "motor hearing sign_language",
      "langs": ["fr", "lsf"]}),
    ("decouvrir", "24 10:00-12:00", "nantes-archives", "table-ronde", "data",
     "professionnels agents-publics",
     "Données ouvertes : Nantes Métropole et le Département croisent leurs expériences",
     "Quelles données publier, pour quels usages et avec quels partenaires ? Les équipes "
     "chargées des données ouvertes de Nantes Métropole et du Département partagent leurs "
     "réussites et leurs difficultés.",
     "Au programme : les jeux de données les plus utilisés, les réutilisations marquantes et "
     "les chantiers communs à venir.",
     {"reg": "external", "co": "nantes-metropole"}),
    ("decouvrir", "21 18:00-20:00", "saint-nazaire", "rencontre", "handicap-et-inclusion",
     "grand-public professionnels",
     "Rencontre avec My Human Kit : des aides techniques fabriquées ensemble",
     "L'association My Human Kit développe des dispositifs d'aides techniques pour et avec les "
     "personnes en situation de handicap. Ses membres racontent leur démarche et présentent "
     "leurs réalisations.",
     "Une soirée d'échange avec les bénévoles et les personnes qui ont conçu leurs propres "
     "aides techniques. La rencontre est interprétée en langue des signes française.",
     {"co": "my-human-kit", "access": "motor hearing visual sign_language",
      "langs": ["fr", "lsf"]}),
    ("decouvrir", "25 14:00-17:30", "reze", "demonstration",
     "handicap-et-inclusion programmation", "grand-public",
     "Fabriquer sa propre aide technique : démonstrations avec My Human Kit",
     "Imprimante 3D, électronique, découpe laser : découvrez comment les bénévoles de My Human "
     "Kit et les personnes concernées conçoivent des prototypes libres, reproductibles par "
     "tous.",
     "Démonstrations en continu tout l'après-midi : venez quand vous voulez.",
     {"co": "my-human-kit", "access": "motor visual"}),
    ("decouvrir", "23 14:00-16:00", "reze", "conference", "handicap-et-inclusion data",
     "professionnels",
     "Objets connectés et autonomie : ce que la technologie change à domicile",
     "Capteurs, téléassistance, domotique : quels usages pour aider les personnes âgées et les "
     "personnes en situation de handicap à vivre chez elles ? Points de vue de professionnels et "
     "d'usagers.",
     "Deux interventions courtes, puis un débat sur l'éthique et le coût de ces solutions.",
     {"reg": "platform", "cap": 60}),
    # Partager
    ("partager", "25 10:00-12:30, 25 14:00-17:30", "arc-antique", "exposition demonstration",
     "patrimoine", "grand-public",
     "Les labos d'Arc'Antique ouvrent leurs portes",
     "Laboratoire de conservation, de restauration et de recherche du patrimoine du territoire, "
     "Arc'Antique ouvre ses ateliers au public : objets archéologiques, métaux, céramiques et "
     "bois gorgés d'eau.",
     "Visite guidée des ateliers par petits groupes, en compagnie des restaurateurs. Les "
     "laboratoires ne sont accessibles qu'en partie aux personnes en fauteuil.",
     {"reg": "platform", "cap": 25, "access": "hearing"}),
    ("partager", "21 14:00-16:00", "arc-antique", "demonstration", "patrimoine",
     "agents-publics professionnels",
     "Restaurer un objet archéologique : les coulisses d'Arc'Antique",
     "Nettoyage, consolidation, stabilisation : les restaurateurs d'Arc'Antique montrent pas à "
     "pas le traitement d'un objet issu de fouilles et expliquent les choix faits avec les "
     "archéologues.",
     "Une démonstration en petit comité, au plus près des paillasses.",
     {"reg": "platform", "cap": 20}),
    ("partager", "23 10:00-12:00", "arc-antique", "conference", "patrimoine data",
     "professionnels",
     "Radiographie, 3D, analyses : la recherche au service du patrimoine",
     "Les chercheurs d'Arc'Antique présentent les techniques d'imagerie et d'analyse qui "
     "permettent d'étudier un objet sans l'abîmer, et la façon dont les résultats sont partagés "
     "avec les musées.",
     "Conférence suivie d'une visite du plateau d'imagerie.",
     {"reg": "external"}),
    ("partager", "20 14:00-16:30", "chateaubriant", "rencontre", "social",
     "professionnels agents-publics",
     "MAIA : coordonner l'aide et le soin autour de la personne âgée",
     "La MAIA, méthode d'action pour l'intégration des services d'aide et de soins dans le "
     "champ de l'autonomie, réunit les professionnels d'un territoire. Présentation de la "
     "démarche et de ses premiers résultats.",
     "Guichet intégré, gestion de cas, outils partagés : les pilotes MAIA du nord du "
     "département racontent ce qui a changé pour les personnes accompagnées.",
     {}),
    ("partager", "22 09:30-12:00", "ancenis", "table-ronde", "social handicap-et-inclusion",
     "professionnels",
     "MAIA : le parcours de la personne âgée vu par les professionnels",
     "Médecins, infirmiers, services d'aide à domicile et gestionnaires de cas racontent comment "
     "la MAIA a changé leur manière de travailler ensemble face aux situations complexes.",
     "Une table ronde animée par la pilote MAIA du secteur, ouverte à tous les professionnels "
     "de l'aide et du soin.",
     {"reg": "platform", "cap": 50}),
    ("partager", "21 09:30-12:00", "reze", "experimentation", "social design", "agents-publics",
     "Accueil social : repenser le premier rendez-vous avec les usagers",
     "Les travailleurs sociaux d'une délégation ont réinventé l'accueil avec les usagers "
     "eux-mêmes : salle d'attente, prise de rendez-vous, premier entretien. Découvrez le "
     "prototype et ses premiers résultats.",
     "Visite de l'espace d'accueil réaménagé, puis échange avec l'équipe et des usagers qui ont "
     "participé à la démarche.",
     {"reg": "platform", "cap": 30}),
    ("partager", "23 14:00-16:00", "saint-nazaire", "rencontre", "social design",
     "agents-publics",
     "Des courriers administratifs réécrits avec les allocataires",
     "Trop longs, trop techniques : des allocataires du RSA et des agents ont réécrit ensemble "
     "les courriers du Département. Présentation de la méthode et des nouveaux modèles.",
     "Avant, après : comparez les versions et repartez avec les règles de rédaction retenues "
     "par le groupe de travail.",
     {}),
    ("partager", "24 09:30-12:00", "saint-herblain", "rencontre", "social",
     "professionnels agents-publics",
     "Protection de l'enfance : des outils construits avec les familles",
     "Livret d'accueil, carnet de bord, frise du parcours : les équipes de l'aide sociale à "
     "l'enfance présentent des outils conçus avec les familles et les jeunes accompagnés.",
     "Des jeunes et des parents ayant participé aux ateliers témoignent aux côtés des "
     "professionnels.",
     {"reg": "platform", "cap": 40}),
    ("partager", "22 14:00-16:00", "ancenis", "demonstration", "routes data", "grand-public",
     "Routes départementales : signaler un incident en quelques clics",
     "Nid-de-poule, panneau endommagé, arbre tombé : découvrez le service en ligne qui permet "
     "aux usagers de signaler un problème sur les routes départementales et de suivre sa prise "
     "en charge.",
     "Démonstration sur place et en ligne, avec les agents qui traitent les signalements.",
     {"mode": "mixed"}),
    ("partager", "24 14:00-16:00", "clisson", "rencontre", "routes",
     "agents-publics professionnels",
     "Chantiers routiers : mieux informer les riverains",
     "Panneaux pédagogiques, alertes par SMS, réunions de chantier ouvertes : les équipes des "
     "routes partagent les expérimentations menées pour mieux informer habitants et "
     "entreprises.",
     "Retour sur trois chantiers récents du vignoble nantais, avec les entreprises de travaux "
     "publics associées.",
     {}),
    ("partager", "20 10:00-12:00", "saint-herblain", "demonstration", "routes data",
     "agents-publics",
     "Viabilité hivernale : des capteurs pour anticiper le verglas",
     "Stations météo routières, capteurs embarqués, cartes en temps réel : démonstration des "
     "outils qui aident les patrouilleurs à décider quand et où intervenir l'hiver.",
     "Présentation en salle, puis démonstration sur un véhicule de patrouille équipé.",
     {}),
    ("partager", "25 10:00-12:30", "garenne-lemot", "experimentation", "environnement",
     "grand-public",
     "Espaces naturels : inventaire participatif de la biodiversité",
     "Munis d'une fiche et d'une application, promeneurs et familles aident les naturalistes du "
     "Département à recenser oiseaux, insectes et plantes du domaine de la Garenne Lemot.",
     "Prévoir des chaussures de marche. Les observations rejoignent les inventaires du "
     "Département et sont publiées en données ouvertes.",
     {"reg": "platform", "cap": 30, "access": "hearing"}),
    ("partager", "21 12:00-14:00", "chateaubriant", "rencontre", "environnement social",
     "agents-publics professionnels",
     "Restauration au collège : moins de gaspillage, plus de produits locaux",
     "Cuisiniers, gestionnaires et producteurs partagent les expérimentations menées dans les "
     "collèges du département pour réduire le gaspillage alimentaire et servir davantage de "
     "produits locaux.",
     "Rencontre autour d'un déjeuner préparé par l'équipe de cuisine d'un collège.",
     {"reg": "platform", "cap": 40}),
    ("partager", "22 09:00-17:00, 23 09:00-17:00, 24 09:00-17:00", "nantes-archives",
     "exposition", "environnement data", "grand-public",
     "Exposition : l'eau et les zones humides de Loire-Atlantique en données",
     "Cartes, mesures et photographies : une exposition pour découvrir comment le Département et "
     "ses partenaires suivent la qualité de l'eau et l'état des marais du territoire.",
     "Entrée libre. Visite commentée chaque jour à 12 h 30.",
     {"access": "motor visual"}),
    ("partager", "23 14:00-17:00", "clisson", "experimentation", "amenagement design",
     "agents-publics grand-public",
     "Concevoir un équipement public avec ses futurs usagers",
     "Maquettes, jeux de rôle et visites : les équipes de l'aménagement présentent la démarche "
     "menée avec des habitants, des élèves et des enseignants pour concevoir un bâtiment "
     "public.",
     "Les participants testent à leur tour les outils de la démarche sur un cas pratique.",
     {"reg": "platform", "cap": 25}),
    ("partager", "24 18:00-20:00", "chateaubriant", "table-ronde", "amenagement",
     "grand-public agents-publics",
     "Vivre et travailler en milieu rural : le Département à l'écoute des territoires",
     "Mobilité, services de proximité, logement : élus, habitants et agents débattent des "
     "réponses innovantes imaginées dans le nord du département.",
     "Une soirée de débat ouverte à tous, sans inscription.",
     {}),
    ("partager", "22 18:00-20:00", "ancenis", "conference", "amenagement data", "grand-public",
     "Très haut débit : où en est le déploiement en Loire-Atlantique ?",
     "Calendrier des travaux, zones desservies, usages : point d'étape sur l'aménagement "
     "numérique du territoire, avec une carte interactive pour savoir quand la fibre arrive "
     "près de chez soi.",
     "La conférence est aussi diffusée en ligne ; les questions peuvent être posées par écrit.",
     {"mode": "mixed", "access": "motor captioning"}),
    # Comprendre
    ("comprendre", "20 14:00-17:00, 23 14:00-17:00", "nantes-hd", "atelier",
     "facilitation-graphique", "agents-publics",
     "Initiation à la facilitation graphique",
     "Pictogrammes, personnages, cadres et flèches : apprenez en trois heures à illustrer vos "
     "idées au tableau ou sur papier, pour rendre vos réunions plus claires et plus vivantes.",
     "Aucun talent de dessinateur requis. Le matériel est fourni ; chacun repart avec son "
     "propre répertoire de pictogrammes.",
     {"reg": "platform", "cap": 15}),
    ("comprendre", "24 09:30-12:00", "saint-nazaire", "atelier", "facilitation-graphique",
     "agents-publics professionnels",
     "Prendre des notes visuelles en réunion",
     "Un atelier pratique pour apprendre à structurer une page, hiérarchiser l'information et "
     "produire une synthèse visuelle partageable à la fin d'une réunion.",
     "Pour les personnes ayant déjà suivi une initiation à la facilitation graphique, ou "
     "curieuses de s'y mettre.",
     {"reg": "platform", "cap": 12}),
    ("comprendre", "25 10:00-12:00, 25 14:00-16:00", "lieu-unique", "atelier", "programmation",
     "grand-public",
     "Premiers pas en programmation avec Scratch",
     "Faites bouger un personnage, créez un petit jeu : un atelier pour découvrir les bases de "
     "la programmation de façon ludique, en famille.",
     "Pour les 8-14 ans accompagnés d'un adulte. Ordinateurs fournis.",
     {"reg": "platform", "cap": 16, "age": (8, 14)}),
    ("comprendre", "22 14:00-16:30", "reze", "atelier", "programmation", "grand-public",
     "Programmer un petit robot",
     "Le mercredi après-midi, enfants et parents programment ensemble un robot pour lui faire "
     "suivre un parcours : une initiation aux algorithmes, sans prérequis.",
     "Pour les 7-12 ans accompagnés d'un adulte. Robots et tablettes fournis.",
     {"reg": "platform", "cap": 12, "age": (7, 12)}),
    ("comprendre", "21 09:30-12:00", None, "atelier webinaire", "programmation",
     "agents-publics",
     "Automatiser ses tâches : initiation au code pour les agents",
     "Formules avancées, macros, premiers scripts : un atelier à distance pour gagner du temps "
     "sur les tâches répétitives et comprendre ce que la programmation peut apporter au "
     "quotidien.",
     "Atelier en ligne : prévoir un ordinateur avec un tableur. Les supports sont envoyés après "
     "l'atelier.",
     {"mode": "online", "reg": "external", "access": "captioning"}),
    ("comprendre", "21 14:00-17:00", "nantes-hd", "atelier", "data-visualisation data",
     "agents-publics professionnels",
     "Data visualisation : raconter un territoire en graphiques",
     "Choisir le bon graphique, éviter les pièges, mettre en valeur un chiffre clé : un atelier "
     "pour transformer des tableaux de données publiques en visualisations lisibles par tous.",
     "Venir avec un ordinateur portable. Les exercices portent sur les données ouvertes du "
     "Département.",
     {"reg": "platform", "cap": 20}),
    ("comprendre", "23 18:00-20:00", "saint-herblain", "atelier", "data-visualisation data",
     "grand-public",
     "Cartes et données ouvertes : atelier de data visualisation",
     "À partir des données ouvertes du Département, créez votre propre carte de la "
     "Loire-Atlantique : collèges, espaces naturels, routes. Ordinateurs fournis.",
     "Un atelier en accès libre, dans la limite des postes disponibles.",
     {}),
    ("comprendre", "22 09:30-12:00", "nantes-hd", "atelier", "reseaux-sociaux",
     "agents-publics",
     "Réseaux sociaux : informer et dialoguer avec les usagers",
     "Quel réseau pour quel message, comment répondre à une question ou à une critique, comment "
     "mesurer l'effet d'une publication : les bonnes pratiques de l'équipe qui anime les "
     "comptes du Département.",
     "L'atelier peut être suivi sur place ou à distance.",
     {"reg": "platform", "cap": 25, "mode": "mixed"}),
    ("comprendre", "25 10:00-12:00", "clisson", "atelier", "reseaux-sociaux", "grand-public",
     "Réseaux sociaux : protéger sa vie privée en ligne",
     "Paramètres de confidentialité, mots de passe, photos partagées : un atelier pour les "
     "adolescents et leurs parents, afin de profiter des réseaux sociaux en gardant la maîtrise "
     "de ses données.",
     "Apporter son téléphone pour régler ses propres paramètres pendant l'atelier.",
     {"age": (12, None)}),
    ("comprendre", "20 09:30-12:30", "ecole-design", "atelier", "design", "agents-publics",
     "Les outils du designer : personas et parcours usager",
     "Avec des enseignants de l'École de design Nantes Atlantique, apprenez à décrire les "
     "usagers d'un service et à cartographier leur parcours pour repérer les points de "
     "friction.",
     "Atelier pratique en petits groupes, à partir d'un service du Département.",
     {"reg": "platform", "cap": 20, "co": "ecole-design"}),
    ("comprendre", "24 09:30-12:30", "ecole-design", "atelier", "design",
     "agents-publics professionnels",
     "Les outils du designer : prototyper un service en une matinée",
     "Papier, carton et jeux de rôle : fabriquez et testez en quelques heures une première "
     "version d'un service public, pour vérifier une idée avant d'y consacrer du temps et de "
     "l'argent.",
     "Suite de l'atelier « personas et parcours usager », ouverte aussi aux débutants.",
     {"reg": "platform", "cap": 20, "co": "ecole-design"}),
    ("comprendre", "25 14:00-17:00", "nantes-archives", "atelier",
     "design facilitation-graphique", "grand-public",
     "Les outils du designer : le carnet de croquis",
     "Observer, dessiner, annoter : un atelier ouvert à tous pour découvrir comment les "
     "designers utilisent le croquis pour comprendre un lieu et imaginer comment l'améliorer.",
     "Carnets et crayons fournis. Ouvert à partir de 10 ans.",
     {"age": (10, None)}),
]

# Gironde (LaBase): slots, venue, formats, themes, audiences, title, summary, detail, options.
LABASE_EVENTS = [
    ("20 10:00-12:00", "bordeaux-hd", "rencontre", "design", "agents-publics professionnels",
     "LaBase, un laboratoire d'innovation territoriale inter-administrations",
     "Lancé en juin 2017 avec Bordeaux Métropole, LaBase aide les institutions partenaires à "
     "développer la « créativité administrative » au service de l'usager. Présentation du "
     "laboratoire, de ses méthodes et de ses premiers projets.",
     "Comment solliciter LaBase, pour quels projets, avec quels partenaires : l'équipe répond "
     "aux questions des porteurs de projets.",
     {"mode": "mixed"}),
    ("21 09:30-12:30", "bordeaux-hd", "atelier", "design social", "agents-publics",
     "Atelier LaBase : se mettre à la place de l'usager",
     "Immersion, entretiens, observation : un atelier pour apprendre à partir de l'expérience "
     "réelle des usagers avant d'imaginer une solution.",
     "Les participants travaillent sur un cas concret apporté par une institution partenaire.",
     {"reg": "platform", "cap": 20}),
    ("22 09:30-17:00", "bordeaux-gatet", "atelier experimentation", "design",
     "agents-publics professionnels",
     "Atelier LaBase : prototyper une solution en une journée",
     "Des équipes mêlant agents de plusieurs administrations conçoivent et fabriquent en une "
     "journée le prototype d'un nouveau service, outillées par LaBase.",
     "Journée complète, déjeuner sur place. Les prototypes sont présentés en fin d'après-midi.",
     {"reg": "platform", "cap": 24}),
    ("23 09:00-10:30", None, "webinaire", "design", "agents-publics",
     "Porteurs de projets : comment solliciter LaBase ?",
     "Une présentation en ligne pour les agents des institutions partenaires : quels projets "
     "LaBase peut accompagner, comment la solliciter et ce qu'elle apporte aux équipes.",
     "Webinaire suivi d'un temps de questions-réponses.",
     {"mode": "online", "reg": "external", "access": "captioning"}),
    ("23 14:00-17:00", "bordeaux-hd", "experimentation", "design social",
     "grand-public agents-publics",
     "Atelier LaBase : tester un nouveau service avec des usagers",
     "Des habitants sont invités à tester les prototypes conçus pendant la semaine et à dire "
     "ce qui fonctionne, ce qui manque et ce qui doit changer.",
     "Les retours recueillis orientent la suite des projets des institutions partenaires.",
     {"reg": "platform", "cap": 20}),
    ("24 09:30-12:30", "bordeaux-gatet", "atelier", "data amenagement",
     "agents-publics professionnels",
     "Atelier LaBase : partager les données entre administrations",
     "Quelles données échanger entre le Département, la Métropole et les services de l'État "
     "pour simplifier les démarches des usagers ? Un atelier pour cartographier les besoins.",
     "Atelier ouvert aux agents des institutions partenaires de LaBase.",
     {"reg": "platform", "cap": 25}),
    ("25 10:00-12:30", "bordeaux-hd", "atelier rencontre", "design", "grand-public",
     "Atelier LaBase : imaginer avec les habitants les services publics de demain",
     "Un samedi matin pour imaginer, avec les agents de LaBase, des services publics plus "
     "simples et plus proches : chacun apporte une situation vécue, le groupe cherche des "
     "solutions.",
     "Atelier ouvert à tous, sans inscription. Accueil des enfants dans un espace dédié.",
     {"access": "motor hearing"}),
]


# The upcoming edition: its dates depend on the day the demo is loaded.
UPCOMING_SLUG = "a-venir"
UPCOMING_NAME = "Mois de l'innovation publique {year}"
UPCOMING_THEME = "Concevoir avec les usagers"
UPCOMING_DESCRIPTION = """\
Édition fictive, créée pour la démonstration : le Mois de l'innovation publique {year} illustre \
une édition à venir, dont les dates sont calculées au chargement des données de démonstration.

Pendant quatre semaines, dans la continuité de l'édition 2017, le Calvados, la Loire-Atlantique \
et la Gironde avec LaBase proposent ateliers, visites, hackathon et webinaire. Leurs événements \
prennent les inscriptions sur cette plateforme : on peut s'y inscrire, rejoindre la liste \
d'attente d'un atelier complet et, côté organisateur, consulter la liste des inscrits.

Les personnes déjà inscrites sont elles aussi fictives.
"""

# key, organisation key, slots (days counted from the edition's first day, a Monday: "1" is that
# Monday, "8" the next one), venue (None when online), formats, themes, audiences, title,
# summary, detail, options (as for Loire-Atlantique, plus per_slot: False for one registration
# to the whole event). Every event takes registrations on the platform.
UPCOMING_EVENTS = [
    ("appel-a-projets", "loire-atlantique", "2 09:30-12:30", "nantes-hd", "atelier",
     "design social", "agents-publics professionnels",
     "Atelier : écrire un appel à projets avec les usagers",
     "Comment associer les habitants dès la rédaction d'un appel à projets ? Une matinée pour "
     "essayer, avec des usagers invités, une méthode d'écriture à plusieurs mains : critères, "
     "vocabulaire, calendrier.",
     "Les participants travaillent en binômes, un agent et un usager, sur un appel à projets "
     "réel du Département, puis comparent la version de départ et la version réécrite.",
     {"cap": 12}),
    ("table-ronde", "calvados", "4 14:00-16:30", "caen-hd", "table-ronde", "tourisme data",
     "agents-publics professionnels",
     "Table ronde : les données du tourisme, de l'ouverture aux usages",
     "Offices de tourisme, entreprises et agents du Département racontent ce que l'ouverture "
     "des données touristiques du Calvados a permis, et ce qui reste à faire.",
     "Une table ronde pour préparer la saison 2 du hackathon : quels jeux de données ajouter, "
     "quels services ont vu le jour, quelles difficultés ont été rencontrées.\n\nLa table "
     "ronde est aussi retransmise en ligne.",
     {"cap": 60, "mode": "mixed", "access": "motor hearing"}),
    ("atelier-formulaire", "gironde", "9 14:00-17:00, 23 14:00-17:00", "bordeaux-hd", "atelier",
     "design social", "agents-publics grand-public",
     "Atelier LaBase : simplifier un formulaire avec ses usagers",
     "Un formulaire d'aide départementale, des usagers qui l'ont rempli, des agents qui le "
     "traitent : trois heures pour le rendre plus simple, question par question.",
     "Deux séances au choix, avec le même formulaire : la seconde teste les corrections "
     "proposées pendant la première.",
     {"cap": 16, "co": "labase"}),
    ("hackathon", "calvados", "12 09:00-18:00, 13 09:00-18:00", "caen-dome", "hackathon",
     "tourisme attractivite data", "professionnels grand-public agents-publics",
     "Hackathon Calvados : données touristiques, saison 2",
     "Deux jours pour imaginer, en équipes mêlant développeurs, designers, professionnels du "
     "tourisme et agents, de nouveaux services à partir des données touristiques du Calvados, "
     "enrichies depuis la première édition.",
     "Les équipes se forment le vendredi matin autour de défis proposés par le Département et "
     "ses partenaires ; les prototypes sont présentés au jury le samedi en fin "
     "d'après-midi.\n\nUne seule inscription vaut pour les deux jours. Repas pris en charge ; "
     "venir avec son ordinateur.",
     {"cap": 40, "per_slot": False}),
    ("webinaire", "loire-atlantique", "16 11:00-12:30", None, "webinaire atelier",
     "facilitation-graphique", "agents-publics professionnels",
     "Webinaire : la facilitation graphique à distance",
     "Tableau blanc partagé, tablette, caméra pointée sur une feuille : les facilitateurs du "
     "Département montrent comment illustrer une réunion en visioconférence.",
     "Une heure et demie de démonstration et d'exercices courts ; une feuille et un feutre "
     "suffisent pour participer.",
     {"cap": 100, "mode": "online", "access": "captioning"}),
    ("visite-labase", "gironde", "17 09:30-17:00", "bordeaux-gatet",
     "atelier experimentation", "design", "agents-publics professionnels",
     "Visite de LaBase : prototyper un service en une journée",
     "Une journée dans les locaux de LaBase pour découvrir ses méthodes et fabriquer, en petit "
     "groupe, le prototype d'un service public avec l'équipe du laboratoire.",
     "Le matin, visite et présentation des projets en cours ; l'après-midi, prototypage sur un "
     "cas apporté par une institution partenaire. Déjeuner sur place.",
     {"cap": 8, "co": "bordeaux-metropole labase"}),
    ("robot", "loire-atlantique", "27 10:00-12:00, 27 14:00-16:00", "lieu-unique", "atelier",
     "programmation", "grand-public",
     "Programmer un petit robot en famille",
     "Enfants et parents programment ensemble un robot pour lui faire suivre un parcours : une "
     "initiation aux algorithmes, sans prérequis.",
     "Pour les 7-12 ans accompagnés d'un adulte. Robots et tablettes fournis.",
     {"cap": 12, "age": (7, 12)}),
]

# Fictitious people who registered to the upcoming events; their addresses are
# participantNN@exemple.fr, NN being their position in this list, from 01.
DEMO_ATTENDEES = [
    ("Camille", "Arnaud"), ("Mathis", "Lefort"), ("Élodie", "Perrin"), ("Karim", "Haddad"),
    ("Manon", "Rivière"), ("Lucas", "Brunet"), ("Aïcha", "Diallo"), ("Hugo", "Chevalier"),
    ("Margaux", "Lebrun"), ("Théo", "Marchal"), ("Sarah", "Cohen"), ("Bastien", "Roux"),
    ("Inès", "Boucher"), ("Paul", "Texier"), ("Louise", "Garnier"), ("Nicolas", "Vidal"),
    ("Chloé", "Bertin"), ("Mehdi", "Saïdi"), ("Julie", "Carré"), ("Adrien", "Lemaire"),
]


class _Seat(NamedTuple):
    person: int  # index in DEMO_ATTENDEES
    slot: int = 0  # index of the slot in the event
    needs: str = ""  # access needs, separated by spaces
    other: str = ""


# In registration order: past the capacity, the next ones go on the waiting list.
UPCOMING_REGISTRATIONS = {
    # Full: eight places, three people waiting.
    "visite-labase": [
        _Seat(0), _Seat(1), _Seat(2, needs="wheelchair"), _Seat(3), _Seat(4),
        _Seat(5, needs="other", other="Boucle magnétique, s'il vous plaît."),
        _Seat(6), _Seat(7),
        _Seat(8), _Seat(9, needs="sign_language"), _Seat(10),
    ],
    "appel-a-projets": [
        _Seat(11), _Seat(12, needs="wheelchair"), _Seat(13), _Seat(14), _Seat(0),
    ],
    "table-ronde": [_Seat(17), _Seat(11, needs="captioning")],
    "atelier-formulaire": [_Seat(2), _Seat(10, slot=1), _Seat(14, slot=1)],
    "hackathon": [
        _Seat(3), _Seat(6), _Seat(7),
        _Seat(15, needs="other", other="Des pauses régulières pendant la journée."),
        _Seat(16), _Seat(17),
    ],
    "webinaire": [_Seat(1), _Seat(4), _Seat(8), _Seat(18, needs="captioning"), _Seat(19)],
    "robot": [_Seat(13), _Seat(19, slot=1), _Seat(5, slot=1)],
}


def upcoming_dates(today: date) -> tuple[date, date]:
    """First and last days of the upcoming edition: four weeks from the first Monday at least
    thirty days after ``today``."""
    earliest = today + timedelta(days=30)
    starts_on = earliest + timedelta(days=-earliest.weekday() % 7)
    return starts_on, starts_on + timedelta(weeks=4, days=-1)


def _accounts() -> dict:
    return {
        "coordinator": (COORDINATOR[0], DEMO_PASSWORD),
        "admin": (ADMIN[0], DEMO_PASSWORD),
        "editors": [
            (name, f"editeur.{key}@{EMAIL_DOMAIN}", DEMO_PASSWORD)
            for key, name, *_rest in ORGANISATIONS
        ],
    }


_SLOT = re.compile(r"(\d{1,2}) (\d\d):(\d\d)-(?:(\d{1,2}) )?(\d\d):(\d\d)")


def _slots(spec: str, capacity: int | None = None, *,
           first_day: date = date(2017, 11, 1)) -> list[SlotData]:
    """``"21 10:00-12:00, 24 09:00-25 18:00"``: slots in Paris time, day "1" being
    ``first_day`` (by default, days of November 2017)."""

    def at(day: str, hour: str, minute: str) -> datetime:
        return datetime.combine(first_day + timedelta(days=int(day) - 1),
                                time(int(hour), int(minute)), tzinfo=PARIS)

    slots = []
    for part in spec.split(","):
        match = _SLOT.fullmatch(part.strip())
        if match is None:
            raise ValueError(f"Créneau illisible : {part!r}")
        day, h1, m1, end_day, h2, m2 = match.groups()
        slots.append(SlotData(at(day, h1, m1), at(end_day or day, h2, m2), capacity))
    return slots


class _Loader:
    def __init__(self, edition: Edition, progress: Callable[[str], None]):
        self.edition = edition
        self.progress = progress
        self.now = timezone.now()
        # Day "1" of the slots' specifications, and the path of the illustrative links.
        self.first_day = date(2017, 11, 1)
        self.url_prefix = "semaine-2017"
        self.users: dict[str, object] = {}
        self.organisations: dict[str, Organisation] = {}
        self.venues: dict[str, Venue] = {}
        self.coordinator = None
        self.events: dict[str, Event] = {}  # the upcoming edition's, by key
        self.references = {
            model: self._reference(model, names)
            for model, names in (
                (Format, reference.FORMATS),
                (Theme, reference.THEMES),
                (Audience, reference.AUDIENCES),
            )
        }
        self.count = 0

    def for_edition(self, edition: Edition, *, first_day: date, url_prefix: str) -> "_Loader":
        """The same people, organisations and venues, creating events for another edition."""
        other = copy.copy(self)
        other.edition, other.first_day, other.url_prefix = edition, first_day, url_prefix
        other.count, other.events = 0, {}
        Coordination.objects.get_or_create(edition=edition, user=self.coordinator)
        return other

    @staticmethod
    def _reference(model, names) -> dict:
        items = {item.slug: item for item in model.objects.all()}
        for position, name in enumerate(names):
            slug = slugify(name)
            if slug not in items:
                items[slug], _created = model.objects.get_or_create(
                    slug=slug, defaults={"name": name, "position": position}
                )
        return items

    def refs(self, model, slugs: str) -> list:
        return [self.references[model][slug] for slug in slugs.split()]

    # People and organisations

    def user(self, email: str, first_name: str, last_name: str, *, superuser=False):
        users = get_user_model().objects
        user = users.filter(email__iexact=email).first()
        if user is None:
            create = users.create_superuser if superuser else users.create_user
            user = create(email, DEMO_PASSWORD, first_name=first_name, last_name=last_name,
                          email_verified_at=self.now)
        return user

    def accounts(self) -> None:
        self.coordinator = self.user(*COORDINATOR)
        Coordination.objects.get_or_create(edition=self.edition, user=self.coordinator)
        self.user(*ADMIN, superuser=True)

    def organisations_and_editors(self) -> None:
        departements = {d.code: d for d in Departement.objects.filter(
            code__in={spec[3] for spec in ORGANISATIONS if spec[3]}
        )}
        for (key, name, kind, dep, website, first, last, description,
             approved) in ORGANISATIONS:
            editor = self.user(f"editeur.{key}@{EMAIL_DOMAIN}", first, last)
            self.users[key] = editor
            organisation = Organisation.objects.filter(slug=slugify(name)).first()
            if organisation is None:
                organisation = register_organisation(
                    editor, name=name, kind=kind, departement=departements.get(dep),
                    website=website, description=description,
                )
            else:
                Membership.objects.get_or_create(
                    user=editor, organisation=organisation, defaults={"role": Role.ADMIN}
                )
            if approved and organisation.status == OrganisationStatus.PENDING:
                organisation = approve_organisation(
                    self.coordinator, organisation,
                    "Organisation de démonstration validée au chargement.",
                )
            self.organisations[key] = organisation

    def load_venues(self) -> None:
        departements = {d.code: d for d in Departement.objects.filter(
            code__in={spec[5] for spec in VENUES.values()}
        )}
        for key, (org, name, address, postcode, commune, dep, lat, lon) in VENUES.items():
            organisation = self.organisations[org]
            venue = Venue.objects.filter(organisation=organisation, name=name).first()
            if venue is None:
                venue = save_venue(self.users[org], organisation, {
                    "name": name, "address": address, "postcode": postcode,
                    "commune": commune, "departement": departements[dep],
                    "latitude": lat, "longitude": lon,
                })
            self.venues[key] = venue

    def programme(self, org: str, title: str, description: str) -> Programme:
        programme, _created = Programme.objects.get_or_create(
            edition=self.edition, slug=slugify(title),
            defaults={"organisation": self.organisations[org], "title": title,
                      "description": description},
        )
        return programme

    # Events

    def event(self, org: str, *, title: str, summary: str, detail: str, formats: str,
              themes: str, audiences: str, slots, venue: str | None = None,
              programme: Programme | None = None, track: Track | None = None,
              state: str = EventState.PUBLISHED, reg: str = "none", cap: int | None = None,
              mode: str | None = None, access: str | None = None, co: str = "",
              age: tuple[int | None, int | None] = (None, None), langs=("fr",),
              online_url: str = "", registration_url: str = "", per_slot: bool = True) -> Event:
        editor = self.users[org]
        organisation = self.organisations[org]
        mode = mode or (AttendanceMode.ONLINE if venue is None else AttendanceMode.IN_PERSON)
        if access is None:
            access = "" if mode == AttendanceMode.ONLINE else "motor"
        slug = slugify(title)[:60]
        if mode != AttendanceMode.IN_PERSON and not online_url:
            online_url = f"https://visio.example.org/{self.url_prefix}/{slug}"
        if reg == RegistrationMode.EXTERNAL and not registration_url:
            registration_url = f"https://inscriptions.example.org/{self.url_prefix}/{slug}"
        audience_items = self.refs(Audience, audiences)
        co_organisers = [self.organisations[key] for key in co.split()]
        fields = {
            "title": title,
            "summary": summary,
            "description": self._description(
                detail, audiences=audience_items, reg=reg, cap=cap, mode=mode,
                co_organisers=co_organisers, track=track, programme=programme, per_slot=per_slot,
            ),
            "programme": programme,
            "track": track,
            "attendance_mode": mode,
            "online_url": online_url,
            "venue": self.venues[venue] if venue else None,
            "languages": list(langs),
            "registration_mode": reg,
            "registration_url": registration_url,
            "capacity": cap if reg == RegistrationMode.PLATFORM else None,
            "registration_per_slot": per_slot,
            "age_min": age[0],
            "age_max": age[1],
            "is_illustrative": True,
            "formats": self.refs(Format, formats),
            "themes": self.refs(Theme, themes),
            "audiences": audience_items,
            "co_organisers": co_organisers,
        }
        fields.update({f"access_{flag}": True for flag in access.split()})
        if isinstance(slots, str):
            slots = _slots(slots, cap if reg == RegistrationMode.PLATFORM else None,
                           first_day=self.first_day)
        event = create_event(editor, organisation=organisation, edition=self.edition,
                             fields=fields, slots=slots)
        if state in (EventState.SUBMITTED, EventState.PUBLISHED):
            event = submit_event(editor, event)
        if state == EventState.PUBLISHED:
            event = publish_event(self.coordinator, event)
        self.count += 1
        return event

    @staticmethod
    def _description(detail, *, audiences, reg, cap, mode, co_organisers, track, programme,
                     per_slot=True):
        practical = [
            "- Public : " + ", ".join(item.name.lower() for item in audiences),
        ]
        if reg == RegistrationMode.PLATFORM:
            places = ""
            if cap:
                places = f" ({cap} places {'par séance' if per_slot else 'en tout'})"
            practical.append(f"- Inscription gratuite sur cette plateforme{places}")
        elif reg == RegistrationMode.EXTERNAL:
            practical.append("- Inscription gratuite sur le site indiqué")
        else:
            practical.append("- Entrée libre, sans inscription")
        if mode == AttendanceMode.ONLINE:
            practical.append("- En ligne : le lien de connexion figure sur cette page")
        elif mode == AttendanceMode.MIXED:
            practical.append("- Sur place ou en ligne, au choix")
        if co_organisers:
            practical.append(
                "- En partenariat avec " + ", ".join(org.name for org in co_organisers)
            )
        if track is not None:
            practical.append(f"- Parcours **{track.name}** du programme « {programme.title} »")
        return "\n\n".join([detail, "**En pratique**", "\n".join(practical)])

    def calvados(self) -> None:
        self.progress("Calvados : table ronde et hackathon…")
        common = {"themes": "tourisme attractivite data"}
        self.event(
            "calvados", **common, slots="21 14:00-16:30", venue="caen-hd",
            formats="table-ronde", audiences="agents-publics professionnels",
            title="Tourisme et attractivité : ce que les données changent",
            summary="Élus, professionnels du tourisme et agents débattent de la place des "
            "données dans la promotion du Calvados : mieux connaître les visiteurs, adapter "
            "l'offre, mesurer l'attractivité du territoire.",
            detail="Une table ronde pour préparer le hackathon de la fin de semaine : quelles "
            "données le Département et ses partenaires peuvent-ils ouvrir, et pour quels "
            "usages ?\n\nLa table ronde est aussi retransmise en ligne.",
            mode=AttendanceMode.MIXED, access="motor hearing",
        )
        self.event(
            "calvados", **common, slots="24 09:00-25 18:00", venue="caen-dome",
            formats="hackathon", audiences="professionnels grand-public agents-publics",
            title="Hackathon Calvados : tourisme, attractivité et data",
            summary="Deux jours pour imaginer, en équipes mêlant développeurs, designers, "
            "professionnels du tourisme et agents, de nouveaux services à partir des données "
            "touristiques du Calvados.",
            detail="Les équipes se forment le vendredi matin autour de défis proposés par le "
            "Département et ses partenaires. Les prototypes sont présentés à un jury le samedi "
            "en fin d'après-midi.\n\nRepas pris en charge ; venir avec son ordinateur.",
            reg=RegistrationMode.PLATFORM, cap=60,
        )
        self.event(
            "calvados", **common, slots="22 14:00-17:00", venue="caen-hd", formats="atelier",
            audiences="agents-publics", state=EventState.DRAFT,
            title="Atelier de préparation : les jeux de données du hackathon",
            summary="Les agents qui produisent les données touristiques du Département "
            "préparent ensemble les jeux de données ouverts aux équipes du hackathon.",
            detail="Inventaire des données disponibles, qualité, licences : un atelier interne "
            "pour que tout soit prêt le jour du hackathon.",
            reg=RegistrationMode.PLATFORM, cap=20,
        )
        self.event(
            "calvados", **common, slots="26 11:00-12:30", venue="caen-dome",
            formats="rencontre", audiences="grand-public agents-publics",
            state=EventState.SUBMITTED,
            title="Restitution publique des projets du hackathon",
            summary="Les équipes du hackathon présentent au public les services imaginés pour "
            "le tourisme et l'attractivité du Calvados, et le Département annonce les projets "
            "qu'il accompagnera.",
            detail="Une matinée ouverte à tous, pour découvrir les prototypes et échanger avec "
            "leurs auteurs.",
        )

    def loire_atlantique(self) -> None:
        self.progress("Loire-Atlantique : programme en trois parcours…")
        programme = self.programme("loire-atlantique", *LA_PROGRAMME)
        tracks = {}
        for position, (slug, name, description) in enumerate(LA_TRACKS):
            tracks[slug], _created = Track.objects.get_or_create(
                programme=programme, slug=slug,
                defaults={"name": name, "description": description, "position": position},
            )
        for (track, slots, venue, formats, themes, audiences, title, summary, detail,
             options) in LOIRE_ATLANTIQUE_EVENTS:
            self.event(
                "loire-atlantique", title=title, summary=summary, detail=detail,
                formats=formats, themes=themes, audiences=audiences, slots=slots, venue=venue,
                programme=programme, track=tracks[track], **options,
            )

    def gironde(self) -> None:
        self.progress("Gironde : ateliers de LaBase…")
        programme = self.programme("gironde", *LABASE_PROGRAMME)
        for (slots, venue, formats, themes, audiences, title, summary, detail,
             options) in LABASE_EVENTS:
            self.event(
                "gironde", title=title, summary=summary, detail=detail, formats=formats,
                themes=themes, audiences=audiences, slots=slots, venue=venue,
                programme=programme, co="bordeaux-metropole labase", **options,
            )

    def val_doise(self) -> None:
        self.progress("Val-d'Oise : formation en ligne…")
        self.event(
            "val-doise", formats="formation-en-ligne", themes="design",
            audiences="agents-publics grand-public",
            slots=[SlotData(datetime(2017, 11, 6, 9, 0, tzinfo=PARIS),
                            datetime(2017, 12, 1, 18, 0, tzinfo=PARIS))],
            title="Formation en ligne « Innovation publique et pensée design »",
            summary="Le Département du Val-d'Oise invite ses agents, et toutes les personnes "
            "intéressées, à suivre la formation en ligne ouverte à tous (FLOT ou MOOC) "
            "« Innovation publique et pensée design », du 6 novembre au 1er décembre 2017.",
            detail="Sans organiser d'événement sur place, le Val-d'Oise s'empare de la Semaine "
            "de l'innovation publique en incitant ses agents départementaux à se former à la "
            "pensée design : une autre façon d'intégrer le « mouvement ».\n\nLa formation se "
            "suit à son rythme, en ligne, pendant toute la durée de la session.",
            mode=AttendanceMode.ONLINE, reg=RegistrationMode.EXTERNAL,
            online_url="https://www.fun-mooc.fr/", registration_url="https://www.fun-mooc.fr/",
            access="captioning",
        )


    def upcoming(self) -> None:
        self.progress("Édition à venir : ateliers, visite, hackathon et webinaire…")
        # Its submission deadline is at least twenty days away: no need to reopen submissions.
        for (key, org, slots, venue, formats, themes, audiences, title, summary, detail,
             options) in UPCOMING_EVENTS:
            self.events[key] = self.event(
                org, title=title, summary=summary, detail=detail, formats=formats,
                themes=themes, audiences=audiences, slots=slots, venue=venue,
                reg=RegistrationMode.PLATFORM, **options,
            )

    def registrations(self) -> None:
        """Through the registration service, as if each person had registered signed in. Their
        e-mails are queued like any other (the demo prints them on the console)."""
        if "smtp" in settings.EMAIL_BACKEND.lower():
            self.progress("Envoi d'e-mails réels configuré (SMTP) : les inscriptions de "
                          "démonstration ne sont pas créées.")
            return
        self.progress("Inscriptions de démonstration aux événements à venir…")
        statuses = []
        for key, seats in UPCOMING_REGISTRATIONS.items():
            slots = list(self.events[key].slots.order_by("starts_at", "pk"))
            for seat in seats:
                first_name, last_name = DEMO_ATTENDEES[seat.person]
                registration = register(
                    slot=slots[seat.slot], email=f"participant{seat.person + 1:02d}@exemple.fr",
                    first_name=first_name, last_name=last_name,
                    access_needs=seat.needs.split(), access_other=seat.other,
                    email_verified=True,
                )
                statuses.append(registration.status)
        waiting = statuses.count(RegistrationStatus.WAITLISTED)
        self.progress(f"{len(statuses)} inscriptions, dont {waiting} en liste d'attente.")


def _load_2017(loader: _Loader, edition: Edition) -> None:
    loader.progress("Édition 2017…")
    # The real deadline (10 November 2017) is long past: let the demo events in, then close.
    reopened_until = edition.submissions_reopened_until
    edition.submissions_reopened_until = datetime(2100, 1, 1, tzinfo=PARIS)
    edition.save(update_fields=["submissions_reopened_until"])

    loader.calvados()
    loader.loire_atlantique()
    loader.gironde()
    loader.val_doise()

    edition.submissions_reopened_until = reopened_until
    edition.save(update_fields=["submissions_reopened_until"])
    loader.progress(f"{loader.count} événements créés pour l'édition 2017.")


def _load_upcoming(loader: _Loader, today: date) -> Edition:
    starts_on, ends_on = upcoming_dates(today)
    year = (today + timedelta(days=60)).year
    edition = Edition.objects.create(
        slug=UPCOMING_SLUG,
        name=UPCOMING_NAME.format(year=year),
        starts_on=starts_on,
        ends_on=ends_on,
        theme_of_year=UPCOMING_THEME,
        description=UPCOMING_DESCRIPTION.format(year=year),
        submission_deadline=datetime.combine(starts_on - timedelta(days=10), time(18, 0),
                                             tzinfo=PARIS),
        is_current=False,
    )
    upcoming = loader.for_edition(edition, first_day=starts_on, url_prefix=f"mois-{year}")
    upcoming.upcoming()
    loader.progress(f"{upcoming.count} événements créés pour l'édition à venir "
                    f"(du {starts_on:%d/%m/%Y} au {ends_on:%d/%m/%Y}).")
    upcoming.registrations()
    return edition


def load_demo(progress: Callable[[str], None] | None = None) -> dict:
    """Create the 2017 demo edition, its organisers and events, and an upcoming edition whose
    events take registrations; return the demo accounts.

    Idempotent: an edition already loaded (the 2017 one with events, the upcoming one at all) is
    left as it is; when both are, nothing is written.
    """
    progress = progress or (lambda message: None)
    with transaction.atomic():
        edition, created = Edition.objects.get_or_create(
            slug=EDITION_SLUG,
            defaults={
                "name": "Semaine de l'innovation publique 2017",
                "starts_on": date(2017, 11, 20),
                "ends_on": date(2017, 11, 26),
                "theme_of_year": "Innovation publique, c'est possible !",
                "description": EDITION_DESCRIPTION,
                "submission_deadline": datetime(2017, 11, 10, 18, 0, tzinfo=PARIS),
                "is_current": True,
            },
        )
        past_loaded = not created and edition.events.exists()
        upcoming_loaded = Edition.objects.filter(slug=UPCOMING_SLUG).exists()
        if past_loaded and upcoming_loaded:
            progress("Les éditions de démonstration (2017 et à venir) sont déjà chargées.")
            return _accounts()

        progress("Comptes et organisations…")
        loader = _Loader(edition, progress)
        loader.accounts()
        loader.organisations_and_editors()
        loader.load_venues()
        if past_loaded:
            progress("L'édition de démonstration 2017 est déjà chargée.")
        else:
            _load_2017(loader, edition)
        if not upcoming_loaded:
            _load_upcoming(loader, timezone.localdate())
    progress("Registre public : scellement du premier bloc…")
    seal_all()  # the demo's log is never empty: every published event is in its first block
    return _accounts()
