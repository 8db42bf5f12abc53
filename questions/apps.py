from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    name = "questions"
    verbose_name = "Questions"
    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"

    def ready(self):
        from autoauthor.core.registry import demo_parts, integrity_parts
        from questions import demo, integrity

        demo_parts.register("questions", demo.DEMO_PART, app=self.label)
        integrity_parts.register("questions", integrity.INTEGRITY_PART, app=self.label)
