"""WSGI entry point (gunicorn serves `autoauthor.wsgi:application`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "autoauthor.settings")
application = get_wsgi_application()
