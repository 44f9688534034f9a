"""Production settings come from the environment and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "SECURE_SSL_REDIRECT", "SECURE_COOKIES", "SITE_URL"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deployment_checks():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x" * 20 + "a-long-random-production-key-0123456789",
        ALLOWED_HOSTS="ocop.example.vn",
        SITE_URL="https://ocop.example.vn",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_site_url_is_required_when_debug_is_off():
    """Without it every feed link would be http://127.0.0.1:8000/…: check --deploy fails."""
    key = "x" * 20 + "a-long-random-production-key-0123456789"
    for value in ("", "http://127.0.0.1:8000"):
        result = run_manage("check", "--deploy", SECRET_KEY=key, ALLOWED_HOSTS="ocop.example.vn", SITE_URL=value)
        assert result.returncode != 0
        assert "SITE_URL must be set" in result.stderr
    with_debug = run_manage("check", DEBUG="1", SITE_URL="")
    assert with_debug.returncode == 0, with_debug.stderr


def test_secret_key_is_required_when_debug_is_off():
    result = run_manage("check", "--deploy", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_web_server_refuses_to_start_without_a_secret_key():
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run(
        [sys.executable, "-c", "import ocop_market.wsgi"], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_commands_that_sign_nothing_run_without_a_secret_key():
    result = run_manage("makemigrations", "--check", "--dry-run", SECRET_KEY="")
    assert result.returncode == 0, result.stdout + result.stderr
