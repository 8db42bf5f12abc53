"""The API: rate limits, concurrency caps, REST framework and the OpenAPI document."""

from autoauthor.settings.base import DEBUG
from autoauthor.settings.environment import env, env_bool, env_float, env_int

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
    "regenerate_question": "2/180",
    "generate_draft": "5/3600",
    "transform_style": "10/3600",
    "enhance_text": "10/3600",
    "enhance_transcription": "10/3600",
    "export": "10/3600",
    "cover_upload": "10/60",
    "upload_avatar": "5/60",
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
    # Search refreshes the index of books written since the last query, then reads it: a
    # person types a query every few seconds at most.
    "search": "60/60",
    # Sharing a book: reading who it is shared with, changing it (each change rewrites the
    # book's document and invalidates every reader's cached reads), giving the book away.
    "collaborators_list": "60/60",
    "collaborators_change": "30/60",
    "ownership_transfer": "5/60",
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

# --- AI quota and plan entitlements (accounts/services/ai_quota.py, autoauthor/api/ai_quota.py)
# Every AI request (an action whose concurrency scope is "ai") counts against its user's quota
# per UTC day and month, by plan; a limit <= 0 means that window has no limit. Past a limit: 429
# `ai_quota_exceeded`. A plan without AI (`restricted`) is 402 `entitlement_required` while
# PLAN_ENFORCEMENT_ENABLED is on.
AI_QUOTA_ENABLED = env_bool("AI_QUOTA_ENABLED", True)
AI_QUOTA_LIMITS = {
    "free": {
        "daily": env_int("AI_QUOTA_DAILY_LIMIT", 50),
        "monthly": env_int("AI_QUOTA_MONTHLY_LIMIT", 500),
    },
    "pro": {
        "daily": env_int("AI_QUOTA_PRO_DAILY_LIMIT", 500),
        "monthly": env_int("AI_QUOTA_PRO_MONTHLY_LIMIT", 5000),
    },
}
PLAN_ENFORCEMENT_ENABLED = env_bool("PLAN_ENFORCEMENT_ENABLED", True)

# --- REST framework and OpenAPI ---------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.JWTAuthentication",
        "accounts.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Rate limits first: a request refused by them never takes a concurrency slot. The AI plan
    # and quota come before them: a user whose plan has no AI, or whose quota is used up, is told
    # so (402, or 429 with the quota's reset) rather than to retry in a few seconds.
    "DEFAULT_THROTTLE_CLASSES": [
        "autoauthor.api.ai_quota.AIEntitlement",
        "autoauthor.api.ai_quota.AIQuota",
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
        "BookRoleEnum": "books.rules.BOOK_ROLES",
        "CollaboratorRoleEnum": "books.rules.COLLABORATOR_ROLES",
        "SearchFieldEnum": "search.models.EntryKind",
    },
    # Malformed (400) and oversized (413) bodies are answered for every operation with a body.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "autoauthor.schema.document_body_errors",
        "autoauthor.api.ai_quota.document_ai_quota",
    ],
}
