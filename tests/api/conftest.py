import pytest

from tests.api.webhook_receiver import Receiver


@pytest.fixture
def receiver():
    """A real HTTP receiver on 127.0.0.1 that checks the webhook signature."""
    r = Receiver()
    yield r
    r.close()
