"""Where the real VNPT SDK sample packages live for tests: a byte-identical copy of
the SDK example's packages, kept in the repository (tests/data/vnpt), so a clean clone tests alone."""

from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "vnpt"
