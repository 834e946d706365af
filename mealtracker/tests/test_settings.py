"""Settings come from the environment, and production refuses to start unsafe."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    # A clean environment: nothing from the developer's shell or from the browser tests' async switch.
    dropped = {"SECRET_KEY", "FIELD_ENCRYPTION_KEY", "DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(env)
    return subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_without_secret_key_fails_with_a_clear_error():
    result = run_manage("check", DEBUG="false", SECRET_KEY="", DATABASE_URL="sqlite:///:memory:")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_without_its_own_field_encryption_key_fails_with_a_clear_error():
    result = run_manage("check", DEBUG="false", SECRET_KEY="s" * 50, DATABASE_URL="sqlite:///:memory:")
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY is not set" in result.stderr


def test_check_deploy_is_clean_with_production_like_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-value-1234567890",
        FIELD_ENCRYPTION_KEY="a-separate-random-field-encryption-key-0987654321",
        ALLOWED_HOSTS="meals.example.com",
        DATABASE_URL="sqlite:///:memory:",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
