"""Auto Author settings: every value is read from the environment exactly once, here.

See `.env.example` for the documented variables and their defaults.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

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


# --- Core -------------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)
INSECURE_SECRET_KEYS = {"", "changeme", "secret", "django-insecure-change-me"}
SECRET_KEY = env("SECRET_KEY")
# As strong as Django's deploy check asks (security.W009: 50+ characters, 5+ distinct ones).
# No key ever comes from the source code, in development neither: anyone who read it could sign
# a token for any user of a server that used it.
if (
    SECRET_KEY in INSECURE_SECRET_KEYS
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith("django-insecure-")
):
    raise ImproperlyConfigured(
        "SECRET_KEY is missing, a default, shorter than 50 characters or not random; set a "
        "real SECRET_KEY (in development, `make run` or bin/ensure-dotenv writes one to .env)."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")

INSTALLED_APPS = [
    "autoauthor.apps.MongoAdminConfig",
    "autoauthor.apps.MongoAuthConfig",
    "autoauthor.apps.MongoContentTypesConfig",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_mongodb_backend",
    "rest_framework",
    "rest_framework_simplejwt",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "autoauthor.apps.AutoAuthorConfig",
    "accounts",
    "books",
    "questions",
    "jobs",
]

MIDDLEWARE = [
    # Outermost: releases the concurrency slots a request took, whatever happens inside.
    "autoauthor.api.concurrency.ReleaseSlotsMiddleware",
    "autoauthor.api.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "autoauthor.api.middleware.JsonErrorMiddleware",
]

ROOT_URLCONF = "autoauthor.urls"
WSGI_APPLICATION = "autoauthor.wsgi.application"
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- MongoDB ----------------------------------------------------------------------------------
# MONGODB_URI unset means "use the embedded server": `make run` and the test suite start it and
# pass its address down in MONGODB_URI; a bare `manage.py` expects it on EMBEDDED_MONGO_PORT.
EMBEDDED_MONGO_PORT = env_int("EMBEDDED_MONGO_PORT", 27017)
EMBEDDED_MONGO_PATH = env("EMBEDDED_MONGO_PATH", str(BASE_DIR / "var" / "mongo.sqlite"))
# `sqlite` keeps data across restarts (make run); `memory` is faster and forgets everything.
EMBEDDED_MONGO_ENGINE = env("EMBEDDED_MONGO_ENGINE", "sqlite")
MONGODB_URI = env("MONGODB_URI") or (
    f"mongodb://127.0.0.1:{EMBEDDED_MONGO_PORT}/?directConnection=true"
)
DATABASE_NAME = env("DATABASE_NAME", "autoauthor")
MONGODB_POOL_OPTIONS = {
    "maxPoolSize": env_int("MONGODB_MAX_POOL_SIZE", 50),
    "minPoolSize": env_int("MONGODB_MIN_POOL_SIZE", 10),
    "serverSelectionTimeoutMS": env_int("MONGODB_SERVER_SELECTION_TIMEOUT_MS", 5000),
    "waitQueueTimeoutMS": env_int("MONGODB_WAIT_QUEUE_TIMEOUT_MS", 5000),
    "maxIdleTimeMS": env_int("MONGODB_MAX_IDLE_TIME_MS", 60000),
    "connectTimeoutMS": env_int("MONGODB_CONNECT_TIMEOUT_MS", 5000),
    "socketTimeoutMS": env_int("MONGODB_SOCKET_TIMEOUT_MS", 10000),
    # Whole-operation budget (pymongo client-side operation timeout, retries included): a paused
    # or overloaded server gives a 503 after this long instead of socket timeout + retry.
    "timeoutMS": env_int("MONGODB_TIMEOUT_MS", 5000) or None,
}
DATABASES = {
    "default": {
        "ENGINE": "django_mongodb_backend",
        "HOST": MONGODB_URI,
        "NAME": DATABASE_NAME,
        "OPTIONS": MONGODB_POOL_OPTIONS,
    },
}
DATABASE_ROUTERS = ["django_mongodb_backend.routers.MongoRouter"]
DEFAULT_AUTO_FIELD = "django_mongodb_backend.fields.ObjectIdAutoField"
MIGRATION_MODULES = {
    "admin": "mongo_migrations.admin",
    "auth": "mongo_migrations.auth",
    "contenttypes": "mongo_migrations.contenttypes",
}

# --- Redis and caches -------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")
REDIS_ENABLED = env_bool("REDIS_ENABLED", True)
REDIS_MAX_CONNECTIONS = env_int("REDIS_MAX_CONNECTIONS", 50)
REDIS_SOCKET_TIMEOUT = env_float("REDIS_SOCKET_TIMEOUT", 0.5)
_redis_cache = {
    "BACKEND": "django_redis.cache.RedisCache",
    "LOCATION": REDIS_URL,
    "OPTIONS": {
        "CLIENT_CLASS": "django_redis.client.DefaultClient",
        "SOCKET_CONNECT_TIMEOUT": REDIS_SOCKET_TIMEOUT,
        "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
        "CONNECTION_POOL_KWARGS": {"max_connections": REDIS_MAX_CONNECTIONS},
        # A cache outage must never become a 500: reads miss, writes are dropped.
        "IGNORE_EXCEPTIONS": True,
    },
}
CACHES = {
    "default": _redis_cache
    if REDIS_ENABLED
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        **_redis_cache,
        "OPTIONS": {**_redis_cache["OPTIONS"], "IGNORE_EXCEPTIONS": False},
    },
}
# Shared caches that must see Redis errors (to step around an outage) use this alias too.
SHARED_CACHE_ALIAS = "ratelimit"
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# --- Rate limiting ----------------------------------------------------------------------------
# Named scopes -> "count/seconds". Any scope can be overridden with RATELIMIT_<SCOPE>=count/seconds.
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
RATELIMIT_USE_CACHE = "ratelimit"
# How long (seconds) to keep counting in process memory before trying Redis again after a failure.
RATELIMIT_REDIS_RETRY_SECONDS = env_float("RATELIMIT_REDIS_RETRY_SECONDS", 2.0)
_DEFAULT_RATE_LIMITS = {
    "auth_login_ip": "20/60",
    # Per account and client IP (every attempt), and per account from any IP (failures only):
    # an attacker's failures do not lock the owner out from another client.
    "auth_login_account_ip": "5/60",
    "auth_login_account_failures": "100/900",
    "auth_register": "10/60",
    "auth_refresh": "30/60",
    "auth_password": "5/60",
    "profile_get": "20/60",
    "profile_update": "5/60",
    "profile_delete": "3/300",
    "books_create": "10/60",
    "books_list": "20/60",
    "books_get": "20/60",
    "books_put": "15/60",
    "books_patch": "20/60",
    "books_delete": "5/60",
    "analyze_summary": "5/60",
    "clarifying_questions": "3/60",
    "generate_toc": "2/300",
    "chapter_questions_generate": "3/120",
    "chapter_questions_regenerate": "2/180",
    "generate_draft": "5/3600",
    "transform_style": "10/3600",
    "export": "10/3600",
    "cover_upload": "10/60",
    # Writes that cost the database (and formats, which reads every chapter): far above what the
    # frontend sends (an autosave every few seconds), low enough that one account cannot
    # degrade everyone else's saves.
    "summary_save": "120/60",
    "toc_update": "120/60",
    "content_save": "240/60",
    "tab_state": "240/60",
    "question_response_save": "240/60",
    "export_formats": "120/60",
    # Background jobs: creating an export job renders a book like `export` does; reads are the
    # polling of a job's status (about one a second while a client waits).
    "export_job_create": "10/3600",
    "jobs_read": "240/60",
    "job_download": "60/60",
    "job_cancel": "60/60",
}
RATE_LIMITS = {
    scope: env(f"RATELIMIT_{scope.upper()}", rate) for scope, rate in _DEFAULT_RATE_LIMITS.items()
}

# --- Concurrency caps (autoauthor/api/concurrency.py) -----------------------------------------
# Slow operations (the four export downloads, the synchronous AI endpoints) hold a request thread
# for their whole run; these caps keep them from taking every thread. Per process, slow work of
# every scope together takes at most max(1, GUNICORN_THREADS - 2) threads (read as
# autoauthor/gunicorn_conf.py reads it), so each process keeps two threads for everything else.
# Per user and in total (across processes, in Redis), per scope. Defaults for 2 workers x 4
# threads on 2 cores: exports are CPU-bound (2 at once already fill both cores), AI calls wait
# on the provider (4 at once = the 2 + 2 slow threads the processes allow). Past a cap: 429
# `too_many_concurrent` with Retry-After CONCURRENCY_RETRY_AFTER_SECONDS. A lease lasts the
# operation's own time limit plus CONCURRENCY_LEASE_MARGIN_SECONDS.
CONCURRENCY_ENABLE = env_bool("CONCURRENCY_ENABLE", True)
CONCURRENCY_LIMITS = {
    "export": {
        "per_user": env_int("CONCURRENCY_EXPORT_PER_USER", 1),
        "total": env_int("CONCURRENCY_EXPORT_TOTAL", 2),
    },
    "ai": {
        "per_user": env_int("CONCURRENCY_AI_PER_USER", 2),
        "total": env_int("CONCURRENCY_AI_TOTAL", 4),
    },
}
CONCURRENCY_PROCESS_LIMIT = max(1, env_int("GUNICORN_THREADS", 4) - 2)
CONCURRENCY_RETRY_AFTER_SECONDS = env_int("CONCURRENCY_RETRY_AFTER_SECONDS", 5)
CONCURRENCY_LEASE_MARGIN_SECONDS = env_float("CONCURRENCY_LEASE_MARGIN_SECONDS", 30.0)

# --- Auth -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_ENGINE = "django.contrib.sessions.backends.db"
ACCESS_TOKEN_MINUTES = env_int("ACCESS_TOKEN_MINUTES", 15)
# Bearer authentication reads the user from this Redis cache (0 database reads); every save,
# deactivation or deletion of a user deletes the entry. 0 switches the cache off.
AUTH_USER_CACHE_SECONDS = env_int("AUTH_USER_CACHE_SECONDS", 30)
REFRESH_TOKEN_DAYS = env_int("REFRESH_TOKEN_DAYS", 14)
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=ACCESS_TOKEN_MINUTES),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=REFRESH_TOKEN_DAYS),
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "SIGNING_KEY": SECRET_KEY,
    "UPDATE_LAST_LOGIN": False,
}

# --- REST framework and OpenAPI ---------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.JWTAuthentication",
        "accounts.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Rate limits first: a request refused by them never takes a concurrency slot.
    "DEFAULT_THROTTLE_CLASSES": [
        "autoauthor.api.ratelimits.ScopedRateLimit",
        "autoauthor.api.concurrency.ConcurrencyCap",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "autoauthor.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only (upload endpoints declare multipart themselves): form coercion would let values
    # of the wrong type through ("published=0", "metadata=[null,null]") and the OpenAPI document
    # promises JSON.
    "DEFAULT_PARSER_CLASSES": ["autoauthor.api.parsers.StorableJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append(
        "rest_framework.renderers.BrowsableAPIRenderer"
    )

SPECTACULAR_SETTINGS = {
    "TITLE": "Auto Author API",
    "DESCRIPTION": "Write a book with AI assistance: books, table of contents, chapters, "
    "interview questions and exports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Self-contained Swagger UI / ReDoc assets: /docs works without internet access.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets shared by several fields get explicit names (several have a `status`).
    "ENUM_NAME_OVERRIDES": {
        "ChapterStatusEnum": "books.models.ChapterStatus",
        "QuestionTypeEnum": "questions.models.QuestionType",
        "QuestionDifficultyEnum": "questions.models.QuestionDifficulty",
        "QuestionResponseStatusEnum": "questions.models.ResponseStatus",
        "QuestionAnswerStatusEnum": "questions.selectors.LIST_STATUSES",
        "QuestionProgressStatusEnum": "questions.selectors.PROGRESS_STATUSES",
        "JobStatusEnum": "jobs.models.JobStatus",
        "JobKindEnum": "jobs.models.JobKind",
    },
    # Malformed (400) and oversized (413) bodies are answered for every operation with a body.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "autoauthor.schema.document_body_errors",
    ],
}


# --- CORS and security headers ----------------------------------------------------------------
CORS_ALLOWED_ORIGINS = env_list(
    "CORS_ALLOWED_ORIGINS", "http://localhost:3000,http://localhost:8000"
)
CORS_ALLOW_CREDENTIALS = True
CORS_EXPOSE_HEADERS = [
    "X-Request-ID",
    "X-Total-Count",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "Retry-After",
    "Content-Disposition",
]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env("STATIC_ROOT") or None  # only needed for `collectstatic` deployments
WHITENOISE_USE_FINDERS = True  # serve app static files (admin, Swagger UI) without collectstatic
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
AWS_STORAGE_BUCKET_NAME = env("AWS_S3_BUCKET")
AWS_S3_REGION_NAME = env("AWS_REGION", "us-east-1")
# Cover URLs are stored in books, so S3 URLs must not be presigned (those expire); objects are
# served by their plain URL (bucket policy: public read) and may be cached for a day.
AWS_QUERYSTRING_AUTH = env_bool("AWS_QUERYSTRING_AUTH", False)
AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "max-age=86400"}
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage"
        if AWS_STORAGE_BUCKET_NAME
        else "django.core.files.storage.FileSystemStorage"
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- AI and export ----------------------------------------------------------------------------
OPENAI_API_KEY = env("OPENAI_API_KEY")
OPENAI_BASE_URL = env("OPENAI_BASE_URL") or None
OPENAI_MODEL = env("OPENAI_MODEL", "gpt-4o")
OPENAI_TIMEOUT_SECONDS = env_float("OPENAI_TIMEOUT_SECONDS", 60.0)
AI_MAX_RETRIES = env_int("AI_MAX_RETRIES", 3)
AI_RETRY_BASE_SECONDS = env_float("AI_RETRY_BASE_SECONDS", 1.0)
AI_CACHE_ENABLED = env_bool("AI_CACHE_ENABLED", True)
AI_CACHE_TTL = env_int("AI_CACHE_TTL", 86400)
EXPORT_TIMEOUT_SECONDS = env_float("EXPORT_TIMEOUT_SECONDS", 120.0)

# --- Background jobs (Celery workers, Redis broker; see jobs/) --------------------------------
# The job document in MongoDB is the record of every job (status, progress, result, error), so
# Celery needs no result backend. A message is acknowledged only after its task ran (acks_late)
# and given back when the worker process dies (reject_on_worker_lost); a worker takes one message
# at a time (prefetch 1), so a long export never holds other jobs back. The visibility timeout is
# how long Redis waits before handing an unacknowledged message to another worker; a lost worker
# is noticed much sooner through the job's heartbeat (JOBS_STALE_SECONDS).
CELERY_BROKER_URL = env("CELERY_BROKER_URL") or REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", "autoauthor")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT_SECONDS", 3600),
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing from an API request: a few quick retries, then the request answers 503.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_CONCURRENCY = env_int("CELERY_WORKER_CONCURRENCY", 2)
# How long a stored export file can be downloaded, and how long finished jobs are kept.
JOBS_FILE_RETENTION_HOURS = env_float("JOBS_FILE_RETENTION_HOURS", 24.0)
JOBS_HISTORY_DAYS = env_float("JOBS_HISTORY_DAYS", 30.0)
# A running job's worker writes its heartbeat every JOBS_HEARTBEAT_SECONDS; a running job whose
# heartbeat is older than JOBS_STALE_SECONDS lost its worker and is retried (up to
# JOBS_MAX_ATTEMPTS runs in all) or failed with `worker_lost`. Workers look for such jobs at
# start and every JOBS_REAP_INTERVAL_SECONDS.
JOBS_HEARTBEAT_SECONDS = env_float("JOBS_HEARTBEAT_SECONDS", 10.0)
JOBS_STALE_SECONDS = env_float("JOBS_STALE_SECONDS", 60.0)
JOBS_REAP_INTERVAL_SECONDS = env_float("JOBS_REAP_INTERVAL_SECONDS", 30.0)
JOBS_MAX_ATTEMPTS = env_int("JOBS_MAX_ATTEMPTS", 2)
# A job still queued this long after its message was published is published again (the broker
# may have lost it); duplicates are skipped by the claim.
JOBS_REPUBLISH_SECONDS = env_float("JOBS_REPUBLISH_SECONDS", 600.0)
# A running job writes its progress (and reads whether it was cancelled) at most this often.
JOBS_PROGRESS_INTERVAL_SECONDS = env_float("JOBS_PROGRESS_INTERVAL_SECONDS", 1.0)
# Upper bound of one job's run (an export of a huge book); past it the job fails `job_timeout`.
JOBS_TIME_LIMIT_SECONDS = env_float("JOBS_TIME_LIMIT_SECONDS", 1800.0)

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Logging ----------------------------------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pymongo": {"level": "WARNING"},
    },
}
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
