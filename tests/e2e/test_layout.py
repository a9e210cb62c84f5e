"""Every page shape is laid out sanely at a desktop and a phone width, and shows only icons that
exist in the stylesheets it loads.

One data set (the demo, plus a cancelled event and a registration of the demo editor), one live
server and one browser serve every page; each signed-in role has one browser tab, resized from
one width to the other. A page shape is one line of ``PAGES``: its name, who looks at it and how
to build its address from the data. Set ``SEMAINE_E2E_LAYOUT_SCREENSHOTS`` to a folder to keep a
full-page screenshot of every page at every width.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from semaine.agenda.models import Event, EventState, Programme
from semaine.consultations import services as consultations
from semaine.hackathons.models import Hackathon
from semaine.seed.demo import demo_data
from tests import factories
from tests.ui.test_icons import missing_icons

pytestmark = pytest.mark.e2e
DEMO_PASSWORD = demo_data().password
UPCOMING_SLUG = demo_data().upcoming.slug

EDITOR = "editeur.loire-atlantique@demo.semaine.fr"
COORDINATOR = "coordination@demo.semaine.fr"
CALVADOS = "editeur.calvados@demo.semaine.fr"
#: name → (width, height) in CSS pixels
VIEWPORTS = {"desktop": (1280, 800), "phone": (375, 740)}
SCREENSHOTS = os.environ.get("SEMAINE_E2E_LAYOUT_SCREENSHOTS", "")


@dataclass(frozen=True)
class Shape:
    name: str
    path: Callable[[SimpleNamespace], str]
    #: who looks at it: "" for a visitor, else the e-mail address of a demo account
    who: str = ""
    status: int = 200


def _event(data, key: str) -> str:
    return getattr(data, key).get_absolute_url()


PAGES = [
    Shape("home", lambda d: "/"),
    Shape("edition home", lambda d: "/editions/2017/"),
    Shape("upcoming edition home", lambda d: f"/editions/{UPCOMING_SLUG}/"),
    Shape("agenda with results", lambda d: "/editions/2017/agenda/"),
    Shape("agenda searched", lambda d: "/editions/2017/agenda/?q=blockchain&departement=44"),
    Shape("agenda empty", lambda d: "/editions/2017/agenda/?q=zzzzzzzz"),
    Shape("calendar", lambda d: "/editions/2017/calendrier/"),
    Shape("map", lambda d: "/editions/2017/carte/"),
    Shape("themes", lambda d: "/editions/2017/themes/"),
    Shape("theme", lambda d: "/editions/2017/themes/data/"),
    Shape("département", lambda d: "/editions/2017/departements/44/"),
    Shape("région", lambda d: "/editions/2017/regions/pays-de-la-loire/"),
    Shape("programme", lambda d: d.programme.get_absolute_url()),
    Shape("editions", lambda d: reverse("agenda:editions")),
    Shape("organisation", lambda d: d.organisation.get_absolute_url()),
    Shape("event with related events", lambda d: _event(d, "related")),
    Shape("event with registration", lambda d: _event(d, "registering")),
    Shape("cancelled event", lambda d: _event(d, "cancelled")),
    Shape("registration form", lambda d: reverse(
        "registrations:register", kwargs={"public_id": d.registering.public_id})),
    Shape("ticket", lambda d: reverse("registrations:manage", kwargs={"token": d.ticket.token})),
    Shape("cancel confirmation", lambda d: reverse("registrations:cancel",
                                                   kwargs={"token": d.ticket.token})),
    Shape("my data, asked for", lambda d: reverse("privacy:request")),
    Shape("open data", lambda d: "/editions/2017/donnees-ouvertes/"),
    Shape("statistics", lambda d: "/editions/2017/statistiques/"),
    Shape("ledger register", lambda d: reverse("ledger:register")),
    Shape("ledger block", lambda d: reverse("ledger:block", kwargs={"number": 1})),
    Shape("ledger entry", lambda d: reverse("ledger:entry", kwargs={"index": 0})),
    Shape("sign in", lambda d: reverse("accounts:login")),
    Shape("sign up", lambda d: reverse("accounts:signup")),
    Shape("accessibility", lambda d: reverse("ui:accessibility")),
    Shape("legal notice", lambda d: reverse("ui:legal")),
    Shape("components", lambda d: reverse("ui:components")),
    Shape("not found", lambda d: "/editions/2017/nulle-part/", status=404),
    Shape("my registrations", lambda d: reverse("registrations:mine"), EDITOR),
    Shape("account", lambda d: reverse("accounts:account"), EDITOR),
    Shape("organiser space", lambda d: reverse("organisers:home"), EDITOR),
    Shape("organiser's events", lambda d: reverse(
        "organisers:events", kwargs={"slug": d.organisation.slug}), EDITOR),
    Shape("organiser's event", lambda d: reverse(
        "organisers:event", kwargs={"pk": d.registering.pk}), EDITOR),
    Shape("event form", lambda d: reverse(
        "organisers:event_create", kwargs={"slug": d.organisation.slug}), EDITOR),
    Shape("event edit form", lambda d: reverse(
        "organisers:event_edit", kwargs={"pk": d.registering.pk}), EDITOR),
    Shape("attendees", lambda d: reverse(
        "registrations:attendees", kwargs={"pk": d.registering.pk}), EDITOR),
    Shape("welcome desk", lambda d: reverse(
        "registrations:desk", kwargs={"pk": d.registering.pk}), EDITOR),
    Shape("venues", lambda d: reverse("organisers:venues", kwargs={"slug": d.organisation.slug}),
          EDITOR),
    Shape("programmes and tracks", lambda d: reverse(
        "organisers:programmes", kwargs={"slug": d.organisation.slug}), EDITOR),
    Shape("programme's tracks", lambda d: reverse(
        "organisers:programme", kwargs={"pk": d.own_programme.pk}), EDITOR),
    Shape("track form", lambda d: reverse(
        "organisers:track", kwargs={"pk": d.own_programme.tracks.first().pk}), EDITOR),
    Shape("members with a request and an invitation", lambda d: reverse(
        "organisers:members", kwargs={"slug": d.organisation.slug}), EDITOR),
    Shape("organiser's organisations and requests", lambda d: reverse("organisers:home")
          + "?toutes=1", EDITOR),
    Shape("declare an organisation", lambda d: reverse("organisers:declare"), EDITOR),
    Shape("ask to join", lambda d: reverse("organisers:join", kwargs={"slug": d.other.slug}),
          EDITOR),
    Shape("venue", lambda d: reverse("organisers:venue_edit", kwargs={
        "slug": d.organisation.slug,
        "pk": (d.organisation.venues.filter(location_precision="commune").first()
               or d.organisation.venues.first()).pk}), EDITOR),
    Shape("OpenAgenda import", lambda d: reverse(
        "opendata:openagenda_import", kwargs={"slug": d.organisation.slug}), EDITOR),
    Shape("hackathon", lambda d: d.hackathon.get_absolute_url()),
    Shape("hackathon challenge", lambda d: d.hackathon.challenges.first().get_absolute_url()),
    Shape("hackathon results", lambda d: reverse(
        "hackathons:results", kwargs={"public_id": d.hackathon_done.public_id})),
    Shape("hackathon gallery", lambda d: reverse("hackathons:gallery")),
    Shape("hackathon project", lambda d: reverse(
        "hackathons:project",
        kwargs={"public_id": d.hackathon_done.submissions.order_by("pk").first().public_id})),
    Shape("hackathon for a participant", lambda d: d.hackathon.get_absolute_url(), EDITOR),
    Shape("hackathon team", lambda d: d.team.get_absolute_url(), EDITOR),
    Shape("hackathon submission", lambda d: reverse(
        "hackathons:submission", kwargs={"public_id": d.team.public_id}), EDITOR),
    Shape("hackathon jury", lambda d: reverse(
        "hackathons:jury", kwargs={"public_id": d.hackathon.public_id}), COORDINATOR),
    Shape("hackathon score sheet", lambda d: reverse(
        "hackathons:score", kwargs={"public_id": d.team.submission.public_id}), COORDINATOR),
    Shape("hackathon set-up", lambda d: reverse(
        "hackathons:set_up", kwargs={"pk": d.hackathon.event.pk}), CALVADOS),
    Shape("hackathon management", lambda d: reverse(
        "hackathons:manage", kwargs={"public_id": d.hackathon.public_id}), CALVADOS),
    Shape("hackathon dataset", lambda d: reverse(
        "hackathons:dataset_add",
        kwargs={"public_id": d.hackathon.challenges.first().public_id}), CALVADOS),
    Shape("participer", lambda d: reverse("consultations:index")),
    Shape("consultation", lambda d: d.consultation.get_absolute_url()),
    Shape("proposal with comments", lambda d: d.proposal.get_absolute_url(), EDITOR),
    Shape("propose", lambda d: reverse("consultations:propose",
                                       kwargs={"slug": d.consultation.slug}), EDITOR),
    Shape("consultation synthesis", lambda d: reverse("consultations:synthesis",
                                                      kwargs={"slug": d.consultation.slug})),
    Shape("my consultations", lambda d: reverse("consultations:mine"), EDITOR),
    Shape("consultation form", lambda d: reverse("consultations:edit",
                                                 kwargs={"slug": d.consultation.slug}), EDITOR),
    Shape("comments to moderate", lambda d: reverse("consultations:moderation",
                                                    kwargs={"slug": d.consultation.slug}), EDITOR),
    Shape("answers to give", lambda d: reverse("consultations:answers",
                                               kwargs={"slug": d.consultation.slug}), EDITOR),
    Shape("coordination queue", lambda d: reverse("coordination:queue"), COORDINATOR),
    Shape("coordination review", lambda d: reverse(
        "coordination:review", kwargs={"pk": d.related.pk}), COORDINATOR),
    Shape("organisations to approve", lambda d: reverse("coordination:organisations"),
          COORDINATOR),
    Shape("editions for coordinators", lambda d: reverse("coordination:editions"), COORDINATOR),
    Shape("edition form", lambda d: reverse("coordination:edition_create"), COORDINATOR),
    Shape("edition for coordinators", lambda d: reverse(
        "coordination:edition", kwargs={"slug": "2017"}), COORDINATOR),
    Shape("statistics for coordinators", lambda d: "/editions/2017/statistiques/", COORDINATOR),
]

#: Run in the page: every way its layout can be broken, as sentences (none when it is sane).
LAYOUT_PROBLEMS = """
() => {
  const problems = [];
  const width = window.innerWidth, height = window.innerHeight;
  const top = (rect) => rect.top + window.scrollY, bottom = (rect) => rect.bottom + window.scrollY;
  const name = (element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
    + [...element.classList].slice(0, 3).map((c) => "." + c).join("");
  const main = document.querySelector("main");
  const footer = document.querySelector("footer");
  if (!main || !footer) return ["no main or no footer"];
  if (document.documentElement.scrollWidth > width) {
    problems.push(`scrolls sideways: ${document.documentElement.scrollWidth} px wide for ${width}`);
  }
  const footerBox = footer.getBoundingClientRect();
  const footerTop = top(footerBox);
  if (footerTop + 1 < bottom(main.getBoundingClientRect())) {
    problems.push(`the footer starts at ${Math.round(footerTop)} px, above the end of main`
      + ` (${Math.round(bottom(main.getBoundingClientRect()))} px)`);
  }
  // What of an element is drawn: its box cut by every ancestor that clips its overflow.
  const clipped = (element) => {
    let rect = element.getBoundingClientRect();
    let box = {left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom};
    for (let parent = element.parentElement; parent && parent !== document.body;
         parent = parent.parentElement) {
      const style = getComputedStyle(parent);
      if (style.overflowX !== "visible" || style.overflowY !== "visible") {
        const p = parent.getBoundingClientRect();
        box = {left: Math.max(box.left, p.left), right: Math.min(box.right, p.right),
               top: Math.max(box.top, p.top), bottom: Math.min(box.bottom, p.bottom)};
      }
    }
    return box;
  };
  const reported = [];
  for (const element of main.querySelectorAll("*")) {
    if (!element.checkVisibility({visibilityProperty: true})) continue;
    if (reported.some((outer) => outer.contains(element))) continue;
    const box = clipped(element);
    if (box.right - box.left <= 1 || box.bottom - box.top <= 1) continue;
    if (box.bottom > footerBox.top + 1 && box.top < footerBox.bottom
        && box.right > footerBox.left && box.left < footerBox.right) {
      reported.push(element);
      problems.push(`${name(element)} (${Math.round(box.top + window.scrollY)}–`
        + `${Math.round(box.bottom + window.scrollY)} px) overlaps the footer`
        + ` (from ${Math.round(footerTop)} px)`);
    }
  }
  // Cards: DSFR's cards and tiles, and the project's (a class ending in "card").
  const isCard = (element) => [...element.classList].some((c) => /(^|[-_])(card|tile)$/.test(c));
  for (const card of [...document.querySelectorAll("[class]")].filter(isCard)) {
    const rect = card.getBoundingClientRect();
    if (rect.height > 2 * height) {
      problems.push(`${name(card)} is ${Math.round(rect.height)} px tall, more than two screens`);
    }
  }
  // Buttons and links drawn as buttons show their words: DSFR turns a button with an icon into
  // an icon alone unless its group says the icon goes on the left (a search bar's button is an
  // icon by design, its words read by screen readers).
  for (const button of main.querySelectorAll(".fr-btn:not(.fr-search-bar .fr-btn)")) {
    if (!button.checkVisibility({visibilityProperty: true}) || !button.textContent.trim()) continue;
    if (button.scrollWidth > button.clientWidth + 1 || button.scrollHeight > button.clientHeight + 1) {
      problems.push(`${name(button)} « ${button.textContent.trim()} » hides its words`);
    }
  }
  // The DSFR lays out a fieldset's fields only in its elements: a field put straight in the
  // fieldset sits beside the others, its label cut by the fieldset's margins.
  for (const stray of main.querySelectorAll(
      ".fr-fieldset > :is(.fr-input-group, .fr-select-group, .fr-checkbox-group)")) {
    problems.push(`${name(stray)} sits in a fieldset outside any .fr-fieldset__element`);
  }
  // A field for robots (« Ne pas remplir »): no person sees it, reaches it or hears it.
  for (const label of document.querySelectorAll("label")) {
    if (!label.textContent.trim().startsWith("Ne pas remplir")) continue;
    const field = label.control;
    if (!field) { problems.push("the label « Ne pas remplir » names no field"); continue; }
    const box = field.getBoundingClientRect();
    if (field.checkVisibility({visibilityProperty: true}) && box.width > 1 && box.height > 1
        && box.right > 0 && box.left < width) {
      problems.push(`the field for robots « Ne pas remplir » is drawn on screen`);
    }
    if (!field.closest('[aria-hidden="true"]')) {
      problems.push("the field for robots « Ne pas remplir » is read out by screen readers");
    }
    if (field.tabIndex !== -1 || field.autocomplete !== "off") {
      problems.push("the field for robots « Ne pas remplir » is in the tab order or autofilled");
    }
  }
  return problems;
}
"""

#: Run in the page: every icon class of its elements.
ICON_CLASSES = """
() => [...new Set([...document.querySelectorAll("[class]")].flatMap(
  (element) => [...element.classList].filter((c) => /^(fr-icon|ri)-./.test(c))))]
"""


@pytest.fixture
def layout_data(demo, migrated_reference_data):
    """The demo, with a cancelled event, a registration of the demo editor, a request to join
    the editor's organisation, an invitation for the editor and a request of theirs, and a
    probable duplicate for the coordinator."""
    from semaine.accounts.models import User
    from semaine.agenda import services as agenda
    from semaine.organisers import services as organisers
    from semaine.organisers.models import Organisation, Role
    from semaine.registrations import services as registrations

    editor = User.objects.get(email=EDITOR)
    published = Event.objects.filter(state=EventState.PUBLISHED)
    related = published.get(title="La blockchain expliquée aux agents publics")
    registering = published.filter(edition__slug=UPCOMING_SLUG,
                                   organisation__memberships__user=editor).first()
    cancelled = published.filter(edition__slug="2017").exclude(pk=related.pk).first()
    agenda.cancel_event(User.objects.get(email=COORDINATOR), cancelled, "Salle indisponible.")
    ticket = registrations.register(
        slot=registering.slots.first(), email=EDITOR, first_name=editor.first_name,
        last_name=editor.last_name, user=editor, email_verified=True,
    )
    organisation = registering.organisation
    organisers.request_to_join(
        factories.UserFactory(first_name="Inès", last_name="Roux", email="ines.roux@example.fr"),
        organisation, "Chargée de mission au numérique, je prépare les ateliers du service.")
    organisers.invite(editor, organisation, factories.UserFactory(email="invitee@example.fr"))
    other = Organisation.objects.exclude(pk=organisation.pk).filter(
        memberships__role=Role.ADMIN).first()
    organisers.invite(other.memberships.filter(role=Role.ADMIN).first().user, other, editor)
    third = Organisation.objects.exclude(pk__in=[organisation.pk, other.pk]).first()
    organisers.request_to_join(editor, third, "")
    # a declaration that slipped in beside an organisation of the same name
    Organisation.objects.create(name="departement de Gironde", slug="departement-gironde",
                                kind="departement")
    calvados = User.objects.get(email=CALVADOS)
    hackathon = factories.hackathon_scenario(
        published.get(title="Hackathon Calvados : données touristiques, saison 2"), calvados,
        leads=[editor, factories.UserFactory()], jurors=[User.objects.get(email=COORDINATOR)])
    hackathon_done = Hackathon.objects.get(event__edition__slug="2017")  # the demo's
    consultation, proposal = _consultation(registering.organisation, editor)
    return SimpleNamespace(
        consultation=consultation, proposal=proposal,
        related=related, registering=registering, cancelled=cancelled, ticket=ticket,
        hackathon=hackathon, hackathon_done=hackathon_done,
        team=hackathon.teams.get(memberships__user=editor),
        organisation=organisation, other=third,
        programme=Programme.objects.filter(events__in=published).first(),
        own_programme=Programme.objects.filter(organisation=organisation,
                                               tracks__isnull=False).first(),
    )


def _consultation(organisation, editor):
    """A consultation in its supports phase, with a proposal, a thread and a reported comment."""
    Membership = type(editor.memberships.first())
    Membership.objects.filter(user=editor).update(role="admin")
    editor.email_verified_at = timezone.now()
    editor.save(update_fields=["email_verified_at"])
    consultation = factories.consultation(organisation, phase="proposals", supports_per_person=3,
                                          context="Le **service d’accueil** des usagers.")
    proposal = consultations.propose(editor, consultation, title="Un rendez-vous en visio",
                                     body="Pouvoir parler à un agent sans se déplacer.",
                                     category=consultation.categories.first(), commune="Nantes")
    first = consultations.comment(editor, consultation, proposal=proposal, body="Très utile.",
                                  alignment="for")
    reply = consultations.comment(editor, consultation, proposal=proposal, parent=first,
                                  body="Avec un numéro de téléphone aussi.", alignment="against")
    consultations.report_comment(editor, reply)
    return consultation, proposal


def _tab(browser, base_url: str, who: str):
    context = browser.new_context(base_url=base_url, locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(15_000)
    # No tile server nor any other host is reachable from the tests.
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base_url)
                  else route.abort())
    page = context.new_page()
    if who:
        page.goto(reverse("accounts:login"))
        page.get_by_label("Adresse électronique").fill(who)
        page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    return context, page


def test_every_page_shape_is_laid_out_at_a_desktop_and_a_phone_width(
    browser, live_server, layout_data
):
    problems, icons = [], set()
    tabs = {who: _tab(browser, live_server.url, who) for who in {shape.who for shape in PAGES}}
    try:
        for viewport, (width, height) in VIEWPORTS.items():
            for _context, page in tabs.values():
                page.set_viewport_size({"width": width, "height": height})
            for shape in PAGES:
                page = tabs[shape.who][1]
                path = shape.path(layout_data)
                response = page.goto(path)
                assert response.status == shape.status, f"{shape.name} ({path}): {response.status}"
                page.wait_for_load_state("load")
                page.evaluate("document.fonts.ready")
                for problem in page.evaluate(LAYOUT_PROBLEMS):
                    problems.append(f"{shape.name} ({path}) at {viewport} width: {problem}")
                icons.update(page.evaluate(ICON_CLASSES))
                if SCREENSHOTS:
                    folder = Path(SCREENSHOTS)
                    folder.mkdir(parents=True, exist_ok=True)
                    slug = "".join(c if c.isalnum() else "-" for c in shape.name)
                    page.screenshot(path=folder / f"{slug}-{viewport}.png", full_page=True)
    finally:
        for context, _page in tabs.values():
            context.close()
    assert not problems, "\n".join(problems)
    assert icons, "no icon found on any page"
    assert not missing_icons(icons), (
        f"icons shown on the pages that no stylesheet defines: {sorted(missing_icons(icons))}"
    )
