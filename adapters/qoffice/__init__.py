"""A Q-Office-style agency document service: registers, clerk actions, its own HTTP API,
and the pull/push link to the hub over the SDK wire protocol (adapters/README.md)."""
