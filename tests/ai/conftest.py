import socket

import pytest

from tests.ai.fake_openai import FakeOpenAI


@pytest.fixture
def offline(settings):
    """No key configured: the offline provider answers."""
    settings.OPENAI_API_KEY = ""
    return settings


@pytest.fixture
def fake_openai(settings):
    """A scripted OpenAI-compatible server, and settings pointing the real client at it."""
    server = FakeOpenAI().start()
    settings.OPENAI_API_KEY = "test"
    settings.OPENAI_BASE_URL = server.url
    settings.OPENAI_MODEL = "test-model"
    settings.OPENAI_TIMEOUT_SECONDS = 5.0
    settings.AI_MAX_RETRIES = 3
    settings.AI_RETRY_BASE_SECONDS = 0.001
    settings.AI_CACHE_ENABLED = True
    yield server
    server.stop()


@pytest.fixture
def closed_port():
    """A loopback port nothing listens on."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port
