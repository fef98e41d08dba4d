"""Crash-safe file operations: no reader ever sees a half-written file.

A file is written under a temporary dot-name in the destination folder, fsynced, renamed onto
its final name and the folder fsynced; a move is one rename (same file system) followed by
fsyncs of both folders. Leftover temporaries (a crash mid-write) are removed at start.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

TEMP_SUFFIX = ".part"


def is_temporary(path: Path) -> bool:
    return path.name.startswith(".") or path.name.endswith(TEMP_SUFFIX)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, before_rename: Callable[[], None] = lambda: None) -> None:
    tmp = path.with_name(f".{path.name}{TEMP_SUFFIX}")
    with tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    before_rename()
    os.replace(tmp, path)
    fsync_dir(path.parent)


def move(source: Path, target: Path) -> None:
    os.replace(source, target)
    fsync_dir(target.parent)
    fsync_dir(source.parent)


def remove_temporaries(*folders: Path) -> int:
    removed = 0
    for folder in folders:
        for path in folder.iterdir():
            if path.is_file() and is_temporary(path):
                path.unlink()
                removed += 1
    return removed
