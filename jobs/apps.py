from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Background jobs"
    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"

    def ready(self):
        from autoauthor.api import deferral
        from jobs import worker
        from jobs.api.views import job_deferred_response

        worker.connect()
        # The AI endpoints of books and questions (below jobs) answer ?async=true through it.
        deferral.register_deferrer(job_deferred_response)
