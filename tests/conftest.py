import pytest
from django.utils import translation

from semaine.ledger.note import Signer
from tests import factories

#: one log key for the whole run (tests that need the key file set LEDGER_KEY to "")
_LEDGER_KEY = str(Signer.generate("semaine.test/ledger"))


@pytest.fixture(autouse=True)
def _fast_and_synchronous(settings, tmp_path):
    """Tests hash passwords quickly, run background tasks at once and keep uploads apart."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SEMAINE_OPENDATA_DIR = tmp_path / "opendata"
    settings.LEDGER_KEY = _LEDGER_KEY
    settings.LEDGER_ORIGIN = "semaine.test/ledger"
    settings.LEDGER_KEY_FILE = tmp_path / "ledger" / "log.key"
    settings.LEDGER_WITNESSES = []


@pytest.fixture(autouse=True)
def _reset_language():
    """A request in English must not leave the next test speaking English."""
    yield
    translation.deactivate()


@pytest.fixture
def migrated_reference_data(transactional_db):
    """Transactional tests flush the database after each test, and with it the rows the data
    migrations filled (régions, départements, formats, themes, audiences): put them back."""
    from semaine.agenda import reference
    from semaine.agenda.models import Audience, Format, Theme
    from semaine.territory import loader
    from semaine.territory.models import Departement, Region

    loader.load(Region, Departement)
    reference.seed(Format, Theme, Audience)


@pytest.fixture
def edition(db):
    return factories.EditionFactory(is_current=True)


@pytest.fixture
def organisation(db):
    return factories.OrganisationFactory(name="Département de la Loire-Atlantique")


@pytest.fixture
def other_organisation(db):
    return factories.OrganisationFactory(name="Département du Calvados")


@pytest.fixture
def editor(organisation):
    return factories.MembershipFactory(organisation=organisation).user


@pytest.fixture
def other_editor(other_organisation):
    return factories.MembershipFactory(organisation=other_organisation).user


@pytest.fixture
def coordinator(edition):
    return factories.CoordinationFactory(edition=edition).user


@pytest.fixture
def venue(organisation):
    return factories.VenueFactory(organisation=organisation)


class SiteResponse:
    def __init__(self, status: str, headers: list, content: bytes):
        self.status_code = int(status.split()[0])
        self.headers = {}
        for name, value in headers:
            self.headers[name.lower()] = value
        self.content = content
        self.text = content.decode("utf-8", "replace")

    def __getitem__(self, name):
        return self.headers[name.lower()]

    def __contains__(self, name):
        return name.lower() in self.headers

    def json(self):
        import json

        return json.loads(self.content)


class Site:
    """Requests through the real WSGI application, page cache included (the test client
    starts below it)."""

    def get(self, path, data=None, headers=None, cookies=None):
        from io import BytesIO
        from urllib.parse import urlencode
        from wsgiref.util import setup_testing_defaults

        from django.core.signals import request_finished, request_started
        from django.db import close_old_connections

        from semaine.wsgi import application

        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "HTTP_HOST": "testserver",
                   "QUERY_STRING": urlencode(data or {}, doseq=True), "wsgi.input": BytesIO()}
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        if cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        setup_testing_defaults(environ)
        captured = {}

        def start_response(status, response_headers, exc_info=None):
            captured["status"], captured["headers"] = status, response_headers

        # As Django's test client does: the test's database connection must survive the request.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            body = application(environ, start_response)
            content = b"".join(body)
            if hasattr(body, "close"):
                body.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return SiteResponse(captured["status"], captured["headers"], content)


@pytest.fixture
def site(db):
    from django.core.cache import cache

    from semaine.wsgi import application

    cache.clear()
    application.local.clear()
    return Site()
