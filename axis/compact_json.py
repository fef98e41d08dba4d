"""Compact JSON text (no spaces, non-ASCII kept as is) from one encoder built once.

``json.dumps(value, ensure_ascii=False, separators=(",", ":"))`` builds a JSONEncoder and its C
encoder on every call, which is most of what a short value costs (3.6 -> 1.3 us for an event's
eleven fields, measured 2026-12-03). Called per event of the delivery log (chain.py) and per
SDK answer (api/responses.py). Same bytes as that json.dumps call for the values we encode
(strings, numbers, lists, dicts; no circular check): tests/eventlog/test_chain_bytes.py.
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable
from typing import Any

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _builder() -> Callable[[Any], str]:
    # The C encoder json.dumps itself uses; not in typeshed, absent without _json.
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return _ENCODER.encode
    # (markers: no circular check, default, string encoder, indent, key and item separators,
    # sort_keys, skipkeys, allow_nan): what JSONEncoder.iterencode passes for these options.
    encode = make(
        None, _ENCODER.default, json.encoder.encode_basestring, None, ":", ",", False, False, True
    )
    return lambda value: "".join(encode(value, 0))


dumps: Callable[[Any], str] = _builder()
