import pytest
from django.core.management import call_command

from tests.contract.frontend import Frontend, ok
from tests.contract.journey import AuthorJourney
from tests.servers import api_server

# As `make run` serves it (gunicorn, rate limits on), with the offline AI provider.
SERVER_ENV = {"OPENAI_API_KEY": "", "LOG_LEVEL": "ERROR"}
PASSWORD = "Contract-passphrase-7391-xyz"


@pytest.fixture(scope="module")
def journey(django_db_setup, django_db_blocker):
    """The author's journey, run once against a live server on the test database; the tests of
    the contract suite assert on its recorded exchanges (one client call each). The server is
    stopped and the database emptied before the first test runs."""
    try:
        with api_server(env=SERVER_ENV, workers=2) as base:
            frontend = Frontend(base)
            registered = ok(
                frontend.send(
                    "register",
                    "POST",
                    "/auth/register",
                    {"email": "contract.author@example.com", "password": PASSWORD},
                ),
                201,
            )
            frontend.token = registered["access"]
            ran = AuthorJourney(frontend).run()
    finally:
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
    return ran
