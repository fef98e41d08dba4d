"""Synthetic edXML packages of a chosen size, shaped like the VNPT SDK's (samples/vnpt).

Written from a text template rather than with axis's own builder, so the benchmark does not
depend on the code it measures. The attachment is random bytes, base64-encoded, sized so the
whole package lands near the requested size.
"""

from __future__ import annotations

import base64
import os
import uuid
from datetime import datetime
from xml.sax.saxutils import escape

TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">
  <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        <edXML:From>
          <edXML:OrganId>{sender}</edXML:OrganId>
          <edXML:OrganName>Cơ quan gửi {sender}</edXML:OrganName>
        </edXML:From>
{recipients}
        <edXML:DocumentId>{document_id}</edXML:DocumentId>
        <edXML:Code>
          <edXML:CodeNumber>{number}</edXML:CodeNumber>
          <edXML:CodeNotation>UBND-VP</edXML:CodeNotation>
        </edXML:Code>
        <edXML:PromulgationInfo>
          <edXML:Place>Tam Kỳ</edXML:Place>
          <edXML:PromulgationDate>{date}</edXML:PromulgationDate>
        </edXML:PromulgationInfo>
        <edXML:DocumentType>
          <edXML:Type>1</edXML:Type>
          <edXML:TypeDetail>0</edXML:TypeDetail>
          <edXML:TypeName>Công văn</edXML:TypeName>
        </edXML:DocumentType>
        <edXML:Subject>V/v kiểm thử hiệu năng trục liên thông {number}</edXML:Subject>
        <edXML:Content>Văn bản kiểm thử tải</edXML:Content>
        <edXML:SignerInfo>
          <edXML:Competence>KT. CHỦ TỊCH</edXML:Competence>
          <edXML:Position>Phó Chủ tịch</edXML:Position>
          <edXML:FullName>Nguyễn Văn A</edXML:FullName>
        </edXML:SignerInfo>
        <edXML:DueDate></edXML:DueDate>
        <edXML:OtherInfo>
          <edXML:Priority>0</edXML:Priority>
          <edXML:SphereOfPromulgation>Liên thông văn bản quốc gia</edXML:SphereOfPromulgation>
          <edXML:TyperNotation>VT</edXML:TyperNotation>
          <edXML:PromulgationAmount>1</edXML:PromulgationAmount>
          <edXML:PageAmount>1</edXML:PageAmount>
        </edXML:OtherInfo>
        <edXML:SteeringType>1</edXML:SteeringType>
      </edXML:MessageHeader>
      <edXML:TraceHeaderList>
        <edXML:TraceHeader>
          <edXML:OrganId>{sender}</edXML:OrganId>
          <edXML:Timestamp>{timestamp}</edXML:Timestamp>
        </edXML:TraceHeader>
        <edXML:Bussiness>
          <edXML:BussinessDocType>0</edXML:BussinessDocType>
          <edXML:BussinessDocReason>Văn bản mới</edXML:BussinessDocReason>
          <edXML:Paper>0</edXML:Paper>
        </edXML:Bussiness>
      </edXML:TraceHeaderList>
    </edXML:edXMLHeader>
    <edXML:edXMLBody>
      <edXML:edXMLManifest version="1.0">
        <edXML:Reference>
          <edXML:ContentId>cid:{cid}</edXML:ContentId>
          <edXML:ContentType>application/pdf</edXML:ContentType>
          <edXML:Description>Văn bản</edXML:Description>
          <edXML:AttachmentName>vanban.SIGNED.pdf</edXML:AttachmentName>
        </edXML:Reference>
      </edXML:edXMLManifest>
    </edXML:edXMLBody>
  </edXML:edXMLEnvelope>
  <AttachmentEncoded>
    <Attachment>
      <ContentId>cid:{cid}</ContentId>
      <AttachmentName>vanban.SIGNED.pdf</AttachmentName>
      <Description>Văn bản</Description>
      <ContentType>application/pdf</ContentType>
      <ContentTransferEncoded>{content}</ContentTransferEncoded>
    </Attachment>
  </AttachmentEncoded>
</edXML>
"""

RECIPIENT = """        <edXML:To>
          <edXML:OrganId>{organ_id}</edXML:OrganId>
          <edXML:OrganName>Cơ quan nhận {organ_id}</edXML:OrganName>
        </edXML:To>"""

_SKELETON = len(TEMPLATE.encode()) + 600  # the template plus typical field values
# What an enveloped signature with a two-certificate chain adds (RSA-2048 dev PKI, measured).
SIGNATURE_KB = 4.0


def attachment_bytes_for(size_kb: float, recipients: int) -> int:
    """Raw attachment size that brings the package to about ``size_kb`` KiB."""
    overhead = _SKELETON + recipients * 140
    return max(64, int((size_kb * 1024 - overhead) * 3 / 4))


def make_package(
    sender: str, recipients: list[str], *, size_kb: float = 10, number: int = 1
) -> bytes:
    """An unsigned document package (BussinessDocType 0) of about ``size_kb`` KiB."""
    now = datetime.now()
    raw = os.urandom(attachment_bytes_for(size_kb, len(recipients)))
    text = TEMPLATE.format(
        sender=escape(sender),
        recipients="\n".join(RECIPIENT.format(organ_id=escape(r)) for r in recipients),
        document_id=f"{sender},{now:%Y/%m/%d},{number}/UBND-VP-{uuid.uuid4().hex[:12]}",
        number=number,
        date=f"{now:%Y/%m/%d}",
        timestamp=f"{now:%Y/%m/%d %H:%M:%S}",
        cid=uuid.uuid4(),
        content=base64.b64encode(raw).decode(),
    )
    return text.encode()
