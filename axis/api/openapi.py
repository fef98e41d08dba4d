"""The hub's HTTP API as an OpenAPI 3.0 document, built from code and served at GET /openapi.json.

Sits beside the operations (axis/api/app.py): it describes every operation the hub serves
(docs/domain.md §6: POST /<operation>, parameters as XroadVnpt-* headers, SDK JSON answers) and the
two GET routes. Error answers are built from the code catalogue (axis/errors.py): every HTTP
status a catalogue code can carry is listed, with the FAIL body and the code's id, so the
document cannot drift from what the hub can actually answer. tests/attacks/test_schemathesis.py
runs schemathesis against it with valid, per-request HMAC credentials.
"""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple

from aiohttp import web

from axis.errors import CATALOGUE

Schema = dict[str, Any]
JSON = "application/json"
STRING: Schema = {"type": "string"}

# Every request's authentication headers (docs/domain.md §6); the HMAC covers sign-header's bytes.
AUTH_HEADERS: tuple[tuple[str, str], ...] = (
    ("systemid", "The calling system (connection centre) id, e.g. 00.47.W00."),
    ("timestamp", "Client local time ddMMyyyyTHHmmss+NNNN (NNNN = milliseconds, no zone)."),
    ("sign-header-key", "The signed parameter names without prefix, joined by ';'."),
    ("sign-header", "Compact JSON: prefixed header name -> value, for each signed name."),
    ("hash-header", "Lower-case hex HMAC-SHA256 of sign-header's bytes, keyed by the secret."),
)
OPTIONAL_AUTH_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Type", "A copy of the request's Content-Type."),
    ("version", "The SDK protocol version, 3.0.201608."),
)
PAGING = (
    ("limit", "Optional page size (a non-negative integer).", False),
    ("offset", "Optional rows to skip (a non-negative integer).", False),
)
MESSAGE_TYPE = ("messagetype", "edoc (documents) or status (business receipts).", False)


# Parameter values the operations accept (anything else is 5.1.5); required ones are non-empty.
VALUES: dict[str, Schema] = {
    "messagetype": {"type": "string", "enum": ["edoc", "status"]},
    "status": {"type": "string", "enum": ["done", "fail"]},
    "limit": {"type": "string", "pattern": "^[0-9]{1,6}$"},
    "offset": {"type": "string", "pattern": "^[0-9]{1,6}$"},
}


def _header(name: str, description: str, required: bool) -> Schema:
    schema = VALUES.get(name) or ({"type": "string", "minLength": 1} if required else STRING)
    return {
        "name": f"XroadVnpt-{name}",
        "in": "header",
        "required": required,
        "description": description,
        "schema": schema,
    }


def _auth_parameters() -> list[Schema]:
    required = [_header(name, text, True) for name, text in AUTH_HEADERS]
    return required + [_header(name, text, False) for name, text in OPTIONAL_AUTH_HEADERS]


def _success(fields: dict[str, Schema], required: tuple[str, ...] = ()) -> Schema:
    return {
        "type": "object",
        "required": ["status", "ErrorCode", "ErrorDesc", *required],
        "properties": {
            "status": {"type": "string", "enum": ["OK"]},
            "ErrorCode": {"type": "string", "enum": ["0"]},
            "ErrorDesc": STRING,
            **fields,
        },
    }


def _failure(http: int) -> Schema:
    codes = sorted(c.code for c in CATALOGUE.values() if c.http == http and c.klass != 2)
    return {
        "type": "object",
        "required": ["status", "ErrorCode", "ErrorDesc", "code"],
        "properties": {
            "status": {"type": "string", "enum": ["FAIL"]},
            "ErrorCode": {"type": "string", "enum": codes},
            "ErrorDesc": STRING,
            "code": {"type": "string", "description": "The catalogue code's name."},
        },
    }


def _responses(ok: Schema) -> Schema:
    responses: Schema = {"200": {"description": "Success.", "content": {JSON: {"schema": ok}}}}
    for http in sorted({c.http for c in CATALOGUE.values() if c.klass != 2}):
        body = {
            "description": f"Refused (HTTP {http}).",
            "content": {JSON: {"schema": _failure(http)}},
        }
        if http == 503:
            body["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
        responses[str(http)] = body
    return responses


def _rows(properties: tuple[str, ...]) -> Schema:
    row = {"type": "object", "properties": {name: STRING for name in properties}}
    return {"type": "array", "items": row}


WARNINGS: Schema = {
    "type": "array",
    "items": {"type": "object", "properties": {"code": STRING, "desc": STRING}},
}
INBOX_ROW = (
    "docId",
    "serviceType",
    "messageType",
    "created_time",
    "updated_time",
    "from",
    "to",
    "status",
    "status_desc",
)
SENT_ROW = (
    "senderDocId",
    "receiverDocId",
    "fromCode",
    "toCode",
    "sendStatus",
    "sendStatusDesc",
    "receiveStatus",
    "receiveStatusDesc",
    "receiveStatusTime",
    "sentTime",
    "receivedTime",
    "title",
    "notation",
)
AGENCY_ROW = ("id", "pid", "code", "name", "mail")
EMPTY_JSON: Schema = {"type": "object", "description": "The SDK sends {}; ignored."}
AGENCY_BODY: Schema = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {n: STRING for n in ("id", "pcode", "code", "name", "mail", "mobile", "fax")},
}


