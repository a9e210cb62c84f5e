"""semaine: the platform of the Semaine de l'innovation publique."""

__version__ = "0.1.0"
