"""One module per ``axis`` subcommand; each exposes ``register(subparsers)``."""
