"""Fixtures for the attack suite: the hub tests' real hub on 127.0.0.1:0, re-exported.

The hub, its config and the session's dev PKI come from tests/hub/conftest.py unchanged; a test
module that needs the strict policy overrides ``hub_cfg`` (pytest resolves fixtures by name at
the test, so the imported ``hub`` fixture picks the override up).
"""

from __future__ import annotations

import pytest

from tests.hub.conftest import hub, hub_cfg, pki

__all__ = ["hub", "hub_cfg", "pki"]


@pytest.fixture
def store_backend() -> str:
    """Attacks target the door, which is the same on both backends: SQLite only (the hub
    suite runs on both)."""
    return "sqlite"
