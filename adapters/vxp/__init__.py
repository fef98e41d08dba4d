"""A reusable async client for the VXP SDK wire protocol (docs/domain.md §6)."""

from adapters.vxp.client import VxpClient, VxpError, java_hex_sha256, sdk_timestamp

__all__ = ["VxpClient", "VxpError", "java_hex_sha256", "sdk_timestamp"]
