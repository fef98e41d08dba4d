"""Signature verification cost: axis's verify() end to end, and libxmlsec vs signxml.

Run: .venv/bin/python -m bench.pki_bench. Prints per-call milliseconds (best of 5 rounds) for
10 KB and 136 KB packages with RSA-2048 and P-256 agency keys from a throwaway dev PKI.
The library comparison uses a plain enveloped signature (signxml has no XPath Filter 2.0).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import xmlsec
from lxml import etree
from signxml import XMLSigner, XMLVerifier, methods

from axis.pki import devpki
from axis.pki.signing import parse
from axis.pki.trust import TrustStore
from axis.pki.xmldsig import sign, verify
from tests.support.packages import make_package

SENDER = "000.00.00.H47"
DS = "http://www.w3.org/2000/09/xmldsig#"


def per_call_ms(fn: Callable[[], object], calls: int) -> float:
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - start) / calls)
    return best * 1e3


def library_comparison(paths: devpki.CertPaths, data: bytes, key_type: str) -> tuple[float, float]:
    method = "rsa-sha256" if key_type == "rsa" else "ecdsa-sha256"
    signer = XMLSigner(method=methods.enveloped, signature_algorithm=method)
    signer.c14n_algorithm = "http://www.w3.org/2001/10/xml-exc-c14n#"
    cert = paths.cert.read_text()
    signed = etree.tostring(signer.sign(parse(data), key=paths.key.read_bytes(), cert=cert))
    root = parse(signed)
    node = root.find(f".//{{{DS}}}Signature")
    key = xmlsec.Key.from_memory(paths.cert.read_bytes(), xmlsec.KeyFormat.CERT_PEM)

    def with_xmlsec() -> None:
        ctx = xmlsec.SignatureContext()
        ctx.key = key
        ctx.verify(node)

    def with_signxml() -> None:
        XMLVerifier().verify(root, x509_cert=cert)

    return per_call_ms(with_xmlsec, 200), per_call_ms(with_signxml, 20)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        print("keys    size    package  verify()  (xmlsec raw  signxml raw)")
        for key_type in ("rsa", "ec"):
            pki = devpki.init(Path(tmp) / key_type, [(SENDER, "Quảng Nam")], key_type=key_type)
            trust = TrustStore.load(pki.trust_dir)
            paths = pki.agency(SENDER)
            for size_kb in (10, 136):
                data = make_package(SENDER, ["000.00.00.G22"], size_kb=size_kb)
                signed = sign(
                    data, paths.key.read_bytes(), paths.cert.read_bytes(),
                    chain_pem=paths.chain.read_bytes(),
                )  # fmt: skip
                root = parse(signed)

                def full(root: etree._Element = root, trust: TrustStore = trust) -> None:
                    verify(root, mode="required", trust=trust, expected_agency=SENDER)

                full()
                ms = per_call_ms(full, 200)
                raw_xmlsec, raw_signxml = library_comparison(paths, data, key_type)
                label = "RSA-2048" if key_type == "rsa" else "P-256"
                print(
                    f"{label:8} {size_kb:4} KB {len(signed):8} B {ms:7.3f} ms"
                    f"  ({raw_xmlsec:.3f} ms  {raw_signxml:.3f} ms)"
                )


if __name__ == "__main__":
    main()
