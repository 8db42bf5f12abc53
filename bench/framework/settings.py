"""The framework ceiling's settings: the project's own settings (middleware, installed apps,
database and cache configuration) with only the URL configuration swapped for one bare view, so
that gunicorn with autoauthor/gunicorn_conf.py serves the same Django the API runs on."""

from autoauthor.settings import *  # noqa: F403

ROOT_URLCONF = "bench.framework.urls"
