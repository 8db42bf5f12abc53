"""Where settings come from: the environment (and, in development, a git-ignored .env).

Every module of this package reads its variables through these helpers, each variable once. An
empty typed value (`MONGODB_MAX_POOL_SIZE=`) means "use the default", as an unset one does.
"""

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# The first `make run` writes a git-ignored .env (DEBUG=true and a generated SECRET_KEY) so that
# every manage.py command works in a development checkout with nothing exported. Its values
# never override the real environment; DJANGO_READ_DOT_ENV_FILE=false ignores it (the tests do).
# A production host has no .env: there DEBUG is off and a real SECRET_KEY is required.
if os.environ.get("DJANGO_READ_DOT_ENV_FILE", "true").strip().lower() not in {"0", "false", "no"}:
    environ.Env.read_env(BASE_DIR / ".env")


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]
