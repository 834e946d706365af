"""Async scenarios from sync tests: each runs on a fresh event loop in its own thread, because a browser test earlier
in the same worker leaves Playwright's loop running on the main thread (where async_to_sync refuses to run)."""

import asyncio
from concurrent.futures import ThreadPoolExecutor


def run_async(coroutine_function, *args, **kwargs):
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine_function(*args, **kwargs)).result()
