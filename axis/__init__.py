"""axis: a document-interchange hub for edXML packages (QCVN 102:2016)."""

__version__ = "0.1.0"
