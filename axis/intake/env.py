"""What the intake stages share for the life of the daemon: config, store, directory, checker.

Built once at start by the API app (no per-request PKI or schema reload).
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

from axis.config import Config
from axis.directory import Directory
from axis.intake.checker import Checker
from axis.store.base import Store


@dataclass(frozen=True)
class Env:
    cfg: Config
    store: Store
    directory: Directory
    checker: Checker
    executor: Executor
