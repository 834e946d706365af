"""Transferred kilobytes of the main pages, as a first visit in Chromium downloads them (cold cache).

Point it at a running server with the demo data (`make run`, or gunicorn with DEBUG=false for compressed static
files) and a manager's login:

    .venv/bin/python scripts/page_weight.py http://localhost:8000 manager@demo.mealtracker.test Demo-meals-2026

Each page is loaded with the browser cache disabled and counted until the network is idle (the reports page's
charts fetch their figures after load), so the figure is everything a phone downloads on a first visit: HTML,
CSS, scripts, fonts, images and API calls, as sent over the wire (compressed where the server compresses). The
page is then loaded once more in the same browser: "repeat visit" is what a returning visitor downloads, the hashed
static files coming from the cache.
"""

import argparse
import json
import sys

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
PAGES = {
    "dashboard": "/",
    "expenses list": "/expenses/",
    "add expense": "/expenses/new/",
    "reports": "/reports/",
    "approvals": "/team/approvals/",
}


def measure(base_url: str, email: str, password: str) -> dict[str, dict]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
        context = browser.new_context(**phone)
        page = context.new_page()
        page.goto(f"{base_url}/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("networkidle")
        signed_in = context.storage_state()
        context.close()

        results = {}
        for name, path in PAGES.items():
            # A new context per page: signed in, but with an empty cache, like a first visit.
            context = browser.new_context(**phone, storage_state=signed_in, service_workers="block")
            page = context.new_page()
            loaded: list[tuple[str, int]] = []

            def finished(request, loaded=loaded) -> None:
                sizes = request.sizes()
                loaded.append((request.url, sizes["responseBodySize"] + sizes["responseHeadersSize"]))

            page.on("requestfinished", finished)
            page.goto(f"{base_url}{path}")
            page.wait_for_load_state("networkidle")
            files = sorted(((url, size) for url, size in loaded if not url.startswith("data:")), key=lambda f: -f[1])
            # The same page again, as a returning visitor sees it: hashed static files come from the cache.
            loaded.clear()
            page.goto(f"{base_url}{path}")
            page.wait_for_load_state("networkidle")
            context.close()
            again = [(url, size) for url, size in loaded if not url.startswith("data:") and size > 0]
            results[name] = {
                "path": path,
                "kb": round(sum(size for _, size in files) / 1024, 1),
                "requests": len(files),
                "html_kb": round(next((size for url, size in files if url == f"{base_url}{path}"), 0) / 1024, 1),
                "repeat_kb": round(sum(size for _, size in again) / 1024, 1),
                "repeat_requests": len(again),
                "files": [(url.removeprefix(base_url), round(size / 1024, 1)) for url, size in files],
            }
        browser.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("email")
    parser.add_argument("password")
    parser.add_argument("--json", action="store_true", help="print every file of every page as JSON")
    args = parser.parse_args()
    results = measure(args.base_url.rstrip("/"), args.email, args.password)
    if args.json:
        sys.stdout.write(json.dumps(results, indent=2) + "\n")
        return 0
    sys.stdout.write("| Page | Path | First visit | Requests | HTML | Repeat visit |\n|---|---|---:|---:|---:|---:|\n")
    for name, r in results.items():
        sys.stdout.write(
            f"| {name} | `{r['path']}` | {r['kb']} KB | {r['requests']} | {r['html_kb']} KB | "
            f"{r['repeat_kb']} KB ({r['repeat_requests']}) |\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
