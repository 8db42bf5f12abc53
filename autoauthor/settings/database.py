"""MongoDB (embedded server or MONGODB_URI), Redis and the caches."""

from autoauthor.settings.environment import BASE_DIR, env, env_bool, env_float, env_int

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