class Op(NamedTuple):
    """One operation: its parameter headers, request body and success fields."""

    summary: str
    params: list[tuple[str, str, bool]]  # (header name without prefix, description, required)
    body: tuple[str, Schema] | None  # (media type, schema)
    fields: dict[str, Schema]
    required: tuple[str, ...]


OPERATIONS: dict[str, Op] = {
    "sendEdoc": Op(
        "Send a package (edoc or status); answered after the durable commit.",
        [
            ("servicetype", "eDoc.", False),
            ("messagetype", "edoc or status.", True),
            ("from", "The sending agency (must be served by the caller).", True),
            ("hash-file", "SHA-256 of the body, hex, Java-style unpadded or 64 digits.", True),
        ],
        ("application/octet-stream", {"type": "string", "format": "binary"}),
        {"DocId": STRING, "code": STRING, "warnings": WARNINGS},
        ("DocId",),
    ),
    "getReceivedEdocList": Op(
        "List deliveries addressed to the caller's agencies.",
        [("servicetype", "eDoc.", False), MESSAGE_TYPE, *PAGING],
        None,
        {"data": _rows(INBOX_ROW)},
        ("data",),
    ),
    "getEdoc": Op(
        "Fetch one delivery's package (base64).",
        [
            ("docId", "The delivery id from the received list.", True),
            ("filePath", "The client's own save folder; ignored.", False),
        ],
        (JSON, EMPTY_JSON),
        {"data": {"type": "string", "format": "byte"}, "docId": STRING},
        ("data",),
    ),
    "updateStatus": Op(
        "Acknowledge a fetched delivery: done or fail.",
        [
            ("docid", "The delivery id.", True),
            ("status", "done or fail.", True),
            ("error", "Why, when status is fail.", False),
        ],
        (JSON, EMPTY_JSON),
        {},
        (),
    ),
    "getSentEdocList": Op(
        "Per recipient of what the caller's agencies sent: transport and business state.",
        list(PAGING),
        None,
        {"data": _rows(SENT_ROW)},
        ("data",),
    ),
    "countReceiveEdoc": Op(
        "Count documents waiting.",
        [MESSAGE_TYPE],
        None,
        {"count": {"type": "integer"}},
        ("count",),
    ),
    "countReceiveStatus": Op(
        "Count statuses waiting.",
        [MESSAGE_TYPE],
        None,
        {"count": {"type": "integer"}},
        ("count",),
    ),
    "getAgenciesList": Op(
        "The directory.",
        list(PAGING),
        None,
        {"data": _rows(AGENCY_ROW)},
        ("data",),
    ),
    "registerAgency": Op(
        "Register an agency under the caller.",
        [],
        (JSON, AGENCY_BODY),
        {"id": STRING},
        (),
    ),
    "deleteAgency": Op(
        "Delete an agency the caller serves.",
        [],
        (JSON, {"type": "object", "properties": {"id": STRING, "code": STRING}}),
        {"id": STRING},
        (),
    ),
    "getReceipt": Op(
        "The hub-signed transport receipt (XML, base64) for a document the caller sent.",
        [("docId", "The DocId sendEdoc answered.", True)],
        None,
        {"DocId": STRING, "data": {"type": "string", "format": "byte"}},
        ("DocId", "data"),
    ),
}


def _operation(name: str) -> Schema:
    summary, params, body, fields, required = OPERATIONS[name]
    operation: Schema = {
        "operationId": name,
        "summary": summary,
        "parameters": _auth_parameters() + [_header(n, d, r) for n, d, r in params],
        "responses": _responses(_success(fields, required)),
    }
    if body is not None:
        media, schema = body
        operation["requestBody"] = {"required": True, "content": {media: {"schema": schema}}}
    return operation


def _get(summary: str, ok: Schema) -> Schema:
    return {"get": {"summary": summary, "responses": _responses(ok)}}


@cache
def document() -> Schema:
    """The OpenAPI 3.0 document (built once; the operations are fixed in code)."""
    paths: Schema = {f"/{name}": {"post": _operation(name)} for name in OPERATIONS}
    paths["/healthz"] = _get("Liveness: the store answers reads.", _success({"service": STRING}))
    paths["/openapi.json"] = _get("This document.", {"type": "object"})
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "axis hub (VXP SDK 2.0.1 wire protocol)",
            "version": "0.1.0",
            "description": "Every operation is a POST; parameters travel as XroadVnpt-* headers "
            "authenticated by an HMAC-SHA256 over XroadVnpt-sign-header (docs/domain.md §6).",
        },
        "paths": paths,
    }


async def serve(request: web.Request) -> web.Response:
    """GET /openapi.json (no authentication: it describes, it reveals no data)."""
    return web.json_response(document())
