"""Fixtures of the fault tests: a Redis of their own (the suite's stays up)."""

import contextlib
import os
import signal
from urllib.parse import urlparse

import pytest

from config.celery import app
from config.devstack import start_redis, stop
from core.publish import circuit_reset


class OwnRedis:
    def __init__(self):
        self.url, self.proc = start_redis(persistent=False)
        self.port = urlparse(self.url).port

    def kill(self):
        stop(self.proc)

    def start(self):
        _, self.proc = start_redis(persistent=False, port=self.port)

    def freeze(self):  # the process stays, accepts connections (kernel), answers nothing
        os.kill(self.proc.pid, signal.SIGSTOP)

    def thaw(self):
        os.kill(self.proc.pid, signal.SIGCONT)

    def client(self):
        import redis

        return redis.Redis.from_url(self.url, socket_timeout=5)


@pytest.fixture
def own_redis(monkeypatch):
    """A Redis of the test's own, and this process's Celery publishing to it."""
    server = OwnRedis()
    monkeypatch.setitem(app.conf, "broker_url", server.url)
    circuit_reset()
    yield server
    circuit_reset()
    with contextlib.suppress(ProcessLookupError):
        server.thaw()
    stop(server.proc)
