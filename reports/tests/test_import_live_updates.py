"""Applying an import tells its owner's open pages how far it got, and how it ended once that is committed."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from reports.services import imports
from reports.services.imports import ImportFailed, import_batch_apply, import_batch_create
from reports.tests.test_import_apply_bulk import HEADER, line

pytestmark = pytest.mark.django_db


@pytest.fixture
def pushes(monkeypatch):
    sent = []
    monkeypatch.setattr(imports, "push", lambda user_ids, event: sent.append((set(user_ids), event)))
    return sent


def batch_of(owner, lines):
    return import_batch_create(owner=owner, filename="meals.csv", payload="\n".join([HEADER, *lines]).encode())


def test_applying_an_import_tells_the_owner_its_progress_then_its_end(
    member, pushes, django_capture_on_commit_callbacks
):
    batch = batch_of(member, [line(n) for n in range(25)])
    with django_capture_on_commit_callbacks(execute=True):
        import_batch_apply(batch=batch, actor=member)
    assert all(user_ids == {member.pk} for user_ids, _ in pushes)
    events = [event for _, event in pushes]
    progress = [(e["done"], e["total"]) for e in events if e["event"] == "import.progress"]
    assert progress[0] == (0, 25)
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)
    assert len(progress) <= imports.PROGRESS_STEPS + 1
    assert events[-1] == {"event": "import.applied", "import": batch.pk, "created": 25, "total": 25}


def test_the_end_is_told_only_once_it_is_committed(member, pushes, django_capture_on_commit_callbacks):
    batch = batch_of(member, [line(0)])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        import_batch_apply(batch=batch, actor=member)
    assert "import.applied" not in {event["event"] for _, event in pushes}
    for callback in callbacks:
        callback()
    assert pushes[-1][1]["event"] == "import.applied"


def test_a_failed_import_tells_the_owner_it_failed(member, pushes, django_capture_on_commit_callbacks):
    batch = batch_of(member, [line(0), line(1, amount="10.00", tip="12.00")])
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ImportFailed):
        import_batch_apply(batch=batch, actor=member)
    assert pushes[-1] == ({member.pk}, {"event": "import.failed", "import": batch.pk, "failed": 1})


def test_the_review_page_has_a_progress_bar_and_a_live_summary(web_client_for, member):
    batch = batch_of(member, [line(0)])
    page = web_client_for(member).get(reverse("import_review", args=[batch.pk]))
    assert page.status_code == HTTPStatus.OK
    body = page.content.decode()
    assert f'data-import-progress="{batch.pk}"' in body
    assert 'data-live-region="import-summary"' in body
