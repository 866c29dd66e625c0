"""The public entry points: find the files, read each into RawDocuments.

    >>> for path in iter_files(["archive/"]):
    ...     for item in read_file(path):
    ...         if isinstance(item, ReadFailure):
    ...             ...  # store item.reason with item.source / item.member
    ...         else:
    ...             ...  # clean the RawDocument

``read_file`` never raises for a bad file: each failure becomes a
:class:`ReadFailure` in the stream, in place of the document it would have
been, so one bad zip member or JSONL row does not lose the others.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from zongjie.corpus.archive import Limits, iter_members
from zongjie.corpus.detect import detect_format
from zongjie.corpus.document import RawDocument
from zongjie.errors import ConverterFailed, ConverterMissing, ReadError, Unreadable, UnsafeArchive

_SKIP_NAMES = {"thumbs.db", "desktop.ini", ".ds_store", "__macosx", "$recycle.bin"}


@dataclass
class ReadFailure:
    """A file, archive member or row that could not be read, and why.

    ``reason`` is the stable code of the error (``encrypted``, ``corrupt``,
    ``unsafe_archive``…, ``read_failed`` for a bug in a reader); ``stage`` is
    where it happened: ``detect``, ``archive``, ``convert`` or ``read``.
    """

    source: str
    member: str | None
    stage: str
    reason: str
    error_class: str
    message: str


@dataclass(frozen=True)
class ReadOptions:
    """Options of :func:`read_file`; unknown names are a TypeError."""

    timeout: float = 120.0  # seconds LibreOffice may take per .doc/.wps
    text_field: str | None = None  # JSONL/CSV: the column holding the text
    title_field: str | None = None
    year_field: str | None = None
    table_mode: str = "auto"  # JSONL/CSV: rows, file or auto
    max_depth: int = Limits.max_depth  # zip nesting
    max_total_size: int = Limits.max_total_size
    max_member_size: int = Limits.max_member_size
    max_ratio: float = Limits.max_ratio
    ratio_floor: int = Limits.ratio_floor


def is_skipped(name: str) -> bool:
    """Hidden files and the temp files editors and OSes leave behind.

    Example: ``~$报告.docx``, ``.~lock.报告.docx#``, ``Thumbs.db``, ``.DS_Store``,
    ``报告.docx~`` → True; ``报告.docx`` → False.
    """
    base = name.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    parts = name.replace("\\", "/").split("/")
    if any((p.startswith(".") and p not in (".", "..")) or p.lower() in _SKIP_NAMES for p in parts[:-1]):
        return True
    return (
        base.startswith((".", "~$", "~WRL"))
        or base.endswith("~")
        or (base.startswith("#") and base.endswith("#"))
        or base.lower() in _SKIP_NAMES
        or base.lower().endswith((".tmp", ".crdownload", ".part"))
    )


def iter_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """Files under ``paths``, folders walked recursively in sorted order.

    A file named explicitly is always yielded; inside folders, hidden and
    temp files (see :func:`is_skipped`) are passed over, and a folder
    reached twice through symlinks is walked once.

    Args:
        paths: files and folders.

    Example: ``iter_files(["corpus/"])`` → ``corpus/a/2024年总结.docx``, ``corpus/b.pdf``, …
    """
    seen: set[tuple[int, int]] = set()
    for p in paths:
        path = Path(p)
        if path.is_dir():
            yield from _walk_dir(path, seen)
        elif path.exists() or path.is_symlink():
            yield path


def _walk_dir(folder: Path, seen: set[tuple[int, int]]) -> Iterator[Path]:
    try:
        st = folder.stat()
    except OSError:
        return
    key = (st.st_dev, st.st_ino)
    if key in seen:
        return  # a symlink loop, or the same folder twice
    seen.add(key)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if is_skipped(entry.name):
            continue
        try:
            if _is_broken_link(entry):
                # a dangling or looping symlink is yielded so that reading it
                # records why it failed: nothing in the folder goes unseen
                yield Path(entry.path)
            elif entry.is_dir():
                yield from _walk_dir(Path(entry.path), seen)
            elif entry.is_file():
                yield Path(entry.path)
        except OSError:
            continue


def _is_broken_link(entry: os.DirEntry) -> bool:
    if not entry.is_symlink():
        return False
    try:
        os.stat(entry.path)
    except OSError:
        return True  # ENOENT: dangling; ELOOP: a loop (a → b → a)
    return False


def read_file(path: str | os.PathLike, **options) -> Iterator[RawDocument | ReadFailure]:
    """RawDocuments in the file at ``path`` (several for a zip or a JSONL dump).

    Args:
        path: any archive file: docx, doc, wps, odt, pdf, txt, md, html, jsonl,
            json, csv, zip.
        **options: see :class:`ReadOptions` (``timeout=60``, ``text_field='正文'``…).

    Yields:
        a RawDocument per document, a ReadFailure per file, member or row
        that could not be read. Never raises for a bad file.

    Example: ``read_file("31省区市政府工作报告.zip")`` yields 31 RawDocuments with
    ``member='31省区市政府工作报告/2025年上海市政府工作报告.docx'``, ….
    """
    opts = ReadOptions(**options)  # an unknown option is the caller's bug: raise now
    return _read(Path(path), opts, str(path), None)


def _read(
    path: Path, opts: ReadOptions, source: str, member: str | None
) -> Iterator[RawDocument | ReadFailure]:
    try:
        fmt = detect_format(path)
    except ReadError as e:
        yield _failure(source, member, "detect", e)
        return
    except OSError as e:
        # vanished since it was listed, permission denied, a symlink loop
        yield _failure(source, member, "detect", _unreadable(e, path))
        return
    try:
        yield from _dispatch(path, fmt, opts, source, member)
    except ReadError as e:
        yield _failure(source, member, _stage(e), e)
    except OSError as e:
        # the file went away or was locked under the reader; any other OSError
        # is a reader's bug on a malformed file, recorded below as read_failed
        if e.errno in _ACCESS_ERRNOS:
            yield _failure(source, member, "read", _unreadable(e, path))
        else:
            yield _failure(source, member, "read", e)
    except Exception as e:  # noqa: BLE001
        # The one broad except: a reader bug or a library choking on a
        # malformed file must cost this file only, not the whole batch.
        # It is recorded with its class and message, never swallowed.
        yield _failure(source, member, "read", e)


def _dispatch(path: Path, fmt: str, opts: ReadOptions, source: str, member: str | None):
    if fmt == "zip":
        limits = Limits(
            max_depth=opts.max_depth,
            max_total_size=opts.max_total_size,
            max_member_size=opts.max_member_size,
            max_ratio=opts.max_ratio,
            ratio_floor=opts.ratio_floor,
        )
        for m in iter_members(path, limits, skip=is_skipped):
            name = f"{member}!{m.name}" if member else m.name
            if m.error is not None:
                yield _failure(source, name, "archive", m.error)
            else:
                yield from _read(m.path, opts, source, name)
        return
    if fmt == "docx":
        from zongjie.corpus.docx import read_docx

        yield read_docx(path, source=source, member=member)
    elif fmt in ("doc", "wps", "odt"):
        from zongjie.corpus.office import read_office

        yield read_office(path, format=fmt, source=source, member=member, timeout=opts.timeout)
    elif fmt == "pdf":
        from zongjie.corpus.pdf import read_pdf

        yield read_pdf(path, source=source, member=member)
    elif fmt == "html":
        from zongjie.corpus.html import read_html

        yield read_html(path, source=source, member=member)
    elif fmt in ("jsonl", "json", "csv"):
        from zongjie.corpus.tables import RowError, read_table

        for item in read_table(
            path,
            format=fmt,
            source=source,
            member=member,
            text_field=opts.text_field,
            title_field=opts.title_field,
            year_field=opts.year_field,
            mode=opts.table_mode,
        ):
            if isinstance(item, RowError):
                yield _failure(source, item.member, "read", item.error)
            else:
                yield item
    else:
        from zongjie.corpus.text import read_text_parts

        yield from read_text_parts(path, source=source, member=member)


_ACCESS_ERRNOS = {errno.ENOENT, errno.EACCES, errno.EPERM, errno.ELOOP, errno.EISDIR}


def _unreadable(e: OSError, path: Path) -> Unreadable:
    what = {
        errno.ENOENT: "the file vanished after it was listed (or is a dangling symlink)",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.ELOOP: "a symlink loop",
        errno.EISDIR: "a folder where a file was listed",
    }.get(e.errno or 0, e.strerror or str(e))
    return Unreadable(f"cannot read {path.name}: {what} ({type(e).__name__})", path=str(path))


def _stage(e: ReadError) -> str:
    if isinstance(e, (ConverterMissing, ConverterFailed)):
        return "convert"
    if isinstance(e, UnsafeArchive):
        return "archive"
    return "read"


def _failure(source: str, member: str | None, stage: str, e: BaseException) -> ReadFailure:
    return ReadFailure(
        source=source,
        member=member,
        stage=stage,
        reason=getattr(e, "reason", "read_failed"),
        error_class=type(e).__name__,
        message=str(e),
    )


__all__ = ["ReadFailure", "ReadOptions", "is_skipped", "iter_files", "read_file"]
