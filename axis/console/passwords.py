"""Operator passwords: Argon2id (argon2-cffi), never stored or logged in clear.

Argon2id is memory-hard (a stolen table is expensive to guess at on GPUs) and has no 72-byte
truncation as bcrypt has; argon2-cffi is the reference implementation's maintained binding
(docs/decisions.md "Console: jinja2, argon2-cffi, prometheus-client"). Hashing takes tens of
milliseconds on purpose: the console runs it in a worker thread, off the event loop.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()  # argon2-cffi's defaults: RFC 9106 low-memory profile
MIN_LENGTH = 12


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise ValueError(f"a password needs at least {MIN_LENGTH} characters")
    return _HASHER.hash(password)


@cache
def _dummy() -> str:
    """Verified when the name is unknown, so an unknown name costs what a wrong password does
    (made on first use: hashing is slow on purpose, and most processes never log anyone in)."""
    return _HASHER.hash("axis: no such operator")


def verify(stored: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(stored or _dummy(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False
