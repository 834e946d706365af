"""Building blocks of the API permission matrix (see test_api_permission_matrix.py for the row format)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pytest

ROLES = ("anonymous", "member", "other_member", "manager", "other_manager", "admin")
# The auditor of the member's team: reads what the team's manager reads and changes nothing (every write is a 403,
# but signing in and out). A row states the auditor's status only where it differs from that rule.
AUDITOR = "auditor"
SAFE_METHODS = ("get", "head", "options")
# Writes an auditor may still send (their own sign-in, sign-out, password and profile; building a report's bundle):
# the auditor gets the member's status there.
AUDITOR_WRITES = {
    "rest_framework:login", "rest_framework:logout", "accounts_api:register", "accounts_api:token-obtain",
    "accounts_api:token-refresh", "accounts_api:token-verify", "accounts_api:logout", "accounts_api:me",
    "accounts_api:me-avatar", "accounts_api:password-change", "accounts_api:password-reset",
    "accounts_api:password-reset-confirm", "expenses_api:report-bundle", "expenses_api:notification-read",
    "expenses_api:notification-read-all", "expenses_api:notification-preferences",
}  # fmt: skip


@dataclass(frozen=True)
class Row:
    """One endpoint and action, and the status each role gets, in ROLES order."""

    route: str  # the URL name, with its namespace: "expenses_api:expense-detail"
    method: str  # "get", "post", "patch", "put" or "delete"
    expect: tuple[int, int, int, int, int, int]  # anonymous, member, other_member, manager, other_manager, admin
    kwargs: Callable[["World"], dict] | dict = field(default_factory=dict)  # URL kwargs, from the world
    data: Callable[["World"], Any] | Any = None  # request body, from the world
    format: str = "json"  # or "multipart"
    label: str = ""  # tells two rows of the same route and method apart
    auditor: int | None = None  # the auditor's status, when not the rule above

    def expected(self, role: str) -> int:
        if role != AUDITOR:
            return self.expect[ROLES.index(role)]
        if self.auditor is not None:
            return self.auditor
        if self.method in SAFE_METHODS:
            return self.expect[ROLES.index("manager")]
        return self.expect[ROLES.index("member")] if self.route in AUDITOR_WRITES else 403

    def __post_init__(self):
        assert len(self.expect) == len(ROLES), f"{self.route}: give one status per role {ROLES}"
        object.__setattr__(self, "method", self.method.lower())

    @property
    def id(self) -> str:
        return f"{self.route}|{self.method}{'|' + self.label if self.label else ''}"

    def resolve(self, world: "World") -> tuple[dict, Any]:
        kwargs = self.kwargs(world) if callable(self.kwargs) else self.kwargs
        data = self.data(world) if callable(self.data) else self.data
        return kwargs, data


class World:
    """The cast and the member's objects; every object is created on first use, so rows pay for what they use.

    `member` owns everything below; `other_member` is a teammate (same team, no rights on member's things);
    `manager` manages member's team; `other_manager` manages another team; `admin` is a site admin.
    """

    def __init__(self, *, member, other_member, manager, other_manager, admin, auditor=None):
        self.member = member
        self.other_member = other_member
        self.manager = manager
        self.other_manager = other_manager
        self.admin = admin
        self.auditor = auditor

    def user_for(self, role: str):
        return None if role == "anonymous" else getattr(self, role)

    @cached_property
    def restaurant(self):
        from expenses.tests.factories import RestaurantFactory

        return RestaurantFactory(owner=self.member, name="Member's bistro")

    @cached_property
    def category(self):
        from expenses.tests.factories import CategoryFactory

        return CategoryFactory(owner=self.member, name="Member's category")

    @cached_property
    def tag(self):
        from expenses.tests.factories import TagFactory

        return TagFactory(owner=self.member, name="members-tag")

    @cached_property
    def merchant(self):
        from expenses.tests.factories import MerchantFactory

        return MerchantFactory(name="Matrix Chain")

    @cached_property
    def expense(self):
        """A personal meal of the member's."""
        from expenses.tests.factories import ExpenseFactory

        return ExpenseFactory(owner=self.member, restaurant=self.restaurant)

    def business_expense(self, status: str = "draft"):
        """A business meal of the member's, already in `status`."""
        from expenses.tests.factories import ExpenseFactory

        return ExpenseFactory(owner=self.member, business=True, status=status)

    @cached_property
    def receipt(self):
        from expenses.tests.factories import ReceiptFactory

        return ReceiptFactory(expense=self.expense)

    @property
    def team(self):
        return self.member.team


@pytest.fixture(autouse=True)
def receipts_bucket(settings, monkeypatch):
    """A receipts bucket (moto, in process) for the direct-upload rows; stored receipts stay local files."""
    from moto import mock_aws

    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "us-east-1"}.items():  # fmt: skip
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    settings.RECEIPTS_BUCKET = "matrix-receipts"
    with mock_aws():
        import boto3

        boto3.client("s3").create_bucket(Bucket="matrix-receipts")
        yield


@pytest.fixture(scope="session")
def fake_places_server():
    from expenses.tests.places_server import FakePlaces

    fake = FakePlaces().start()
    yield fake
    fake.stop()


@pytest.fixture(autouse=True)
def places_server(settings, fake_places_server):
    """Google places answered by the recorded fake server on 127.0.0.1, for the place rows."""
    settings.PLACES_API_KEY = "test-server-key"
    settings.PLACES_API_BASE_URL = fake_places_server.base_url
    settings.PLACES_FIELD_TIER = "enterprise"
    settings.PLACES_TIMEOUT_SECONDS = 2
    return fake_places_server
