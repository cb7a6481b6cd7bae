"""Fixtures: a real OpenID provider per test session (tests/oidc/idp.py)."""

import pytest

from tests.oidc.idp import start_provider, stop_provider


@pytest.fixture(scope="session")
def idp(tmp_path_factory):
    """The issuer URL of a running provider (http://localhost:<port>)."""
    proc, issuer = start_provider(tmp_path_factory.mktemp("oidc") / "provider.log")
    yield issuer
    stop_provider(proc)


@pytest.fixture(scope="session")
def idp_clock_behind(tmp_path_factory):
    """A provider whose clock runs two hours behind: its ID tokens arrive expired."""
    proc, issuer = start_provider(tmp_path_factory.mktemp("oidc") / "provider-behind.log", clockSkewSeconds=-7200)
    yield issuer
    stop_provider(proc)
