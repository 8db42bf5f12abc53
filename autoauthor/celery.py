"""The Celery application: background jobs run by `celery -A autoauthor worker` (see jobs/).

Configuration comes from the Django settings whose names start with CELERY_ (Redis broker, late
acknowledgement, JSON only, no result backend); tasks are found in each app's `tasks.py`.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "autoauthor.settings")

app = Celery("autoauthor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
