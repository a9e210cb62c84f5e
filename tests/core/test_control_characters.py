"""No text field of the project stores a control character: a one-line field refuses line breaks
and every other control character, a text area keeps its line breaks but refuses the rest. Every
form of every app is walked, so a form added later is checked too."""

import importlib
import pkgutil

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory

import semaine
from semaine.core.forms import RefuseControlCharacters
from semaine.registrations.models import Question, QuestionKind
from tests import factories

pytestmark = pytest.mark.django_db

SKIPPED_MODULES = {"semaine.asgi", "semaine.wsgi"}


def project_form_classes() -> list[type]:
    """Every form class defined in the project's modules."""
    for module in pkgutil.walk_packages(semaine.__path__, "semaine."):
        if ".migrations" not in module.name and module.name not in SKIPPED_MODULES:
            importlib.import_module(module.name)
    found = set()
    pending = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        is_base = hasattr(cls, "_meta") and cls._meta.model is None  # a ModelForm without model
        if cls.__module__.startswith("semaine.") and not is_base:
            found.add(cls)
    return sorted(found, key=lambda c: (c.__module__, c.__qualname__))


@pytest.fixture
def arguments(organisation, edition):
    """What each form that needs more than data is built with."""
    programme = factories.ProgrammeFactory(edition=edition, organisation=organisation)
    event = factories.EventFactory(edition=edition, organisation=organisation, slots=1,
                                   registration_mode="platform")
    question = Question.objects.create(event=event, label="Votre service ?", kind=QuestionKind.TEXT)
    consultation = factories.consultation(organisation)
    hackathon = factories.hackathon(edition, organisation)
    return {
        "SubmissionForm": {"hackathon": hackathon},
        "ConflictForm": {"hackathon": hackathon},
        "ScoreForm": {"criteria": []},
        "ConsultationForm": {"organisation": organisation},
        "ProposalForm": {"consultation": consultation},
        "WorkshopProposalForm": {"consultation": consultation},
        "EventForm": {"organisation": organisation, "edition": edition},
        "OpenAgendaImportForm": {"organisation": organisation},
        "RegistrationForm": {"slots": list(event.slots.all()), "seats": {}, "questions": [question]},
        "_programme": programme,
    }


def text_fields(form) -> dict:
    return {name: field for name, field in form.fields.items()
            if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput)}


def refused_fields(form_class, kwargs: dict) -> tuple[list, list]:
    """(fields that refused the control character, fields that accepted it)."""
    probe = form_class(**kwargs)
    refused, accepted = [], []
    for name, field in text_fields(probe).items():
        multiline = isinstance(field.widget, forms.Textarea)
        value = "Première partie\x07 seconde" if multiline else "Première ligne\nseconde ligne"
        if isinstance(field, forms.EmailField):
            value = "personne\x07@example.fr" if multiline else "perso\nnne@example.fr"
        form = form_class(data={name: value}, **kwargs)
        form.is_valid()
        codes = [error.code for error in form.errors.as_data().get(name, [])]
        refusals = {"control_character", "invalid", "honeypot"}  # a honeypot refuses any value
        (refused if codes and set(codes) & refusals else accepted).append(name)
    return refused, accepted


def test_every_form_of_the_project_refuses_control_characters_in_its_text_fields(arguments):
    classes = project_form_classes()
    assert len(classes) >= 15  # the walk found the project's forms
    checked = 0
    for form_class in classes:
        refused, accepted = refused_fields(form_class, arguments.get(form_class.__name__, {}))
        assert not accepted, f"{form_class.__module__}.{form_class.__qualname__}: {accepted}"
        checked += len(refused)
    assert checked >= 25


def test_every_form_of_the_project_inherits_the_rule():
    unchecked = [f"{c.__module__}.{c.__qualname__}" for c in project_form_classes()
                 if not issubclass(c, RefuseControlCharacters)]

    assert unchecked == []


def test_a_text_area_keeps_its_line_breaks_and_tabs(arguments):
    from semaine.registrations.forms import MessageForm

    form = MessageForm(data={"subject": "Changement de salle",
                             "body": "Bonjour,\r\n\tla salle change.\n\nÀ bientôt"})

    assert form.is_valid(), form.errors
    assert "\n\n" in form.cleaned_data["body"]


def test_a_question_added_to_the_registration_form_refuses_a_line_break(arguments):
    from semaine.registrations.forms import RegistrationForm

    kwargs = arguments["RegistrationForm"]
    name = f"q_{kwargs['questions'][0].pk}"

    form = RegistrationForm(data={name: "Service\ninformatique"}, **kwargs)

    assert not form.is_valid()
    assert form.errors[name] == ["Ce champ tient sur une ligne : retirez le retour à la ligne."]


def test_an_invisible_control_character_is_named_in_french():
    from semaine.registrations.forms import MessageForm

    form = MessageForm(data={"subject": "Salle\x1bB", "body": "Texte"})

    assert form.errors["subject"] == [
        "Retirez le caractère de contrôle invisible (U+001B) de ce champ."]


def test_every_admin_form_of_the_project_refuses_a_line_break_in_a_one_line_field(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("semaine.") or model._meta.label == "accounts.User":
            continue
        form_class = model_admin.get_form(request)
        refused, accepted = refused_fields(form_class, {})
        assert not accepted, f"admin of {model._meta.label}: {accepted}"
        checked += len(refused)
    assert checked >= 10
