import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(extra_env: dict, *args: str) -> subprocess.CompletedProcess:
    """`manage.py *args` in a process of its own, with `extra_env` and no DEBUG or SECRET_KEY
    unless given."""
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage({"DEBUG": "0"}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_is_off_unless_the_environment_turns_it_on():
    """A deploy that forgets DEBUG=0 cannot run on the development SECRET_KEY in the repository."""
    forgot_everything = manage({}, "check")
    assert forgot_everything.returncode != 0
    assert "SECRET_KEY must be set" in forgot_everything.stderr
    forgot_debug = manage(
        {"SECRET_KEY": "k" * 20 + "x9Qz!" * 10},
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
    )
    assert forgot_debug.stdout.split() == ["False"], forgot_debug.stderr


def test_production_refuses_a_short_secret_key():
    result = manage({"DEBUG": "0", "SECRET_KEY": "short"}, "check")
    assert result.returncode != 0


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = manage(
        {"DEBUG": "0", "SECRET_KEY": "k" * 20 + "x9Qz!" * 10, "ALLOWED_HOSTS": "example.org"},
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_without_redis_the_web_server_worker_and_beat_share_one_cache():
    """`make run` starts three processes: a count made by one (a rate limit, the visitors' page
    cache generation) is seen by the others, and the visit statistics have a cache apart."""
    key = f"test-shared-{secrets.token_hex(8)}"
    caches = (
        "from django.core.cache import caches; cache, stats = caches['default'], caches['stats']"
    )

    def shell(code: str) -> str:
        result = manage(
            {"DEBUG": "1", "REDIS_URL": ""}, "shell", "--no-imports", "-c", f"{caches}; {code}"
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    shell(f"cache.add('{key}', 0); cache.incr('{key}')")
    seen = shell(f"print(cache.incr('{key}'), stats.get('{key}')); cache.delete('{key}')")
    assert seen.split() == ["2", "None"]


def test_the_client_address_comes_from_x_forwarded_for_only_behind_a_declared_proxy():
    """A deploy without a proxy must not take the address (sign-in records, rate limits) from a
    header that the client writes."""
    code = (
        "from django.test import RequestFactory; from allauth.account.adapter import get_adapter; "
        "request = RequestFactory().get('/', REMOTE_ADDR='203.0.113.5', "
        "HTTP_X_FORWARDED_FOR='198.51.100.7'); print(get_adapter().get_client_ip(request))"
    )
    production = {"DEBUG": "0", "SECRET_KEY": "k" * 20 + "x9Qz!" * 10}

    def client_ip(**extra_env) -> list[str]:
        result = manage({**production, **extra_env}, "shell", "--no-imports", "-c", code)
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    assert client_ip() == ["203.0.113.5"]
    assert client_ip(TRUSTED_PROXY_COUNT="1") == ["198.51.100.7"]
