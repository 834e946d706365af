"""The two screens the capture tests run on: a 390x844 phone (touch) and a 1366x900 desktop, each a fresh context
watched for console errors, failed requests and CSP violations like every browser test's page."""

import pytest

from mealtracker.tests.browser.conftest import watch

SCREENS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}


@pytest.fixture(params=list(SCREENS), name="screen")
def screen_page(request, browser, problems, transactional_db, live_server):
    """A page on each screen in turn; `screen.name` says which. Service workers stay off (the tests drive the page)."""
    context = browser.new_context(**SCREENS[request.param], service_workers="block")
    page = context.new_page()
    page.name = request.param
    watch(page, problems)
    yield page
    context.close()
    assert problems == [], f"console errors or CSP violations: {problems}"
