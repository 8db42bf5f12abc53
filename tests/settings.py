"""Settings for the test suite: the project settings with test-only defaults.

The embedded MongoDB server (memory engine) is started by tests/conftest.py unless MONGODB_URI
points at a real server; Redis is used on its own database index (15 unless TEST_REDIS_URL says
otherwise) so tests never touch development data.
"""

import os

# A developer's .env (written by `make run`) must not change what the suite tests; subprocesses
# the tests start inherit this too.
os.environ["DJANGO_READ_DOT_ENV_FILE"] = "false"

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ["REDIS_URL"] = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("DATABASE_NAME", "autoauthor")
os.environ.setdefault("OPENAI_API_KEY", "")
os.environ.setdefault("MEDIA_ROOT", "/tmp/autoauthor-test-media")
# The Celery broker lives on a Redis database of its own: tests/conftest.py flushes the test
# Redis database before every test, which would drop the broker's queues. Workers and API
# servers started by the tests read the same variables (they inherit the environment).
os.environ["CELERY_BROKER_URL"] = os.environ.get(
    "TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/10"
)
# Short heartbeat and stale timeout: a killed worker's job is noticed within seconds.
os.environ.setdefault("JOBS_HEARTBEAT_SECONDS", "0.5")
os.environ.setdefault("JOBS_STALE_SECONDS", "4")
os.environ.setdefault("JOBS_REAP_INTERVAL_SECONDS", "1")
os.environ.setdefault("JOBS_REPUBLISH_SECONDS", "3")
# Exports of test-sized books render in about a second: progress every 0.2 s can be watched.
os.environ.setdefault("JOBS_PROGRESS_INTERVAL_SECONDS", "0.2")

from autoauthor.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing in tests
