"""Tell what a file is from its first bytes, then from its name.

Magic bytes win over the extension: a .doc that is really a .docx (WPS saves
those) is read as a docx, and binary junk named .txt is refused rather than
stored as mojibake.

    >>> detect_format(Path("2025年上海市政府工作报告.docx"))   # doctest: +SKIP
    'docx'

Formats returned: ``docx``, ``doc``, ``wps``, ``odt``, ``zip``, ``pdf``,
``html``, ``jsonl``, ``json``, ``csv``, ``txt``. Anything else raises
:class:`~zongjie.errors.UnsupportedFormat` (or ``EncryptedFile`` for a
password-protected Office file).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from zongjie.errors import EncryptedFile, UnsupportedFormat

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

# Formats we recognise only to name them in the error message.
_OTHER_MAGICS = {
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"II*\x00": "TIFF image",
    b"MM\x00*": "TIFF image",
    b"7z\xbc\xaf\x27\x1c": "7-Zip archive",
    b"Rar!": "RAR archive",
    b"\x1f\x8b": "gzip file",
    b"BZh": "bzip2 file",
    b"{\\rtf": "RTF document",
    b"\x7fELF": "executable",
    b"MZ": "executable",
}

_EXT_FORMATS = {
    ".docx": "docx",
    ".docm": "docx",
    ".doc": "doc",
    ".wps": "wps",
    ".odt": "odt",
    ".zip": "zip",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "txt",
    ".md": "txt",
    ".text": "txt",
}

_HTML_SNIFFS = (b"<!doctype html", b"<html", b"<body", b"<head")


def detect_format(path: Path) -> str:
    """The format of the file at ``path``, judged from content first.

    Args:
        path: a file on disk.

    Returns:
        one of the format names listed in the module docstring.

    Raises:
        UnsupportedFormat: images, other archives, binary junk.
        EncryptedFile: an OLE2 file holding an encrypted OOXML package.
    """
    path = Path(path)
    ext = path.suffix.lower()
    with open(path, "rb") as f:
        head = f.read(8192)
    if not head:
        # An empty file has no content to judge; its extension says which
        # reader should report it as empty.
        return _EXT_FORMATS.get(ext, "txt")
    if head.startswith(ZIP_MAGICS):
        return _detect_zip(path, ext)
    if head.startswith(OLE2_MAGIC):
        return _detect_ole2(path, ext)
    if head.lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    for magic, name in _OTHER_MAGICS.items():
        if head.startswith(magic):
            raise UnsupportedFormat(f"{name}, not a document", path=str(path))
    if _looks_binary(head):
        raise UnsupportedFormat(
            f"binary content in a file named {path.name!r}: not text and no known document signature",
            path=str(path),
        )
    sniff = head[:1024].lower()
    if ext in (".jsonl", ".ndjson", ".json", ".csv", ".tsv"):
        return _EXT_FORMATS[ext]
    if any(s in sniff for s in _HTML_SNIFFS) or ext in (".html", ".htm", ".xhtml", ".shtml"):
        return "html"
    return "txt"


def _detect_zip(path: Path, ext: str) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "mimetype" in names:
                mimetype = zf.read("mimetype")[:100]
            else:
                mimetype = b""
    except (zipfile.BadZipFile, OSError, EOFError):
        # A truncated docx still has the zip signature; let the reader named by
        # the extension report it as corrupt.
        return _EXT_FORMATS.get(ext, "zip") if ext in (".docx", ".docm", ".zip", ".odt") else "zip"
    if "word/document.xml" in names:
        return "docx"
    if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
        return "odt"
    if "xl/workbook.xml" in names:
        raise UnsupportedFormat("an Excel workbook (.xlsx), not a document", path=str(path))
    if "ppt/presentation.xml" in names:
        raise UnsupportedFormat("a PowerPoint deck (.pptx), not a document", path=str(path))
    if "[Content_Types].xml" in names:
        raise UnsupportedFormat("an OOXML package without word/document.xml", path=str(path))
    return "zip"


def _detect_ole2(path: Path, ext: str) -> str:
    # Stream names sit in the directory sectors as UTF-16LE; finding them in
    # the raw bytes spares a dependency on olefile. Encrypted OOXML packages
    # are small enough to scan whole.
    with open(path, "rb") as f:
        data = f.read(64 * 1024 * 1024)

    def has(name: str) -> bool:
        return name.encode("utf-16-le") in data

    if has("EncryptionInfo") and has("EncryptedPackage"):
        raise EncryptedFile("password-protected Office document (encrypted OOXML package)", path=str(path))
    if ext == ".wps" or has("WpsContent"):
        return "wps"
    if has("WordDocument"):
        return "doc"
    if has("Workbook") or has("Book"):
        raise UnsupportedFormat("an Excel 97 workbook (.xls), not a document", path=str(path))
    if has("PowerPoint Document"):
        raise UnsupportedFormat("a PowerPoint 97 deck (.ppt), not a document", path=str(path))
    if ext in (".doc", ".dot"):
        return "doc"
    raise UnsupportedFormat("an OLE2 compound file that is not a Word or WPS document", path=str(path))


def _looks_binary(head: bytes) -> bool:
    """True when bytes cannot be text in any encoding we read.

    UTF-16/32 text has NUL bytes, so a BOM or NULs in every other byte count
    as text; otherwise NULs or many C0 control bytes mean binary.
    """
    from zongjie.corpus.text import utf16_without_bom

    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False
    if utf16_without_bom(head):
        return False  # Chinese in UTF-16 has control-range bytes (各 = 04 54)
    if b"\x00" in head:
        even, odd = head[0::2], head[1::2]
        # UTF-16 without a BOM: ASCII-range text puts NULs on one side only.
        if even.count(0) > 0.3 * len(even) and odd.count(0) == 0:
            return False
        if odd.count(0) > 0.3 * len(odd) and even.count(0) == 0:
            return False
        return True
    controls = sum(1 for b in head if b < 0x20 and b not in (0x09, 0x0A, 0x0C, 0x0D, 0x1B))
    return controls > 0.01 * len(head)
