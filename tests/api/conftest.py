import pytest


@pytest.fixture(autouse=True)
def private_media(tmp_path, settings):
    """Uploaded documents under the test's own directory (as in tests/placement)."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT
