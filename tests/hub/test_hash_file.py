"""``hash_matches`` (axis/api/ops_send.py): the SDK's unpadded hex and the usual 64 digits."""

from __future__ import annotations

import hashlib

from axis.api.ops_send import hash_matches


def test_hash_file_matches_in_unpadded_or_padded_hex_in_any_case_and_nothing_else() -> None:
    for n in range(300):  # enough digests to hold bytes below 0x10 in many positions
        digest = hashlib.sha256(str(n).encode()).digest()
        unpadded = "".join(format(b, "x") for b in digest)
        assert hash_matches(unpadded, digest)
        assert hash_matches(f" {digest.hex().upper()}\r\n", digest)
        assert not hash_matches(unpadded[:-1], digest)
        assert not hash_matches(hashlib.sha256(b"other").hexdigest(), digest)
        assert not hash_matches("", digest)
