"""A serving process freezes its long-lived objects once, after its first request."""

import gc

import pytest
from django.core.signals import request_finished

from mealtracker import heap


@pytest.fixture
def fresh_process_state():
    gc.unfreeze()
    heap.freeze_after_first_request()
    yield
    request_finished.disconnect(dispatch_uid=heap.__name__)
    gc.unfreeze()


@pytest.mark.django_db
def test_the_first_request_freezes_the_heap_and_later_ones_do_not_again(client, fresh_process_state):
    assert gc.get_freeze_count() == 0

    client.get("/health/")
    frozen = gc.get_freeze_count()
    gc.unfreeze()
    client.get("/health/")

    assert frozen > 10_000  # the modules, classes and URL configuration loaded so far
    assert gc.get_freeze_count() == 0  # once per process: the second request froze nothing
