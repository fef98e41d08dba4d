"""Suite-wide: every package the suite builds, signs or forwards passes tests/support/nscheck.py.

Session-scoped and automatic: the package writers (axis.edxml.build.build, the signer
axis.pki.signing.sign, axis.edxml.trace.append_trace) are wrapped wherever a module holds a
reference to them, so each package any test or the in-process hub writes is checked: a
prefixed element redeclaring the default namespace, or an unused namespace declaration, that
axis added fails the test that wrote it (docs/domain.md §3: recipients' jdom2 library cannot
read such packages). For the signer and the trace, only what axis added counts: problems
already in the input are the sender's.
"""

from __future__ import annotations

import functools
import importlib
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support import nscheck

CHECKED: Counter[str] = Counter()  # how many packages each writer produced and passed
_LINE = re.compile(r" \(line \d+\)")


def _problems(data: bytes) -> Counter[str]:
    try:
        return Counter(_LINE.sub("", p) for p in nscheck.problems(data))
    except Exception:  # an input that does not parse has no baseline to compare with
        return Counter()


def _checked(name: str, writer: Callable[..., bytes], *, input_arg: bool) -> Callable[..., bytes]:
    @functools.wraps(writer)
    def wrapper(*args: Any, **kwargs: Any) -> bytes:
        out = writer(*args, **kwargs)
        added = _problems(out) - (_problems(args[0]) if input_arg else Counter())
        assert not added, f"{name} wrote namespace problems: {sorted(added)}"
        CHECKED[name] += 1
        return out

    return wrapper


def _rebind(original: object, replacement: object) -> list[tuple[object, str]]:
    """Point every loaded axis/tests/bench module's reference to ``original`` at ``replacement``."""
    rebound = []
    for module_name, module in list(sys.modules.items()):
        if module is None or not module_name.startswith(("axis", "tests", "bench")):
            continue
        for attr, value in list(vars(module).items()):
            if value is original:
                setattr(module, attr, replacement)
                rebound.append((module, attr))
    return rebound


@pytest.fixture(scope="session", autouse=True)
def namespace_checked_writers() -> Iterator[None]:
    # import_module: the package axis.edxml re-exports the function build under the
    # submodule's name, so attribute access would not reach the module.
    writers = [
        ("build", importlib.import_module("axis.edxml.build").build, False),
        ("sign", importlib.import_module("axis.pki.signing").sign, True),
        ("append_trace", importlib.import_module("axis.edxml.trace").append_trace, True),
    ]
    undo = []
    for name, writer, input_arg in writers:
        wrapper = _checked(name, writer, input_arg=input_arg)
        undo += [(module, attr, writer) for module, attr in _rebind(writer, wrapper)]
    yield
    for module, attr, writer in undo:
        setattr(module, attr, writer)


# The store backends (tests/support/backends.py): store_backend runs a test on SQLite and PostgreSQL.
from tests.support.backends import (  # noqa: E402
    on_backend,
    pg_dsn,
    pytest_collection_modifyitems,
    pytest_terminal_summary,
    store_backend,
)

__all__ = [
    "on_backend",
    "pg_dsn",
    "pytest_collection_modifyitems",
    "pytest_terminal_summary",
    "store_backend",
]
