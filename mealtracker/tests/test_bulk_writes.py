"""update_by_pk: each row gets its own value in one statement per batch, on SQLite and PostgreSQL alike."""

import pytest

from accounts.models import User
from accounts.tests.factories import UserFactory
from mealtracker import bulk_writes
from mealtracker.bulk_writes import update_by_pk

pytestmark = pytest.mark.django_db


def test_each_row_gets_its_own_value_across_batches(monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(bulk_writes, "BATCH_SIZE", 2)
    people = UserFactory.create_batch(5)
    untouched = UserFactory(unread_notifications=7)

    with django_assert_num_queries(3 + 2):  # three batches, inside a savepoint and its release
        update_by_pk(User, "unread_notifications", {person.pk: 10 + n for n, person in enumerate(people)})

    counts = dict(User.objects.values_list("pk", "unread_notifications"))
    assert [counts[person.pk] for person in people] == [10, 11, 12, 13, 14]
    assert counts[untouched.pk] == 7


def test_nothing_to_write_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        update_by_pk(User, "unread_notifications", {})
