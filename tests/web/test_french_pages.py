"""Every page of the demo speaks French: no internal code (a workflow state, an attendance
mode…) and no English left in what a visitor reads.

The demo is loaded once for the module; then every internal link reachable from the home page,
from the organiser space (signed in as a demo editor) and from the coordination (signed in as
the demo coordinator) is followed, a few pages per URL pattern, and the visible text of each
page is checked."""

import functools
import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import models, transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from semaine.accounts.models import User
from semaine.agenda.models import Event, EventState
from semaine.registrations import services as registrations
from semaine.seed.demo import demo_data, load_demo

EDITOR = "editeur.loire-atlantique@demo.semaine.fr"
COORDINATOR = "coordination@demo.semaine.fr"
#: pages read per URL pattern (its view), and in all per account
PER_PATTERN = 4
MAX_PAGES = 250

#: views that change something, or switch the language, when opened (their links are followed
#: by people, not by this test)
SKIPPED_VIEWS = {"ui:language", "accounts:logout", "registrations:confirm", "registrations:scan"}
#: what is not a page: files, feeds, the API, the ledger's machine-readable endpoints
SKIPPED_PATHS = re.compile(
    r"^/(api|static|media|admin|ledger/(tile|checkpoint|entries|records|proof|consistency|archives))"
    r"|\.(ics|csv|json|jsonl|geojson|xlsx|xml|rss|txt|png|svg|pdf|zip)$|/flux/"
)
SKIPPED_QUERIES = re.compile(r"(^|&)format=")

#: internal codes that are also French words (or an article), so may be read in French text
FRENCH_WORDS = {"message", "invitation", "association", "commune", "le", "la", "les", "l’", "-", "", "none"}
#: English words that a French page never shows (matched as whole words, case as written)
ENGLISH = ["the", "and", "of", "with", "Submit", "Cancel", "Next", "Previous", "None", "True",
           "False", "Save", "Delete", "Search", "Close", "Back", "Edit", "Loading", "Yes", "Sign in",
           "required", "This field"]


def _all_text_choices():
    def below(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)

    return [cls for cls in below(models.TextChoices) if cls.__module__.startswith("semaine.")]


def internal_codes() -> set[str]:
    """The values of every ``TextChoices`` of the project that differ from their label."""
    return {
        value for cls in _all_text_choices() for value, label in cls.choices
        if value.lower() != str(label).lower() and value not in FRENCH_WORDS
    }


