"""Per-stage costs of the intake's library work, one core, no HTTP: where a package's time goes.

Stages: load (hardened parse to a tree), parse (typed model), schema + content rules, signature
verify (with the certificate chain, cached per signer as in the hub), SHA-256, and the whole
Checker.check that the hub runs. Best of several rounds, milliseconds per package.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from axis.edxml import Validator, load, parse
from axis.pki import devpki
from axis.pki.trust import TrustStore
from axis.pki.xmldsig import sign, verify
from tests.support.packages import SIGNATURE_KB, make_package

SENDER = "000.00.00.H47"


def best_ms(fn: Callable[[], object], calls: int, rounds: int = 5) -> float:
    best = float("inf")
    for _ in range(rounds):
        began = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - began) / calls * 1000)
    return best


def stage_costs(size_kb: float, key_type: str = "rsa") -> dict[str, float]:
    from axis import config as config_mod
    from axis.intake.checker import Checker

    with tempfile.TemporaryDirectory(prefix="axis-stages-") as tmp:
        pki = devpki.init(Path(tmp) / "pki", [(SENDER, "Sender")], key_type=key_type)
        paths = pki.agency(SENDER)
        data = sign(
            make_package(SENDER, ["000.00.00.G22"], size_kb=size_kb - SIGNATURE_KB),
            paths.key.read_bytes(),
            paths.cert.read_bytes(),
            chain_pem=paths.chain.read_bytes(),
        )
        trust = TrustStore.load(pki.trust_dir)
        cfg = config_mod.from_dict({"intake": {"policy": "strict"}})
        checker = Checker(cfg, trust)
        validator = Validator("strict")
        root = load(data, policy="strict").root
        package = parse(root)
        calls = 200 if size_kb < 50 else 50
        costs = {
            "load": best_ms(lambda: load(data, policy="strict"), calls),
            "parse": best_ms(lambda: parse(root), calls),
            "schema+rules": best_ms(lambda: validator.validate(root, package), calls),
            "verify": best_ms(
                lambda: verify(root, mode="required", trust=trust, expected_agency=SENDER), calls
            ),
            "sha256": best_ms(lambda: hashlib.sha256(data).hexdigest(), calls),
            "check (all)": best_ms(lambda: checker.check(data), calls),
        }
    return {"size_kb": round(len(data) / 1024, 1), "key": key_type, **costs}


def main() -> list[dict[str, float]]:
    rows = [stage_costs(kb, key) for kb in (10, 136) for key in ("rsa", "ec")]
    names = [k for k in rows[0] if k not in ("size_kb", "key")]
    print(f"{'package':14}" + "".join(f"{n:>14}" for n in names) + "   (ms per package, one core)")
    for row in rows:
        label = f"{row['size_kb']}KB {row['key']}"
        print(f"{label:14}" + "".join(f"{row[n]:14.3f}" for n in names))
    return rows


if __name__ == "__main__":
    main()
