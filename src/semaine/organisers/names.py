"""An organisation's name in a French sentence: « le Département de la Gironde », « proposé par
la Région Nouvelle-Aquitaine », « les brouillons de l’Hôpital … », « du Département du Calvados ».

The article comes from the name's first word when it is a common noun the platform knows
(« Département », « Région », « Hôpital »…); a name that is a proper noun (« Bordeaux
Métropole », « LaBase ») takes none. An organisation may override it (``Organisation.article``).
"""

import unicodedata

LE, LA, L, LES, NONE = "le", "la", "l’", "les", "-"

#: the common nouns an organisation's name often starts with, and their article
_NOUNS = {
    LE: ("académie", "cabinet", "campus", "centre", "chu", "chr", "comité", "commissariat",
         "conseil", "conservatoire", "consulat", "département", "fablab", "gip", "groupement",
         "haut-commissariat", "lab", "laboratoire", "living lab", "ministère", "musée", "parc",
         "pôle", "rectorat", "réseau", "sdis", "secrétariat", "service", "syndicat", "tribunal"),
    LA: ("caisse", "chambre", "cité", "collectivité", "communauté", "commune", "cour",
         "délégation", "direction", "fondation", "maison", "mairie", "médiathèque", "métropole",
         "mission", "préfecture", "région", "sous-préfecture", "ville"),
    L: ("administration", "agence", "assemblée", "assistance", "association", "atelier",
        "autorité", "eurométropole", "école", "espace", "établissement", "hôpital", "hôtel",
        "incubateur", "inspection", "institut", "observatoire", "office", "union", "université"),
    LES: ("archives", "hospices", "hôpitaux"),
}
_ARTICLE_OF = {noun: article for article, nouns in _NOUNS.items() for noun in nouns}
_VOWELS = set("aeiouyàâäéèêëîïôöùûüœæ")


def _fold(word: str) -> str:
    return unicodedata.normalize("NFC", word.strip().lower())


def derive_article(name: str) -> str:
    """The article of ``name`` from its first word (``NONE`` when it is not a known noun)."""
    words = name.split()
    if not words:
        return NONE
    first = _fold(words[0]).rstrip(",")
    two = _fold(" ".join(words[:2]))
    return _ARTICLE_OF.get(two) or _ARTICLE_OF.get(first) or NONE


def _starts_with_vowel(name: str) -> bool:
    return bool(name) and name[0].lower() in _VOWELS


def with_article(name: str, article: str) -> str:
    """« le Département de la Gironde », « l’Hôpital … », « Bordeaux Métropole »."""
    if article == L:
        return f"{L}{name}"
    if article in (LE, LA, LES):
        return f"{article} {name}"
    return name


def of(name: str, article: str) -> str:
    """The name after « de »: « du Département », « de la Région », « de l’Hôpital », « des
    Hospices », « de Bordeaux Métropole », « d’Orléans Métropole », « du Lab » (a name starting
    with « Le » contracts too)."""
    if article == LE:
        return f"du {name}"
    if article == LA:
        return f"de la {name}"
    if article == L:
        return f"de {L}{name}"
    if article == LES:
        return f"des {name}"
    if name.startswith("Le "):
        return f"du {name[3:]}"
    if name.startswith("Les "):
        return f"des {name[4:]}"
    if _starts_with_vowel(name):
        return f"d’{name}"
    return f"de {name}"
