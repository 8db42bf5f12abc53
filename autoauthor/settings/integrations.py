"""The AI provider, exports and background jobs (Celery workers on a Redis broker)."""

from autoauthor.settings.database import REDIS_URL
from autoauthor.settings.environment import env, env_bool, env_float, env_int

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
