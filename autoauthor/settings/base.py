"""Django core: secret key, hosts, apps, middleware, auth, security headers, files, logging."""

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from autoauthor.settings.environment import BASE_DIR, env, env_bool, env_int, env_list

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
    "search",
    "jobs",
]

MIDDLEWARE = [
    # Outermost: releases the concurrency slots a request took, whatever happens inside.
    "autoauthor.api.concurrency.ReleaseSlotsMiddleware",
    # Keeps or refunds the AI quota reservation once the answer is known, and adds its headers.
    "autoauthor.api.ai_quota.AIQuotaMiddleware",
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
    "X-AI-Quota-Limit",
    "X-AI-Quota-Remaining",
    "X-AI-Quota-Reset",
    "X-AI-Quota-Period",
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

# --- Chapter revisions (books.services.revisions) ---------------------------------------------
# Consecutive autosaves of a chapter by the same author within this many seconds of the
# revision's start collapse into one revision.
REVISION_COLLAPSE_SECONDS = env_int("REVISION_COLLAPSE_SECONDS", 600)
# Age tiers `AGE=EVERY`, youngest first, the last one `*`: all of the last day, the last of each
# hour for a week, the last of each day after (books/services/revisions/retention.py).
REVISION_RETENTION = env("REVISION_RETENTION", "1d=all,7d=1h,*=1d")
