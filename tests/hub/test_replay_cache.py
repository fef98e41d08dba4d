"""The replay cache refuses a signed header seen within twice the window, and forgets it after."""

from __future__ import annotations

import hashlib

import pytest

from axis.errors import Rejected
from axis.store.replay import ReplayCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def hmac_hex(n: int) -> str:
    return hashlib.sha256(str(n).encode()).hexdigest()


def test_a_header_seen_within_twice_the_window_is_a_replay_5_8_4() -> None:
    clock = Clock()
    cache = ReplayCache(300, clock)
    cache.check_and_add(hmac_hex(1))
    clock.now += 599
    with pytest.raises(Rejected) as refused:
        cache.check_and_add(hmac_hex(1))
    assert refused.value.code.code == "5.8.4"


def test_old_headers_are_forgotten_and_their_memory_released() -> None:
    clock = Clock()
    cache = ReplayCache(300, clock)
    for n in range(1000):
        cache.check_and_add(hmac_hex(n))
        clock.now += 0.1
    assert len(cache) == 1000
    clock.now += 2 * 300 + ReplayCache.BUCKET_S
    cache.check_and_add(hmac_hex(1))  # accepted again: far outside any window
    assert len(cache) == 1
