"""The shapes a file takes on its way to a clean document.

A reader turns bytes into a ``RawDocument``: an ordered list of ``Block``s
(paragraphs, headings, table rows), each with the page it came from. Cleaning
turns a RawDocument into one or more ``Document``s whose ``text`` is what the
store keeps and what every offset points into.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Block:
    """One paragraph-like unit of a source file.

    ``kind`` is ``paragraph``, ``heading`` or ``table_row`` (cells joined by
    a tab). ``level`` is the heading level where the source states one
    (docx styles), ``page`` the 1-based PDF page.
    """

    text: str
    kind: str = "paragraph"
    level: int | None = None
    page: int | None = None


@dataclass
class RawDocument:
    """What a reader found in one file (or one row of a JSONL/CSV dump)."""

    blocks: list[Block]
    source: str  # path of the file on disk
    format: str  # docx, pdf, doc, wps, txt, html, jsonl, csv
    member: str | None = None  # path inside an archive, or row number in a dump
    hints: dict[str, Any] = field(default_factory=dict)  # title/year/url given by the container
    encoding: str | None = None


@dataclass
class Meta:
    title: str | None = None
    year: int | None = None
    year_masked: bool = False
    period: str | None = None  # FY, H1, H2, Q1..Q4, other
    doc_type: str | None = None  # summary, plan, report, other
    org: str | None = None
    published: str | None = None  # YYYY-MM-DD where the page states it

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "year": self.year,
            "year_masked": self.year_masked,
            "period": self.period,
            "doc_type": self.doc_type,
            "org": self.org,
            "published": self.published,
        }


@dataclass
class Span:
    """A stretch of a document's text: [start, end) character offsets."""

    start: int
    end: int


@dataclass
class Section:
    """A part of a document under one heading.

    ``role`` says what the part does: ``review`` (work done), ``problems``,
    ``plan`` (next steps, targets), or ``other``.
    """

    start: int
    end: int
    heading: str | None
    level: int
    role: str
    heading_end: int | None = None  # where the heading line ends, if any


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    section: int | None = None  # index into Document.sections
    page: int | None = None


@dataclass
class Document:
    """A clean document: the unit that is stored, searched and extracted from.

    ``text`` is the cleaned text (width-normalised, furniture removed);
    every offset zongjie reports points into it. ``raw_offsets`` maps a
    position in ``text`` back to the position in the reader's text as
    run-length pairs ``(text_offset, raw_offset)``: inside a run both advance
    together, so a fact can always be shown in the original.
    """

    text: str
    source: str
    format: str
    member: str | None = None
    article: str | None = None  # the heading line of an article split from a multi-article page
    meta: Meta = field(default_factory=Meta)
    pages: list[tuple[int, int, int]] = field(default_factory=list)  # (start, end, page) runs
    blocks: list[tuple[int, int, str, int | None]] = field(default_factory=list)  # (start, end, kind, level)
    sections: list[Section] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    raw_text: str = ""
    raw_offsets: list[tuple[int, int]] = field(default_factory=list)
    encoding: str | None = None
    # how scanned pages were read: {"engine", "dpi", "confidence", "pages": {page: confidence}}
    ocr: dict[str, Any] | None = None

    # (text, id) of the last hash: the store reads the id once a row, and hashing
    # megabytes of text each time cost the writer 40% of add_document
    _id_of: tuple[str, str] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def id(self) -> str:
        """A content hash: the same text from the same place is the same document."""
        if self._id_of is None or self._id_of[0] is not self.text:
            self._id_of = (self.text, hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:32])
        return self._id_of[1]

    def page_at(self, offset: int) -> int | None:
        for start, end, page in self.pages:
            if start <= offset < end:
                return page
        return None

    def raw_offset(self, offset: int) -> int:
        """The position in ``raw_text`` that ``offset`` in ``text`` came from."""
        best = (0, 0)
        for t, r in self.raw_offsets:
            if t > offset:
                break
            best = (t, r)
        return best[1] + (offset - best[0])
