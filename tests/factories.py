"""factory_boy factories for the test suite."""

import factory

from accounts.models import User

TEST_PASSWORD = "correct-Horse-battery-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.django.Password(TEST_PASSWORD)


class BookFactory(factory.django.DjangoModelFactory):
    """A book owned by a new user unless `owner=` is given."""

    class Meta:
        model = "books.Book"

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Book {n}")
    subtitle = "A subtitle"
    description = "A description of the book."
    genre = "Fiction"
    target_audience = "Adults"
