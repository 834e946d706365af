"""Runs Zappa's real Lambda handler in this process, as a warm Lambda container would.

Usage: python invoke.py SETTINGS_DIR < events.json > responses.json
SETTINGS_DIR holds the zappa_settings.py that Zappa generates for the stage. Each event is answered in
order by the one handler instance (Zappa's handler is a process-wide singleton), and the responses are
printed as one JSON list. The `manage` events are how `zappa manage <stage> ...` reaches a deployed function.
"""

import json
import sys
import time

settings_dir = sys.argv[1]
sys.path.insert(0, settings_dir)
events = json.load(sys.stdin)

started = time.perf_counter()
from zappa.handler import lambda_handler  # noqa: E402 - the settings folder must be importable first


class Context:
    function_name = "mealtracker-dev"
    function_version = "$LATEST"
    memory_limit_in_mb = 1024
    aws_request_id = "4d3c2b1a-0000-0000-0000-000000000000"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:mealtracker-dev"

    @staticmethod
    def get_remaining_time_in_millis():
        return 30_000


results = []
for event in events:
    response = lambda_handler(event, Context())
    results.append({"response": response, "elapsed": time.perf_counter() - started})
sys.stdout.write("\n@@RESULTS@@" + json.dumps(results, default=str))
