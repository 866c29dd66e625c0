"""From paths to clean, structured documents: read → clean → describe → structure."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from zongjie.corpus.clean import clean, furniture_dates
from zongjie.corpus.document import Document, RawDocument
from zongjie.corpus.meta import describe
from zongjie.corpus.read import ReadFailure, iter_files, read_file
from zongjie.corpus.structure import structure
from zongjie.errors import ReadError


def documents_of(raw: RawDocument) -> list[Document]:
    """Clean one reader's output into documents with metadata, sections and sentences."""
    dates = furniture_dates(raw)
    out = []
    for doc in clean(raw):
        doc.meta = describe(doc, raw.hints, dates)
        structure(doc)
        out.append(doc)
    return out


def read_path(path: str | Path, **options) -> Iterator[Document | ReadFailure]:
    """Every document in one file (or every member of an archive), failures yielded in place."""
    for item in read_file(Path(path), **options):
        if isinstance(item, ReadFailure):
            yield item
            continue
        docs = documents_of(item)
        if not docs:
            yield ReadFailure(item.source, item.member, "clean", "empty", "EmptyDocument",
                              "no text left after removing page furniture")
        yield from docs


def read_paths(paths: Iterable[str | Path], **options) -> Iterator[Document | ReadFailure]:
    """Every document under ``paths`` (files and folders, walked recursively)."""
    for path in iter_files([Path(p) for p in paths]):
        yield from read_path(path, **options)


def read(path: str | Path, *, on_error: str = "raise", **options) -> Iterator[Document]:
    """Documents from a file or folder.

    Args:
        path: a file (.docx .doc .wps .pdf .txt .html .jsonl .csv .zip) or a folder.
        on_error: ``raise`` to stop at the first file that cannot be read,
            ``skip`` to pass over it (``zongjie ingest`` records them instead).

    Example::

        >>> for doc in zongjie.read("reports/"):          # doctest: +SKIP
        ...     print(doc.meta.title, doc.meta.year)
        2025年河南省政府工作报告 2025
    """
    for item in read_paths([path], **options):
        if isinstance(item, ReadFailure):
            if on_error == "raise":
                raise ReadError(f"{item.source}{'!' + item.member if item.member else ''}: {item.reason}: {item.message}",
                                path=item.source)
            continue
        yield item


def read_text(text: str, *, title: str | None = None, year: int | None = None, source: str = "<text>") -> list[Document]:
    """Documents from a string, as if read from a .txt file (handy in notebooks and tests).

    >>> doc = read_text("2023年卫生局上半年工作总结\\n今年以来，建档率84%。")[0]
    >>> doc.meta.year, doc.meta.period
    (2023, 'H1')
    """
    from zongjie.corpus.document import Block

    hints = {k: v for k, v in (("title", title), ("year", year)) if v is not None}
    raw = RawDocument([Block(line) for line in text.split("\n")], source, "txt", hints=hints)
    return documents_of(raw)
