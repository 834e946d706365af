"""A stage's first release creates the app's database role before anything touches the database as that role."""

import pytest

from deploy.release import Release, ReleaseError, Stage


class RecordingRelease(Release):
    """The release's invocations of the new version, answered as the handler would (no AWS)."""

    def __init__(self, failing=None):  # no boto3 clients: prepare() only invokes the function
        self.stage = Stage(name="dev", function="mealtracker-dev", region="us-east-1")
        self.invoked = []
        self.failing = failing

    def invoke(self, version, payload):
        what = payload.get("manage") or payload["path"]
        self.invoked.append(what)
        if what == self.failing:
            raise ReleaseError(f"version {version} failed {what}", status=3)
        return {"statusCode": 200} if "path" in payload else {}


def test_the_first_release_creates_the_role_before_checking_and_running_migrations():
    release = RecordingRelease()
    release.prepare("1", create_db_role=True)
    assert release.invoked == [
        "create_app_db_role",
        "check_release_migrations",
        "migrate --noinput",
        "createcachetable",
        "/health/",
    ]


def test_later_releases_leave_the_role_alone():
    release = RecordingRelease()
    release.prepare("7")
    assert "create_app_db_role" not in release.invoked


def test_without_the_role_nothing_is_migrated():
    release = RecordingRelease(failing="create_app_db_role")
    with pytest.raises(ReleaseError):
        release.prepare("1", create_db_role=True)
    assert release.invoked == ["create_app_db_role"]
