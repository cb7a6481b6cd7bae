import pytest

from tests.api.webhook_receiver import Receiver


@pytest.fixture
def receiver():
    """A real HTTP receiver on 127.0.0.1 that checks the webhook signature."""
    r = Receiver()
    yield r
    r.close()


@pytest.fixture(autouse=True)
def private_media(tmp_path, settings):
    """Uploaded documents under the test's own directory (as in tests/placement)."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT
