"""The unit of work intake stages pass along: what arrived, and what each stage learned.

Built by the API's /sendEdoc handler after authentication; each stage in pipeline.STAGES fills
typed fields or raises Rejected. ``done`` stops the pipeline early (an idempotent retry).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from axis.directory import Route
from axis.errors import Finding
from axis.intake.checker import Checked
from axis.store.base import DocumentRef, StatusEffect


@dataclass
class Intake:
    data: bytes | Path  # the body, or the spool file holding a large one (axis/api/body.py)
    system_id: str  # the authenticated caller
    from_agency: str  # XroadVnpt-from
    message_type: str  # XroadVnpt-messagetype: edoc | status
    received_at: datetime
    request_id: str = ""  # the API's id for this request (refusal log line and table)
    # filled by the stages, in order
    check_result: Checked | None = None  # set by the check stage; read it as ``checked``
    routes: dict[str, Route] = field(default_factory=dict)
    recipients: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    duplicate_of: DocumentRef | None = None
    original_id: str | None = None
    status: StatusEffect | None = None
    pending: list[tuple[str, tuple[str, ...], int]] = field(default_factory=list)
    doc_id: str = ""
    done: bool = False

    @property
    def checked(self) -> Checked:
        """The package as the check stage left it; stages after ``check`` may rely on it."""
        assert self.check_result is not None, "stage order: check runs before this stage"
        return self.check_result
