"""Zip archives, walked safely.

:func:`iter_members` yields every file in a zip, nested zips included (down
to ``max_depth`` levels), each extracted to a private temporary file that
lives until the caller asks for the next member. Members that cannot be
read safely are yielded with an error instead of a path, and the walk goes
on:

- names with ``..`` parts, absolute paths, drive letters, and symlinks →
  UnsafeArchive (``unsafe_archive``);
- a member larger than ``max_member_size`` or compressed more than
  ``max_ratio`` times (members over ``ratio_floor`` bytes only: small text
  files compress well for honest reasons) → UnsafeArchive; and when the
  members accepted so far would pass ``max_total_size`` in all;
- encrypted members → EncryptedFile (``encrypted``).

Member names without the UTF-8 flag (bit 0x800) are how Chinese Windows
zips them: GBK bytes that Python decoded as cp437. They are re-encoded to
the original bytes and decoded as UTF-8 if valid, else GB18030, else left as
cp437 (an Info-ZIP Unicode Path extra field wins over all of these).

Member names are the path inside the archive; in a nested zip, the levels
are joined with ``!``: ``reports/2025.zip!广东省.docx``.
"""

from __future__ import annotations

import stat
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from zongjie.corpus.detect import ZIP_MAGICS
from zongjie.errors import CorruptFile, EncryptedFile, ReadError, UnsafeArchive

MAX_DEPTH = 3
MAX_TOTAL_SIZE = 2 * 1024**3
MAX_MEMBER_SIZE = 1024**3
MAX_RATIO = 100
RATIO_FLOOR = 1024**2

_UNICODE_PATH_EXTRA = 0x7075


@dataclass
class Member:
    """One file in an archive: extracted to ``path``, or refused with ``error``."""

    name: str
    path: Path | None = None
    error: ReadError | None = None


@dataclass
class Limits:
    max_depth: int = MAX_DEPTH
    max_total_size: int = MAX_TOTAL_SIZE
    max_member_size: int = MAX_MEMBER_SIZE
    max_ratio: float = MAX_RATIO
    ratio_floor: int = RATIO_FLOOR


def iter_members(path: Path, limits: Limits | None = None, *, skip=None) -> Iterator[Member]:
    """Every file in the zip at ``path``, extracted one at a time.

    Args:
        path: the zip file.
        limits: size, ratio and depth limits; the defaults above if None.
        skip: ``skip(name) -> bool`` for members to pass over silently
            (temp and hidden files).

    Raises:
        CorruptFile: the zip itself cannot be opened.

    Example: ``31省区市政府工作报告.zip`` yields
    ``Member('31省区市政府工作报告/2025年上海市政府工作报告.docx', Path('/tmp/…/0.docx'))``, ….
    """
    limits = limits or Limits()
    with tempfile.TemporaryDirectory(prefix="zongjie-zip-") as tmp:
        budget = [limits.max_total_size]
        yield from _walk(Path(path), "", 1, limits, Path(tmp), budget, skip)


def _walk(path: Path, prefix: str, depth: int, limits: Limits, tmp: Path, budget: list[int], skip):
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise CorruptFile(f"cannot open zip: {e}", path=str(path)) from e
    with zf:
        for index, info in enumerate(zf.infolist()):
            if info.is_dir():
                continue
            name = member_name(info)
            full = prefix + name
            if skip is not None and skip(name):
                continue
            error = _check(info, name, limits, budget)
            if error is not None:
                yield Member(full, error=error)
                continue
            target = tmp / f"{depth}-{index}{_safe_suffix(name)}"
            try:
                _extract(zf, info, target, limits)
            except ReadError as e:
                target.unlink(missing_ok=True)
                yield Member(full, error=e)
                continue
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as e:
                target.unlink(missing_ok=True)
                yield Member(full, error=CorruptFile(f"cannot extract {name}: {e}"))
                continue
            budget[0] -= target.stat().st_size
            try:
                if _is_nested_zip(target, name):
                    if depth >= limits.max_depth:
                        yield Member(
                            full, error=UnsafeArchive(f"zips nested deeper than {limits.max_depth} levels")
                        )
                    else:
                        try:
                            yield from _walk(target, full + "!", depth + 1, limits, tmp, budget, skip)
                        except CorruptFile as e:
                            yield Member(full, error=e)
                else:
                    yield Member(full, path=target)
            finally:
                target.unlink(missing_ok=True)


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it (see the module docstring)."""
    unicode_path = _unicode_path_extra(info)
    if unicode_path:
        return unicode_path
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename  # decoded with a metadata_encoding already
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _unicode_path_extra(info: zipfile.ZipInfo) -> str | None:
    extra = info.extra
    i = 0
    while i + 4 <= len(extra):
        tag, size = struct.unpack("<HH", extra[i : i + 4])
        body = extra[i + 4 : i + 4 + size]
        if tag == _UNICODE_PATH_EXTRA and len(body) > 5 and body[0] == 1:
            try:
                return body[5:].decode("utf-8")
            except UnicodeDecodeError:
                return None
        i += 4 + size
    return None


def _check(info: zipfile.ZipInfo, name: str, limits: Limits, budget: list[int]) -> ReadError | None:
    unified = name.replace("\\", "/")
    parts = PurePosixPath(unified).parts
    if unified.startswith("/") or (len(unified) > 1 and unified[1] == ":") or ".." in parts:
        return UnsafeArchive(f"member path escapes the archive: {name!r}")
    mode = info.external_attr >> 16
    if info.create_system == 3 and stat.S_ISLNK(mode):
        return UnsafeArchive(f"member is a symbolic link: {name!r}")
    if info.flag_bits & 0x1:
        return EncryptedFile(f"password-protected zip member: {name!r}")
    if info.file_size > limits.max_member_size:
        return UnsafeArchive(
            f"member {name!r} would unpack to {info.file_size} bytes (limit {limits.max_member_size})"
        )
    if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
        return UnsafeArchive(
            f"member {name!r} is compressed {info.file_size / max(info.compress_size, 1):.0f} times "
            f"(limit {limits.max_ratio:g}): a zip bomb?"
        )
    if info.file_size > budget[0]:
        return UnsafeArchive(f"archive would unpack to more than {limits.max_total_size} bytes in all")
    return None


def _extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, limits: Limits) -> None:
    # The sizes in the header can lie; count what really comes out.
    allowed = min(info.file_size, limits.max_member_size)
    written = 0
    with zf.open(info) as src, open(target, "wb") as dst:
        while True:
            chunk = src.read(1024 * 1024)
            if not chunk:
                break
            written += len(chunk)
            if written > allowed:
                raise UnsafeArchive(f"member {info.filename!r} unpacks to more than its stated size")
            dst.write(chunk)


def _is_nested_zip(target: Path, name: str) -> bool:
    if not name.lower().endswith(".zip"):
        return False
    with open(target, "rb") as f:
        return f.read(4) in ZIP_MAGICS


def _safe_suffix(name: str) -> str:
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    return suffix if suffix[1:].isalnum() and len(suffix) <= 8 else ""