class _Page(HTMLParser):
    """The text a visitor reads (and the labels a screen reader says), and the links."""

    SKIPPED = {"script", "style", "template", "code", "pre", "kbd", "samp", "svg"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr"}
    SAID = ("alt", "title", "aria-label", "placeholder")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.links, self._skipping = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        skip = (tag in self.SKIPPED or "hidden" in attrs
                or (attrs.get("lang") and not attrs["lang"].startswith("fr")))
        if tag in self.VOID:
            if not self._skipping and not skip:
                self.text += [attrs[name] for name in self.SAID if attrs.get(name)]
            return
        self._skipping.append(skip or bool(self._skipping and self._skipping[-1]))
        if not self._skipping[-1]:
            self.text += [attrs[name] for name in self.SAID if attrs.get(name)]

    def handle_endtag(self, tag):
        if tag not in self.VOID and self._skipping:
            self._skipping.pop()

    def handle_data(self, data):
        if not (self._skipping and self._skipping[-1]):
            self.text.append(data)


def read(html: str) -> tuple[str, list[str]]:
    page = _Page()
    page.feed(html)
    return " ".join(" ".join(page.text).split()), page.links


def _words(words) -> re.Pattern:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(r"(?<![\w’'./_-])(" + alternatives + r")(?![\w’'/_-])")


@functools.cache
def _checks() -> tuple[re.Pattern, re.Pattern]:
    return _words(internal_codes()), _words(ENGLISH)


def problems_of(text: str) -> list[str]:
    codes, english = _checks()
    found = [f"code « {m.group(1)} »" for m in codes.finditer(text)]
    found += [f"anglais « {m.group(1)} »" for m in english.finditer(text)]
    return [f"{what} dans « …{_around(text, what)}… »" for what in sorted(set(found))]


def _around(text: str, what: str) -> str:
    word = what.split("« ", 1)[1].rstrip(" »")
    at = text.find(word)
    return text[max(0, at - 40): at + len(word) + 40]


def _pattern(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def crawl(client: Client, starts: list[str]) -> dict[str, list[str]]:
    """Problems by page path, for every page reached from ``starts`` (bounded)."""
    seen, queue, per_view, found = set(), list(starts), Counter(), {}
    pages = 0
    while queue and pages < MAX_PAGES:
        url = queue.pop(0)
        parts = urlsplit(url)
        if parts.netloc and parts.netloc not in ("testserver",):
            continue
        path = parts.path
        if not path.startswith("/") or SKIPPED_PATHS.search(path) or SKIPPED_QUERIES.search(parts.query):
            continue
        full = path + (f"?{parts.query}" if parts.query else "")
        if full in seen:
            continue
        seen.add(full)
        view = _pattern(path)
        if view is None or view in SKIPPED_VIEWS or per_view[view] >= PER_PATTERN:
            continue
        per_view[view] += 1
        response = client.get(full)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        text, links = read(response.content.decode())
        problems = problems_of(text)
        if problems:
            found[full] = problems
        queue += [urljoin(full, link.split("#")[0]) for link in links if not link.startswith("#")]
    assert pages > 20, f"only {pages} pages read from {starts}"
    return found


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module, with a registration on a waiting list and a
    cancelled one so that the attendee pages show every status."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        editor = User.objects.get(email=EDITOR)
        event = Event.objects.filter(
            state=EventState.PUBLISHED, registration_mode="platform",
            organisation__memberships__user=editor, edition__slug=demo_data().upcoming.slug,
        ).first()
        if event is not None:
            slot = event.slots.first()
            for n in range(3):
                registrations.register(slot=slot, email=f"personne{n}@example.fr", first_name="Alex",
                                       last_name=f"Durand{n}", email_verified=True)
            registrations.register(slot=slot, email=EDITOR, first_name=editor.first_name,
                                   last_name=editor.last_name, user=editor, email_verified=True)
        yield
        transaction.set_rollback(True)


def _signed_in(email: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(User.objects.get(email=email))
    return client


def test_the_internal_codes_are_those_of_the_models():
    codes = internal_codes()
    assert {"waitlisted", "confirmed", "pending", "in_person", "moved_online", "sign_language"} <= codes
    assert "message" not in codes  # a French word as well


def test_the_check_finds_codes_and_english_but_not_french():
    assert problems_of("Statut : waitlisted") and problems_of("Submit the form")
    assert problems_of("Inscrit · None")
    assert not problems_of("Sur liste d’attente · Inscrit · Sur place · Envoyer · Annuler")
    assert not problems_of("le Département de la Gironde, en-ligne, https://example.fr/confirmed/")


@pytest.mark.django_db
def test_every_public_page_of_the_demo_is_in_french(demo_site):
    assert crawl(Client(HTTP_ACCEPT_LANGUAGE="fr"), ["/", reverse("ledger:register")]) == {}


@pytest.mark.django_db
def test_every_page_of_the_organiser_space_is_in_french(demo_site):
    client = _signed_in(EDITOR)
    assert crawl(client, [reverse("organisers:home"), reverse("registrations:mine"),
                          reverse("accounts:account")]) == {}


@pytest.mark.django_db
def test_every_page_of_the_coordination_is_in_french(demo_site):
    assert crawl(_signed_in(COORDINATOR), [reverse("coordination:queue"),
                                           reverse("coordination:organisations")]) == {}

