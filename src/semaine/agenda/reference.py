"""The reference lists seeded from the source article; coordinators edit them afterwards."""

from django.utils.text import slugify

FORMATS = [
    "Table ronde", "Hackathon", "Atelier", "Exposition", "Démonstration", "Expérimentation",
    "Rencontre", "Conférence", "Webinaire", "Formation en ligne",
]
THEMES = [
    "Tourisme", "Attractivité", "Data", "Blockchain", "Réalité virtuelle",
    "Handicap et inclusion", "Patrimoine", "Social", "Routes", "Environnement", "Aménagement",
    "Facilitation graphique", "Programmation", "Data visualisation", "Réseaux sociaux", "Design",
]
AUDIENCES = ["Agents publics", "Grand public", "Professionnels"]


def seed(format_model, theme_model, audience_model) -> None:
    for model, names in ((format_model, FORMATS), (theme_model, THEMES),
                         (audience_model, AUDIENCES)):
        for position, name in enumerate(names):
            model.objects.update_or_create(
                slug=slugify(name), defaults={"name": name, "position": position}
            )
