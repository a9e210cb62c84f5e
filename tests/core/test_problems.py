"""RFC 9457 problem documents, as every machine-readable endpoint answers its errors."""

import json

from django.core.exceptions import ValidationError
from django.test import RequestFactory

from semaine.core.problems import PROBLEM_TYPE, problem, validation_errors


def test_a_problem_names_its_status_title_detail_and_the_address_asked():
    response = problem(RequestFactory().get("/api/x?y=1"), 404, "Introuvable", "Rien ici.")
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM_TYPE
    assert json.loads(response.content) == {"type": "about:blank", "title": "Introuvable",
                                            "status": 404, "detail": "Rien ici.",
                                            "instance": "/api/x?y=1"}


def test_a_problem_lists_its_errors_only_when_there_are_some():
    request = RequestFactory().get("/api/x")
    errors = [{"field": "title", "location": "body", "detail": "Obligatoire."}]
    assert json.loads(problem(request, 422, "t", "d", errors).content)["errors"] == errors
    assert "errors" not in json.loads(problem(request, 422, "t", "d", []).content)


def test_a_problem_carries_the_headers_given():
    response = problem(RequestFactory().get("/api/x"), 401, "t", "d",
                       headers={"WWW-Authenticate": 'Bearer realm="api"'})
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_service_s_field_errors_become_the_errors_of_the_body():
    error = ValidationError({"title": ["Obligatoire."], "__all__": ["Incohérent."]})
    assert validation_errors(error) == [
        {"field": "title", "location": "body", "detail": "Obligatoire."},
        {"field": "", "location": "body", "detail": "Incohérent."},
    ]
    assert validation_errors(ValidationError("Fermé.")) == [
        {"field": "", "location": "body", "detail": "Fermé."}]
