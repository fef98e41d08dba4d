"""Benchmarks and chaos runs: `make bench`, `make chaos`. Black-box over the SDK-compatible API."""
