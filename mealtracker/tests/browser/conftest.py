"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server on 127.0.0.1.

Playwright's own browser download cannot work here, so the tests launch /usr/bin/chromium; when it is missing,
scripts/setup-browser.sh installs it (as `make test` does) and the tests skip loudly only if that fails.
Every page a test visits is watched: a console error, an uncaught exception or a Content-Security-Policy
violation fails the test.
"""

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = settings.BASE_DIR / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}

# Loopback only; and Playwright's sync API runs an event loop in this thread, which Django would otherwise
# take for async code and refuse database access from the test body.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class OneRequestAtATimeServer(ThreadedWSGIServer):
    """The live server for in-memory SQLite: every request thread shares the test's one connection (there is no
    other copy of the database), and two requests using it at once fail with "bad parameter or other API misuse"
    (a page and the report figures it fetches). Connections still get their own threads; the app runs one request,
    its body included, at a time."""

    def set_app(self, application):
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                result = application(environ, start_response)
                try:
                    return list(result)
                finally:
                    if hasattr(result, "close"):
                        result.close()

        super().set_app(one_at_a_time)


if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    LiveServerThread.server_class = OneRequestAtATimeServer

REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`);
});
"""


def _ensure_chromium() -> str | None:
    """Why the browser tests cannot run, or None when Chromium is ready."""
    if not Path(CHROMIUM).exists():
        script = settings.BASE_DIR / "scripts" / "setup-browser.sh"
        subprocess.run(["bash", str(script)], check=False)  # noqa: S603, S607 - our own install script
    if not Path(CHROMIUM).exists():
        return f"BROWSER TESTS SKIPPED: {CHROMIUM} is missing and scripts/setup-browser.sh could not install it."
    return None


def _ensure_assets() -> None:
    vendor = settings.BASE_DIR / "static" / "vendor"
    built = ["htmx.min.js", "chart.umd.min.js", "bootstrap/bootstrap.parts.min.js", "bootstrap-icons/sprite.svg"]
    missing = any(not (vendor / name).exists() for name in built)
    if missing and shutil.which("npm"):
        subprocess.run(["bash", str(settings.BASE_DIR / "scripts" / "build-assets.sh")], check=True)  # noqa: S603, S607


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    reason = _ensure_chromium()
    if reason:
        pytest.skip(reason)
    _ensure_assets()
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture
def browser_context_args(browser_context_args):
    # A real phone's size and touch; each test that wants a desktop asks for one with `desktop_page`.
    return {**browser_context_args, "viewport": PHONE, "has_touch": True, "is_mobile": True, "service_workers": "block"}


@pytest.fixture
def problems():
    """Console errors, page errors and CSP violations seen on any page of the test."""
    return []


def watch(page, problems: list) -> None:
    def on_console(message):
        # A failed load is reported below with its address; every other console error is a problem.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    def on_response(response):
        if response.status >= 400:
            problems.append(f"{response.status} {response.url}")

    page.add_init_script(REPORT_CSP_VIOLATIONS)
    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))


@pytest.fixture
def page(page, problems, transactional_db, live_server):
    watch(page, problems)
    yield page
    assert problems == [], f"console errors or CSP violations: {problems}"


@pytest.fixture
def desktop_page(browser, problems, transactional_db, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    desktop = context.new_page()
    watch(desktop, problems)
    yield desktop
    context.close()
    assert problems == [], f"console errors or CSP violations: {problems}"


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, *, full_page: bool = True) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture
def sign_in(live_server):
    def go(page, email: str, password: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")

    return go


AXE = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def accessibility_problems():
    """axe-core's serious and critical WCAG 2 A/AA findings on the current page (run through the debugger
    protocol, so the page's CSP is not loosened for it)."""
    if not AXE.exists():
        pytest.skip("ACCESSIBILITY CHECK SKIPPED: node_modules/axe-core is missing; run make assets.")
    source = AXE.read_text()

    def audit(page) -> list[str]:
        page.evaluate(source)
        results = page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
            ".then(r => r.violations.filter(v => ['serious', 'critical'].includes(v.impact))"
            ".map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')}`))"
        )
        return results

    return audit
