"""Delivery settings: each push system's adapter validates its own table at start, and
``axis check-config`` shows them (never a secret)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from axis import config as config_mod
from axis.delivery import registry
from axis.errors import ConfigError


def check_config(tmp_path: Path, text: str) -> tuple[int, str]:
    path = tmp_path / "axis.toml"
    path.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "axis", "check-config", "--config", str(path)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return done.returncode, done.stdout + done.stderr


def test_check_config_shows_each_system_delivery_without_its_secret(tmp_path: Path) -> None:
    code, out = check_config(
        tmp_path,
        '[delivery.systems."00.47.Q08"]\nmode = "push"\nadapter = "http-push"\n'
        'url = "https://q08.example.vn/vxp/push"\nsecret = "hidden-value"\n'
        '[delivery.systems."00.41.W00"]\nmode = "pull"\n',
    )
    assert code == 0, out
    assert "delivery 00.47.Q08: push" in out and "https://q08.example.vn/vxp/push" in out
    assert "delivery 00.41.W00: pull" in out and "hidden-value" not in out


@pytest.mark.parametrize(
    ("table", "named"),
    [
        ('mode = "push"\nurl = "ftp://x"\n', "url"),
        ('mode = "push"\nurl = "http://x"\ncolour = "red"\n', "colour"),
        ('mode = "push"\nadapter = "carrier-pigeon"\nurl = "http://x"\n', "carrier-pigeon"),
        ('mode = "sometimes"\n', "mode"),
    ],
)
def test_bad_delivery_settings_are_refused_naming_the_key(
    tmp_path: Path, table: str, named: str
) -> None:
    code, out = check_config(tmp_path, f'[delivery.systems."00.47.Q08"]\n{table}')
    assert code == 2 and named in out, out


def test_the_hub_signs_with_the_system_secret_unless_one_is_set() -> None:
    cfg = config_mod.from_dict(
        {"delivery": {"systems": {"S": {"mode": "push", "url": "http://127.0.0.1:1/p"}}}}
    )
    [adapter] = registry.adapters_for(cfg, {"S": "sdk-secret"}).values()
    assert adapter._secret == "sdk-secret"  # type: ignore[attr-defined]
    with pytest.raises(ConfigError):
        config_mod.from_dict({"delivery": {"backoff_s": []}})


def test_a_hub_push_system_gets_a_hub_hops_policy_and_its_timeout_stays_inside_its_lease() -> None:
    table = {"mode": "push", "adapter": "hub-push", "url": "http://127.0.0.1:8082/bridge/push"}
    cfg = config_mod.from_dict(
        {"delivery": {"systems": {"00.41.W00": {**table, "lease_s": 12, "max_in_flight": 8}}}}
    )
    adapters = registry.adapters_for(cfg, {"00.41.W00": "s"})
    policy = registry.policies_for(cfg, adapters)["00.41.W00"]
    assert (policy.max_in_flight, policy.lease_s, policy.backoff_s[:3]) == (8, 12.0, (1, 2, 4))
    with pytest.raises(ConfigError, match="timeout_s must be shorter than lease_s"):
        registry.build("00.41.W00", {**table, "lease_s": 10, "timeout_s": 10})
    with pytest.raises(ConfigError, match="max_in_flight must be a number > 0"):
        registry.build("00.41.W00", {**table, "max_in_flight": 0})
