"""The ``hub-push`` delivery adapter: the national hub pushes down to a provincial hub.

Registered as entry point ``hub-push`` (pyproject.toml). A provincial hub is a connected system
of the national hub (``00.<n>.W00``); in push mode with this adapter the national hub POSTs each
package to the provincial hub's ``/bridge/push`` (axis/bridge/receive.py) instead of waiting for
the province to pull it (docs/tiers.md "Down by push"). The request is http-push's (the stored
bytes, signed with the province's SDK secret here, which is its ``upstream.secret``); the
provincial hub runs its own intake and answers only after its commit:

- 200 + its DocId: delivered, recorded as a ``forwarded`` hop ("forwarded to 00.41.W00 (DocId
  ... there)");
- 422 + the catalogued code it refused with: permanent, the sender sees the code and reason;
- 401 (our signature not accepted: the secrets disagree), 408, 429, 5xx, no answer: temporary,
  retried with a hub hop's backoff; nothing is lost while an operator fixes a secret;
- any other 4xx: permanent, as http-push.

Settings beyond http-push's: ``max_in_flight`` (default 16), ``lease_s`` (default 30; the
request's ``timeout_s`` defaults to 5 s less), ``retry_max_s`` (default 60): the hub hop's
Policy in the queue manager.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from axis.delivery import HopSettings, Outcome, Result
from axis.delivery.http_push import HttpPushAdapter, classify
from axis.errors import ConfigError

HOP_KEYS = {"max_in_flight": 16, "lease_s": 30.0, "retry_max_s": 60.0}
LEASE_MARGIN_S = 5.0


class HubPushAdapter(HttpPushAdapter):
    name: ClassVar[str] = "hub-push"
    hop: HopSettings

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> HubPushAdapter:
        where = f"delivery.systems.{settings.get('system_id', '?')}"
        hop: dict[str, Any] = {}
        for key, default in HOP_KEYS.items():
            value = settings.get(key, default)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ConfigError(f"{where}.{key} must be a number > 0, got {value!r}")
            hop[key] = type(default)(value)
        lease = hop["lease_s"]
        rest = {k: v for k, v in settings.items() if k not in HOP_KEYS}
        rest.setdefault("timeout_s", max(1.0, lease - LEASE_MARGIN_S))
        if float(rest["timeout_s"]) >= lease:
            raise ConfigError(f"{where}.timeout_s must be shorter than lease_s ({lease})")
        base = HttpPushAdapter.from_settings(rest)  # url, secret, timeout_s checked there
        secret = str(rest.get("secret", ""))
        adapter = cls(base.system_id, base.url, secret, float(rest["timeout_s"]))
        adapter.hop = HopSettings(**hop)
        return adapter

    def classify(self, status: int, text: str, retry_after: str | None) -> Result:
        answer = _json(text)
        if 200 <= status < 300:
            doc_id = str(answer.get("DocId", "")) or "?"
            detail = f"forwarded to {self.system_id} (DocId {doc_id} there)"
            return Result(Outcome.DELIVERED, detail, forwarded_to=self.system_id)
        if status == 422:
            code, desc = answer.get("ErrorCode", ""), answer.get("ErrorDesc", text.strip())
            return Result(Outcome.PERMANENT, f"refused by {self.system_id}: {code} {desc}"[:500])
        if status == 401:
            detail = f"{self.system_id} did not accept our signature: {text.strip()}"[:500]
            return Result(Outcome.TEMPORARY, detail)
        return classify(status, text, retry_after)


def _json(text: str) -> dict[str, Any]:
    try:
        found = json.loads(text)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
