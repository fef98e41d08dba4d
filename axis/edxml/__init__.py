"""The edXML toolkit (QCVN 102:2016): load -> parse -> validate, and build.

Intake calls, in order: load(bytes) (hardened XML), parse(root) (typed model),
Validator.validate(root, pkg) (XSD + content rules). Senders call build(pkg). Nothing here
imports aiohttp or touches the store.
"""

from axis.edxml.build import build
from axis.edxml.load import NS, Loaded, load, load_file
from axis.edxml.model import (
    Attachment,
    Business,
    BussinessDocumentInfo,
    Code,
    DocumentPackage,
    DocumentType,
    Organization,
    OtherInfo,
    PromulgationInfo,
    Receiver,
    Reference,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusPackage,
    TraceHeader,
)
from axis.edxml.parse import parse
from axis.edxml.validate import Validator

__all__ = [
    "NS",
    "Attachment",
    "Business",
    "BussinessDocumentInfo",
    "Code",
    "DocumentPackage",
    "DocumentType",
    "Loaded",
    "Organization",
    "OtherInfo",
    "PromulgationInfo",
    "Receiver",
    "Reference",
    "ReplacementInfo",
    "ResponseFor",
    "SignerInfo",
    "StaffInfo",
    "StatusPackage",
    "TraceHeader",
    "Validator",
    "build",
    "load",
    "load_file",
    "parse",
]
