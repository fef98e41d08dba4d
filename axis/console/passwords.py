"""Operator passwords: Argon2id (argon2-cffi), never stored or logged in clear.

Argon2id is memory-hard (a stolen table is expensive to guess at on GPUs) and has no 72-byte
truncation as bcrypt has; argon2-cffi is the reference implementation's maintained binding
(docs/decisions.md "Console: jinja2, argon2-cffi, prometheus-client"). Hashing takes tens of
milliseconds on purpose: the console runs it in a worker thread, off the event loop.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()  # argon2-cffi's defaults: RFC 9106 low-memory profile
# Verified when the name is unknown, so an unknown name costs as long as a wrong password.
_DUMMY = _HASHER.hash("axis: no such operator")
MIN_LENGTH = 12


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise ValueError(f"a password needs at least {MIN_LENGTH} characters")
    return _HASHER.hash(password)


def verify(stored: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False
