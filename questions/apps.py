from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    name = "questions"
    verbose_name = "Questions"
    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"

    def ready(self):
        from autoauthor.core.registry import account_deletion_parts, demo_parts, integrity_parts
        from questions import demo, integrity
        from questions.services.handover import book_work_hand_over

        # The questions and answers a deleted collaborator wrote stay with the shared book.
        account_deletion_parts.register("questions", book_work_hand_over, app=self.label)
        demo_parts.register("questions", demo.DEMO_PART, app=self.label)
        integrity_parts.register("questions", integrity.INTEGRITY_PART, app=self.label)
