"""The conformance kit: graded, scriptable checks that a hub (or, later, a DMS) speaks the
national axis's protocol and keeps its rules (docs/conformance.md).

Framework: ``registry`` (cases), ``runner`` (runs them, collects evidence), ``reports`` (JUnit,
HTML, the catalogue), ``progress`` (the live terminal view). Cases: ``hub/`` (one module per
area). The kit talks to its target only over the wire, with its own SDK client (``wire``): it
never imports the hub's server code, so a hub bug cannot be mirrored by the kit.
"""
