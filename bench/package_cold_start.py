"""Cold start of the deployment zip itself: unzipped and run by the Lambda runtime's Python, as Lambda runs it.

    python bench/package_cold_start.py build/mealtracker-dev.zip                    # print the figures
    python bench/package_cold_start.py build/mealtracker-dev.zip --record after    # and keep them in the results

Each run is a fresh interpreter in the unzipped package (the working directory, as /var/task on Lambda) with
PYTHONDONTWRITEBYTECODE set, because /var/task is read-only there: a module without a valid .pyc in the zip is
compiled again on every cold start. It times `import handler` (Zappa's handler with
INSTANTIATE_LAMBDA_HANDLER_ON_IMPORT, so Django is set up on import, as in the deployed function), then the first
request (GET /health/, which reads the database) and the first authenticated API list. The database is a SQLite
file migrated and seeded through the package's own handler first, so the figures are the package's cost without a
network hop. Results go to bench/results/package-cold-start.json under the label given to --record.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "package-cold-start.json"
sys.path.insert(0, str(ROOT))

from mealtracker.tests.lambda_support.events import http_v2  # noqa: E402 - after the path is set

RUN = r"""
import json, sys, time
started = time.perf_counter()
import handler
imported = time.perf_counter()

class Context:
    function_name = "mealtracker-dev"; function_version = "$LATEST"; memory_limit_in_mb = 1024
    aws_request_id = "bench"; invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:mealtracker-dev"
    @staticmethod
    def get_remaining_time_in_millis():
        return 30_000

events = json.loads(sys.argv[1])
health = handler.lambda_handler(events[0], Context())
first = time.perf_counter()
listing = handler.lambda_handler(events[1], Context())
second = time.perf_counter()
modules = len(sys.modules)
print("@@" + json.dumps({
    "import_ms": (imported - started) * 1000, "first_request_ms": (first - imported) * 1000,
    "first_api_list_ms": (second - first) * 1000, "statuses": [health["statusCode"], listing["statusCode"]],
    "modules": modules,
}))
"""

SIGN_IN_CODE = r"""
import handler
from accounts.models import User
from rest_framework_simplejwt.tokens import AccessToken
print("@@" + str(AccessToken.for_user(User.objects.get(email="manager@demo.mealtracker.test"))))
"""


def runtime_python(explicit: str | None) -> str:
    """The interpreter of the Lambda runtime (Python 3.12): --python, else scripts/find-python.sh's choice."""
    if explicit:
        return explicit
    found = subprocess.run(  # noqa: S603 - our own script
        ["/bin/bash", str(ROOT / "scripts" / "find-python.sh")], capture_output=True, text=True, check=True
    )
    return found.stdout.strip()


def runtime_libraries(into: Path) -> Path:
    """What the Lambda runtime itself provides (boto3 and its dependencies in /var/runtime), linked from this
    project's virtualenv, already compiled as they are on Lambda."""
    into.mkdir()
    source = Path(sys.prefix)  # this script runs in the project's virtualenv, which has boto3
    site = next(source.glob("lib/python3*/site-packages"))
    for name in ("boto3", "botocore", "s3transfer", "jmespath"):
        (into / name).symlink_to(site / name)
    return into


def child_env(package: Path, database: Path, runtime: Path) -> dict:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(runtime),
        "HOME": str(package),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",  # /var/task is read-only on Lambda
        "AWS_LAMBDA_FUNCTION_NAME": "mealtracker-dev",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "INSTANTIATE_LAMBDA_HANDLER_ON_IMPORT": "True",
        "SECRET_KEY": "bench-" + "s" * 50,
        "FIELD_ENCRYPTION_KEY": "bench-" + "f" * 50,
        "DATABASE_URL": f"sqlite:///{database}",
        "CACHE_URL": "dbcache://django_cache",
        "LOG_LEVEL": "WARNING",
    }


def run_python(python: str, package: Path, env: dict, code: str, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - the runtime's interpreter on our own code
        [python, "-s", "-c", code, *args], cwd=package, env=env, capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0:
        raise SystemExit(f"the package failed to run:\n{result.stderr[-3000:]}")
    return result.stdout.rpartition("@@")[2].strip()


def prepare(python: str, package: Path, env: dict) -> str:
    """Migrate and seed the SQLite database through the package's handler; a JWT of the demo manager."""
    steps = [{"manage": "migrate --noinput"}, {"manage": "createcachetable"},
             {"manage": "seed_demo --expenses 20 --no-progress"}]  # fmt: skip
    code = "import handler, json, sys\nfor event in json.loads(sys.argv[1]): handler.lambda_handler(event, None)\n"
    run_python(python, package, env, code, json.dumps(steps))
    return run_python(python, package, env, SIGN_IN_CODE)


def measure(zip_path: Path, *, python: str, runs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="package-cold-start-") as workdir:
        package, database = Path(workdir) / "task", Path(workdir) / "db.sqlite3"
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(package)
            entries = archive.namelist()
        env = child_env(package, database, runtime_libraries(Path(workdir) / "runtime"))
        token = prepare(python, package, env)
        events = [http_v2("GET", "/health/"),
                  http_v2("GET", "/api/v1/expenses/", headers={"Authorization": f"Bearer {token}"})]  # fmt: skip
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            figures = json.loads(run_python(python, package, env, RUN, json.dumps(events)))
            figures["process_ms"] = (time.perf_counter() - started) * 1000
            if figures["statuses"] != [200, 200]:
                raise SystemExit(f"unexpected answers {figures['statuses']}")
            samples.append(figures)
    version = subprocess.run([python, "-c", "import sys; print(sys.version.split()[0])"],  # noqa: S603
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip

    def median(key):
        return round(statistics.median(sample[key] for sample in samples), 1)

    return {
        "zip": zip_path.name,
        "zip_mib": round(zip_path.stat().st_size / 2**20, 1),
        "files": len(entries),
        "pyc_files": sum(1 for name in entries if name.endswith(".pyc")),
        "python": version,
        "runs": runs,
        "import_ms": median("import_ms"),
        "first_request_ms": median("first_request_ms"),
        "first_api_list_ms": median("first_api_list_ms"),
        "process_ms": median("process_ms"),
        "modules": samples[0]["modules"],
        "note": "medians; fresh interpreter per run, PYTHONDONTWRITEBYTECODE=1, SQLite, Zappa handler imported",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zip", type=Path)
    parser.add_argument("--python", help="the Lambda runtime's interpreter (default: Python 3.12 from find-python)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--record", metavar="LABEL", help="store the figures under LABEL in " + str(RESULTS.name))
    args = parser.parse_args()
    entry = measure(args.zip, python=runtime_python(args.python), runs=args.runs)
    entry["machine"] = f"{platform.machine()}, {os.cpu_count()} cores"
    entry["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    print(json.dumps(entry, indent=2))
    if args.record:
        recorded = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        recorded[args.record] = entry
        RESULTS.write_text(json.dumps(recorded, indent=2) + "\n")
        print(f"recorded as {args.record!r} in {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
