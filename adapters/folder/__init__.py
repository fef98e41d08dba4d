"""A folder adapter for systems that can only exchange files (adapters/README.md)."""
