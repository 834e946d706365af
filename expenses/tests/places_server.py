"""A fake Places API (New) on 127.0.0.1 serving recorded responses, for the client and service tests."""

import json
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

RECORDED = Path(__file__).parent / "fixtures" / "places"
NOT_FOUND = {"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}}


class FakePlaces:
    """Serves `searchText_<name>.json` for POST /v1/places:searchText and `place_<id>.json` for GET /v1/places/<id>."""

    def __init__(self):
        self.requests: list[dict] = []
        self.search_fixture = "golden_spoon"
        self.fail_with: int | None = None
        self.delay = threading.Event()  # set() never; wait(seconds) simulates a slow upstream
        self.slow_seconds = 0.0
        self.places: dict[str, dict] = {}  # overrides of recorded places, by id
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status: int, body: dict):
                payload = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the timeout test): nothing to answer

            def _record(self, body=None):
                fake.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": {key.lower(): value for key, value in self.headers.items()},
                        "body": body,
                    }
                )
                if fake.slow_seconds:
                    fake.delay.wait(fake.slow_seconds)
                if fake.fail_with:
                    self._answer(fake.fail_with, {"error": {"code": fake.fail_with, "message": "Upstream trouble"}})
                    return False
                return True

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self._record(body):
                    return
                if self.path != "/v1/places:searchText":
                    self._answer(HTTPStatus.NOT_FOUND, NOT_FOUND)
                    return
                recorded = RECORDED / f"searchText_{fake.search_fixture}.json"
                self._answer(HTTPStatus.OK, json.loads(recorded.read_text()))

            def do_GET(self):
                if not self._record():
                    return
                place_id = self.path.removeprefix("/v1/places/")
                recorded = RECORDED / f"place_{place_id}.json"
                if place_id in fake.places:
                    self._answer(HTTPStatus.OK, fake.places[place_id])
                elif "/" not in place_id and recorded.exists():
                    self._answer(HTTPStatus.OK, json.loads(recorded.read_text()))
                else:
                    self._answer(HTTPStatus.NOT_FOUND, NOT_FOUND)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/v1"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.delay.set()
        self.server.shutdown()
        self.server.server_close()


def running_fake_places(settings):
    """Start a fake server and point the settings at it; a generator for a pytest fixture to yield from."""
    fake = FakePlaces().start()
    settings.PLACES_API_KEY = "test-server-key"
    settings.PLACES_API_BASE_URL = fake.base_url
    settings.PLACES_FIELD_TIER = "enterprise"
    settings.PLACES_TIMEOUT_SECONDS = 2
    try:
        yield fake
    finally:
        fake.stop()
