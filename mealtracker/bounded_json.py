"""JSON read with a bound on how deeply it nests, for request bodies and uploaded files.

Python's decoder recurses once per level, so `[[[[…` two thousand deep raised RecursionError, which no handler
expected: a 500 from a body of 2 KB. Real documents here nest a few levels (an import file: a list of expenses of
plain values), so anything deeper than MAX_DEPTH is refused as an input error, like any other malformed JSON.
"""

import json

MAX_DEPTH = 32


class TooDeeplyNested(ValueError):
    def __init__(self, max_depth: int):
        super().__init__(f"The JSON nests more than {max_depth} levels deep.")


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH, **options):
    """`json.loads`, refusing (a ValueError) a document nested deeper than `max_depth` arrays and objects."""
    try:
        value = json.loads(text, **options)
    except RecursionError:
        raise TooDeeplyNested(max_depth) from None
    if nesting_depth(value, stop_after=max_depth) > max_depth:
        raise TooDeeplyNested(max_depth)
    return value


def nesting_depth(value, *, stop_after: int | None = None) -> int:
    """How many arrays and objects deep `value` goes (0 for a plain value), without recursing; counting stops once
    past `stop_after`."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if stop_after is not None and deepest > stop_after:
            break
        pending.extend((child, level + 1) for child in children)
    return deepest
