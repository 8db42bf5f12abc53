# The Celery app is loaded with Django so that API processes publish through the same
# configuration the workers consume with (`shared_task` binds to it).
from autoauthor.celery import app as celery_app

__all__ = ("celery_app",)
