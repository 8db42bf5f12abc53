"""Accounts: the custom user model (login by email) and refresh-token families."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone

from accounts.rules import BIO_MAX, DISPLAY_NAME_MAX, NAME_MAX


def default_preferences() -> dict:
    """Every preference with its default: the reference's three, then those of the frontend's
    settings page at HEAD (writing, export and notification preferences, HEAD's defaults)."""
    return {
        "theme": "dark",
        "email_notifications": True,
        "marketing_emails": False,
        "default_writing_style": "conversational",
        "auto_save_interval": 3,
        "default_export_format": "pdf",
        "default_page_size": "letter",
        "include_empty_chapters": False,
        "writing_reminders": False,
        "progress_updates": True,
        "backup_notifications": True,
    }


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, role=User.Role.ADMIN)
        return self._create_user(email, password, **extra)


class AuditedModel(models.Model):
    """Mixin: saves and deletes of subclasses are written to the audit log by the generic
    receivers in accounts/signals.py. Long text fields are recorded by length, secret fields
    never."""

    audit_resource_type: str = ""
    audit_ignore_fields: tuple[str, ...] = ("updated_at", "created_at")
    audit_length_fields: tuple[str, ...] = ()
    audit_secret_fields: tuple[str, ...] = ("password",)

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        """Remember the loaded field values (Django's documented `from_db` hook) so the audit
        receiver can record what a save changes."""
        instance = super().from_db(db, field_names, values, **kwargs)
        instance.audit_remember()
        return instance

    def audit_remember(self) -> None:
        """Take the current field values as the baseline of the next save's changes (deferred
        fields are not loaded, so not compared)."""
        self._loaded_values = {
            f.attname: self.__dict__[f.attname]
            for f in self._meta.concrete_fields
            if f.attname in self.__dict__
        }

    @property
    def audit_book_id(self) -> str | None:
        """The book whose audit log lists this model's rows (None: no book's)."""
        return None


class User(AuditedModel, AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        USER = "user", "User"
        ADMIN = "admin", "Admin"

    class Plan(models.TextChoices):
        # What the account may use: `restricted` has no AI; quotas depend on the plan. Only an
        # administrator changes it (API or Django admin), never the user.
        FREE = "free", "Free"
        PRO = "pro", "Pro"
        RESTRICTED = "restricted", "Restricted (no AI)"

    email = models.EmailField(unique=True, max_length=254)
    # The profile's limits (accounts.rules), so the admin's form enforces what the API does.
    first_name = models.CharField(max_length=NAME_MAX, blank=True, default="")
    last_name = models.CharField(max_length=NAME_MAX, blank=True, default="")
    display_name = models.CharField(max_length=DISPLAY_NAME_MAX, blank=True, null=True)
    avatar_url = models.URLField(max_length=2083, blank=True, null=True)
    bio = models.TextField(max_length=BIO_MAX, blank=True, null=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.USER)
    plan = models.CharField(max_length=16, choices=Plan.choices, default=Plan.FREE)
    preferences = models.JSONField(default=default_preferences, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Access tokens issued up to this instant are void (logout, password change, deactivation):
    # checked on the cached user, so revocation costs bearer authentication no database read.
    tokens_valid_after = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    audit_resource_type = "user"
    audit_ignore_fields = ("updated_at", "created_at", "last_login", "tokens_valid_after")

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        db_table = "users"
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @property
    def is_admin(self) -> bool:
        # Staff alone is not enough: editors are staff (for the Django admin) and must not get
        # the API's administrator powers over accounts.
        return self.is_superuser or self.role == self.Role.ADMIN

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email


class RefreshToken(models.Model):
    """One issued refresh token. Tokens of one login form a family: using a token twice, logging
    out or changing the password revokes the family, and revocation lives in the database so it
    survives restarts and holds across workers."""

    jti = models.CharField(max_length=64, unique=True)
    family = models.CharField(max_length=64, db_index=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="refresh_tokens")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "refresh_tokens"


class AuditLog(models.Model):
    """Append-only record of who did what to which resource. Rows outlive their targets and
    actors (plain string ids, no foreign keys)."""

    action = models.CharField(max_length=64)
    actor_id = models.CharField(max_length=64, default="system")
    target_id = models.CharField(max_length=64, default="unknown")
    # The book a row belongs to, set by the server from the book it wrote: a book's audit log
    # reads by it, never by a target id (a chapter id is the client's choice, and could be
    # another user's book id).
    book_id = models.CharField(max_length=64, null=True, blank=True)
    resource_type = models.CharField(max_length=64)
    changes = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=128, null=True, blank=True)
    ip_address = models.CharField(max_length=64, null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True, default="")
    timestamp = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "audit_logs"
        ordering = ["-timestamp"]
        indexes = [
            models.Index(fields=["target_id", "-timestamp"], name="audit_target_ts_idx"),
            models.Index(fields=["actor_id", "-timestamp"], name="audit_actor_ts_idx"),
            models.Index(fields=["book_id", "-timestamp"], name="audit_book_ts_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.resource_type}:{self.target_id} by {self.actor_id}"


class AIUsage(models.Model):
    """How many AI requests a user made in one UTC period: a day (`2026-12-03`) or a month
    (`2026-12`). The durable record behind the AI quota (accounts/services/ai_quota.py): Redis
    counts first, and re-seeds from these rows after a flush or restart; while Redis is down
    these rows alone count. One document per (user, period), changed only by single-document
    `$inc` updates, so concurrent writers never lose a count. The pair is unique through one
    string field, `key` ("<user id>:<period>"): the embedded server checks a compound unique
    index by scanning the whole collection on every insert (books.models.CompositeUniqueKey)."""

    key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="ai_usage")
    period = models.CharField(max_length=10)
    count = models.IntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "ai_usage"

    def __str__(self) -> str:
        return f"{self.user_id} {self.period}: {self.count}"

    @staticmethod
    def key_of(user_id, period: str) -> str:
        return f"{user_id}:{period}"
