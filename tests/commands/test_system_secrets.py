"""Secrets the hub issues can be typed as command-line arguments (the conformance kit and the
SDK's tools take ``--secret S``): none starts with ``-``, which argparse would read as an option.
One draw in 64 of ``token_urlsafe`` starts with ``-``; 2,000 draws would all but surely meet one."""

from __future__ import annotations

import argparse

from axis.directory.credentials import new_system_secret


def test_no_issued_secret_starts_with_a_dash() -> None:
    drawn = {new_system_secret() for _ in range(2000)}
    assert len(drawn) == 2000
    assert not [s for s in drawn if s.startswith("-")]


def test_an_issued_secret_parses_as_the_value_of_an_option() -> None:
    parser = argparse.ArgumentParser(exit_on_error=False)
    parser.add_argument("--secret")
    for _ in range(500):
        secret = new_system_secret()
        assert parser.parse_args(["--secret", secret]).secret == secret
