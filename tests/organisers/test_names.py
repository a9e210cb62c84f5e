"""An organisation named in a sentence with its article, and « de » contracted with it."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from semaine.organisers import names, services
from semaine.organisers.models import OrganisationArticle, OrganisationStatus
from tests import factories

# Real names: the demo's organisers and public bodies that take part in the week.
EXAMPLES = [
    ("Département de la Gironde", "le Département de la Gironde", "du Département de la Gironde"),
    ("Département du Calvados", "le Département du Calvados", "du Département du Calvados"),
    ("Région Nouvelle-Aquitaine", "la Région Nouvelle-Aquitaine", "de la Région Nouvelle-Aquitaine"),
    ("Hôpital Necker-Enfants malades", "l’Hôpital Necker-Enfants malades",
     "de l’Hôpital Necker-Enfants malades"),
    ("École de design Nantes Atlantique", "l’École de design Nantes Atlantique",
     "de l’École de design Nantes Atlantique"),
    ("Centre hospitalier de démonstration", "le Centre hospitalier de démonstration",
     "du Centre hospitalier de démonstration"),
    ("Préfecture de la Loire-Atlantique", "la Préfecture de la Loire-Atlantique",
     "de la Préfecture de la Loire-Atlantique"),
    ("Ministère de la Transformation et de la Fonction publiques",
     "le Ministère de la Transformation et de la Fonction publiques",
     "du Ministère de la Transformation et de la Fonction publiques"),
    ("Hospices civils de Lyon", "les Hospices civils de Lyon", "des Hospices civils de Lyon"),
    ("Agence nationale de la cohésion des territoires",
     "l’Agence nationale de la cohésion des territoires",
     "de l’Agence nationale de la cohésion des territoires"),
    ("Bordeaux Métropole", "Bordeaux Métropole", "de Bordeaux Métropole"),
    ("Nantes Métropole", "Nantes Métropole", "de Nantes Métropole"),
    ("Orléans Métropole", "Orléans Métropole", "d’Orléans Métropole"),
    ("LaBase", "LaBase", "de LaBase"),
    ("My Human Kit", "My Human Kit", "de My Human Kit"),
    ("Le Lab Zéro", "Le Lab Zéro", "du Lab Zéro"),
    ("Les Canaux", "Les Canaux", "des Canaux"),
]


@pytest.mark.parametrize(("name", "named", "of_named"), EXAMPLES)
def test_the_article_is_derived_from_the_name_and_contracted_after_de(name, named, of_named):
    article = names.derive_article(name)
    assert names.with_article(name, article) == named
    assert names.of(name, article) == of_named


@pytest.mark.django_db
def test_an_organisation_may_say_its_own_article():
    organisation = factories.OrganisationFactory(name="Atelier Canopé 44", kind="school")
    assert (organisation.named, organisation.of_named) == (
        "l’Atelier Canopé 44", "de l’Atelier Canopé 44")
    organisation.article = OrganisationArticle.NONE
    assert (organisation.named, organisation.of_named) == ("Atelier Canopé 44", "d’Atelier Canopé 44")
    organisation.article = OrganisationArticle.LA
    organisation.name = "Fabrique numérique"
    assert (organisation.named, organisation.of_named) == (
        "la Fabrique numérique", "de la Fabrique numérique")


@pytest.mark.django_db
def test_english_sentences_take_the_bare_name():
    organisation = factories.OrganisationFactory(name="Département de la Gironde")
    with translation.override("en"):
        assert (organisation.named, organisation.of_named) == ("Département de la Gironde",) * 2


@pytest.mark.django_db
def test_the_approval_mail_and_the_members_page_name_the_organisation_with_its_article(
        coordinator, django_capture_on_commit_callbacks, client, edition):
    organisation = factories.OrganisationFactory(name="Région Nouvelle-Aquitaine",
                                                 status=OrganisationStatus.PENDING)
    factories.MembershipFactory(organisation=organisation, user__email="region@example.fr")
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_organisation(coordinator, organisation)
    assert "La coordination a validé la Région Nouvelle-Aquitaine" in mail.outbox[0].body
    client.force_login(organisation.members.get())
    members = client.get(reverse("organisers:members", kwargs={"slug": organisation.slug}))
    assert "Personnes qui publient pour la Région Nouvelle-Aquitaine" in members.text
