"""/admin/openapi.json: the admin API described (OpenAPI 3.0.3), schemas built from the rows.

The response schemas come from the store's row dataclasses (axis/store/console_rows.py), so
the document cannot drift from what the handlers serialise; tests/console/test_admin_schemathesis.py
fuzzes every route against it.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

from axis.eventlog.event import EventRow as LogEvent
from axis.store import console_rows as rows
from axis.store.base import DocumentRef, RecipientState, SystemRow
from axis.store.console_queries import MAX_PAGE

_SCALARS: dict[Any, dict[str, Any]] = {str: {"type": "string"}, int: {"type": "integer"}}


def _schema(kind: Any) -> dict[str, Any]:
    origin = typing.get_origin(kind)
    if kind in _SCALARS:
        return dict(_SCALARS[kind])
    if origin in (types.UnionType, typing.Union):
        inner = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        return {**_schema(inner[0]), "nullable": True}
    if origin is tuple:
        return {"type": "array", "items": _schema(typing.get_args(kind)[0])}
    if origin is dict:
        return {"type": "object", "additionalProperties": _schema(typing.get_args(kind)[1])}
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return {"$ref": f"#/components/schemas/{kind.__name__}"}
    raise TypeError(f"no schema for {kind!r}")


def _object(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    return {
        "type": "object",
        "properties": {name: _schema(hints[name]) for name in names},
        "required": names,
        "additionalProperties": False,
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(name: str) -> dict[str, Any]:
    return {"type": "array", "items": _ref(name)}


_NEXT = {"type": "string", "nullable": True, "description": "cursor of the next page (after=)"}
_AGENCY = {
    "type": "object",
    "properties": {
        name: {"type": "string"} for name in ("id", "name", "pid", "system_id", "upstream")
    },
    "required": ["id", "name", "pid", "system_id", "upstream"],
    "additionalProperties": False,
}
_ERROR = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "slug": {"type": "string"},
        "reason": {"type": "string"},
    },
    "required": ["code", "slug", "reason"],
}


def _param(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string", "maxLength": 200, **schema},
    }


_PAGE = [
    _param("after", "cursor from the previous page's next"),
    {"name": "limit", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}},
]  # fmt: skip
_SEARCH = [
    _param("hub_id", "the hub's id of the package"),
    _param("document_id", "MessageHeader/DocumentId"),
    _param("notation", "số, ký hiệu, e.g. 12/UBND-VP"),
    _param("sender", "From OrganId"),
    _param("recipient", "a To OrganId"),
    _param("subject", "a substring of the subject"),
    _param("since", "first day, YYYY-MM-DD (UTC)", format="date"),
    _param("until", "last day, YYYY-MM-DD (UTC)", format="date"),
    _param("message_type", "edoc | status", enum=["edoc", "status"]),
    _param("state", "a recipient's transport state", enum=["queued", "fetched", "done", "fail"]),
    _param("biz_status", "a recipient's latest business status, e.g. 01", pattern="^[0-9]{2}$"),
]


def _get(summary: str, body: dict[str, Any], params: list[dict[str, Any]] | None = None,
         not_found: bool = False) -> dict[str, Any]:  # fmt: skip
    error = {"description": "refused (catalogued code)",
             "content": {"application/json": {"schema": _ref("Error")}}}  # fmt: skip
    responses: dict[str, Any] = {
        "200": {"description": "OK", "content": {"application/json": {"schema": body}}},
        "400": error,
        "401": error,
    }
    if not_found:
        responses["404"] = error
    return {
        "get": {
            "summary": summary,
            "parameters": params or [],
            "security": [{"token": []}],
            "responses": responses,
        }
    }


def _body(**properties: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def document() -> dict[str, Any]:
    classes = [
        rows.RecipientLine, rows.DocumentHit, rows.DeliveryRow, rows.EventRow, rows.StatusRow,
        rows.QueueLine, rows.WaitingRow, rows.RefusalCodeLine, rows.RefusalRow, rows.HubCounts,
        DocumentRef, SystemRow,
    ]  # fmt: skip
    schemas: dict[str, Any] = {cls.__name__: _object(cls) for cls in classes}
    schemas.update(RecipientState=_object(RecipientState), LogEvent=_object(LogEvent))
    schemas.update(Agency=_AGENCY, Error=_ERROR)
    detail = _object(rows.DocumentDetail)["properties"]
    paths = {
        "/admin/documents": _get(
            "Search documents, newest first",
            _body(documents=_array("DocumentHit"), next=_NEXT),
            _SEARCH + _PAGE,
        ),
        "/admin/documents/{doc_id}": {
            "get": {
                **_get(
                    "One document with its deliveries, events and statuses",
                    _body(document=_ref("DocumentRef"), **detail),
                    not_found=True,
                )["get"],
                "parameters": [
                    {
                        "name": "doc_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "maxLength": 200},
                    }
                ],
            }
        },
        "/admin/queue": _get(
            "Open deliveries per destination and state", _body(queue=_array("QueueLine"))
        ),
        "/admin/deliveries": _get(
            "Deliveries in one open state, oldest first",
            _body(state={"type": "string"}, deliveries=_array("WaitingRow"), next=_NEXT),
            [
                _param(
                    "state", "queued | fetched | fail (default)", enum=["queued", "fetched", "fail"]
                ),
                *_PAGE,
            ],
        ),
        "/admin/overdue": _get(
            "Recipients without status 01 by the end of the working day, oldest first",
            _body(
                arrived_by={"type": "string"},
                total={"type": "integer"},
                deliveries=_array("WaitingRow"),
                next=_NEXT,
            ),
            _PAGE,
        ),
        "/admin/refusals": _get(
            "Refusals per code, and the newest refusals (of one code)",
            _body(codes=_array("RefusalCodeLine"), refusals=_array("RefusalRow"), next=_NEXT),
            [
                _param(
                    "code",
                    "a result code such as 5.3.9",
                    pattern=r"^[245]\.[0-9]{1,2}\.[0-9]{1,3}$",
                ),
                *_PAGE,
            ],
        ),
        "/admin/agencies": _get(
            "The directory by id",
            _body(agencies=_array("Agency"), next=_NEXT),
            [_param("prefix", "ids starting with this"), *_PAGE],
        ),
        "/admin/systems": _get("Connected systems", _body(systems=_array("SystemRow"))),
        "/admin/stats": _get("Exact totals from the store", _ref("HubCounts")),
        "/admin/trace": _get(
            "This hub's part of a document's story across hubs (axis trace --hub)",
            _body(
                hub={"type": "string"},
                hop={"type": "string"},
                query={"type": "string"},
                documents=_array("DocumentRef"),
                recipients={"type": "object", "additionalProperties": _array("RecipientState")},
                events=_array("LogEvent"),
            ),
            [{**_param("doc", "hub DocId or edXML DocumentId", minLength=1), "required": True}],
            not_found=True,
        ),
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "axis admin API", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
    }
