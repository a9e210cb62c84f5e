"""The page that shows every component of the design system, checked by axe-core."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_every_component_shown_together_has_no_serious_accessibility_violation(
    page: Page, assert_accessible, demo
):
    page.goto("/ui/composants/")
    expect(page.get_by_role("heading", name="Composants", level=1)).to_be_visible()
    expect(page.locator(".fr-card").first).to_be_visible()
    assert_accessible()
