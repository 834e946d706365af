"""Keep the garbage collector's full passes short in a serving process.

A full collection walks every tracked object, and a warm process holds ~110,000 of them (modules, classes, the URL
configuration, DRF and Django internals) that live as long as the process. At 1M expenses those passes paused a
request for up to 70-140 ms every twenty or so requests (docs/performance.md). After the first request has loaded
everything a request needs, `gc.freeze()` moves all of it to a generation the collector never walks; what requests
allocate afterwards is collected as before.
"""

import gc

from django.core.signals import request_finished


def _freeze_after_first_request(**kwargs) -> None:
    request_finished.disconnect(_freeze_after_first_request, dispatch_uid=__name__)
    gc.freeze()


def freeze_after_first_request() -> None:
    """Connected once per process, from the app's ready(): works the same under gunicorn, Zappa and runserver."""
    request_finished.connect(_freeze_after_first_request, dispatch_uid=__name__, weak=False)
