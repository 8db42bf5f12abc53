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

from autoauthor.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing in tests
