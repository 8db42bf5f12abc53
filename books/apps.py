from django.apps import AppConfig


class BooksConfig(AppConfig):
    name = "books"
    verbose_name = "Books"
    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"

    def ready(self):
        from autoauthor.core.registry import account_deletion_parts, demo_parts, integrity_parts
        from books import signals
        from books.services import collaborators, demo, integrity

        signals.connect()
        account_deletion_parts.register(
            "books", collaborators.collaborations_remove_user, app=self.label
        )
        demo_parts.register("books", demo.DEMO_PART, app=self.label)
        integrity_parts.register("books", integrity.BOOKS_PART, app=self.label)
