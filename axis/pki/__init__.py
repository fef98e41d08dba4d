"""Signatures and the PKI behind them: the intake's signature stage calls into this package.

- ``xmldsig``: verify (intake) and sign (``axis sign``, tests, demo senders) enveloped XMLDSig
  over a whole edXML package (docs/domain.md §4).
- ``trust``: the trust store: anchors, intermediates, CRLs; path validation with a cache.
- ``agency_cert``: where a signing certificate names its agency.
- ``devpki``: the TEST PKI generated at run time (``axis pki init``); never real keys.
"""
