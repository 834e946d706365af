"""The cast every test can use: two teams, their managers and members, an outsider and an admin."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient

from accounts.tests.factories import AdminFactory, ManagerFactory, TeamFactory, UserFactory

# Property tests judge behaviour, not speed: a busy two-core CI machine must not fail them on timing.
settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Full-strength hashing costs ~0.3 s per user; tests check behaviour, not the hash's strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _report_figures_uncached(settings):
    # Tests that change rows with factories between two reads expect fresh figures; the figures cache has its own
    # tests (mealtracker/tests/test_report_cache.py), which switch it on.
    settings.REPORT_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Uploaded receipts go to a throwaway folder, never the developer's media/.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def team_a(db):
    return TeamFactory(name="Team A")


@pytest.fixture
def team_b(db):
    return TeamFactory(name="Team B")


@pytest.fixture
def member(team_a):
    return UserFactory(email="member@example.com", team=team_a)


@pytest.fixture
def teammate(team_a):
    return UserFactory(email="teammate@example.com", team=team_a)


@pytest.fixture
def manager(team_a):
    user = ManagerFactory(email="manager@example.com", team=team_a)
    team_a.managers.add(user)
    return user


@pytest.fixture
def outsider(team_b):
    return UserFactory(email="outsider@example.com", team=team_b)


@pytest.fixture
def other_manager(team_b):
    user = ManagerFactory(email="other.manager@example.com", team=team_b)
    team_b.managers.add(user)
    return user


@pytest.fixture
def site_admin(db):
    return AdminFactory(email="admin@example.com")


@pytest.fixture
def api_client_for():
    def make(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def web_client_for():
    def make(user=None):
        client = Client()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make
