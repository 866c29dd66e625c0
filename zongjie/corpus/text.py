"""Plain text (.txt, .md) in whatever encoding Chinese offices saved it.

Encodings are tried in this order: a byte-order mark (UTF-8, UTF-16, UTF-32),
strict UTF-8, then charset-normalizer's best guess, with GBK and GB2312
widened to GB18030 (a superset: a GBK guess that meets a GB18030-only
character would otherwise fail). Text that decodes but looks like mojibake is
refused rather than stored.

    >>> decode_bytes("各位代表：".encode("gbk"))
    ('各位代表：', 'gb18030')
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from charset_normalizer import from_bytes

from zongjie.corpus.document import Block, RawDocument
from zongjie.errors import EmptyDocument, TooLarge, UnsupportedFormat

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Guesses that are subsets of GB18030.
_GB_FAMILY = {"gbk", "gb2312", "cp936", "hz", "gb18030", "euc_cn"}

# Text and HTML files are read whole; a work report is well under 1 MB and a
# year's gazette under 10 MB, so a bigger one is a dump or junk (a single
# 200 MB line), refused before it is read rather than held in memory.
MAX_TEXT_BYTES = 32 * 1024**2

# A text file over PART_BYTES (a year's gazette, a compilation, a dump) is
# read in parts of about that size, cut at line ends, each part its own
# document (member ``part-001``, ``part-002``…): memory and time stay those
# of one 8 MB document, however big the file. Past MAX_SPLIT_BYTES a text
# file is refused unread; so is a single line longer than a part.
PART_BYTES = 8 * 1024**2
MAX_SPLIT_BYTES = 128 * 1024**2

# Above these shares of the text, a decoding is judged mojibake.
MAX_REPLACEMENT_SHARE = 0.001
MAX_UNLIKELY_SHARE = 0.05


def read_text(path: Path, *, source: str | None = None, member: str | None = None) -> RawDocument:
    """Read a text file into one block per non-blank line.

    Args:
        path: the file on disk.
        source: the path to record (the archive's, for a member); ``path`` by default.
        member: the path inside an archive, if any.

    Returns:
        a RawDocument with ``format='txt'`` and the detected ``encoding``.

    Example: a GBK transcript gives ``encoding='gb18030'`` and blocks
    ``['政府工作报告（文字实录）', '——2020年5月22日在…', …]``.
    """
    path = Path(path)
    check_size(path, MAX_TEXT_BYTES, "a text file")
    data = path.read_bytes()
    text, encoding = decode_bytes(data, name=str(path))
    blocks = [Block(line) for line in split_lines(text) if line.strip()]
    if not blocks:
        raise EmptyDocument("text file holds no text", path=str(path))
    return RawDocument(
        blocks=blocks, source=source or str(path), format="txt", member=member, encoding=encoding
    )


def read_text_parts(path: Path, *, source: str | None = None, member: str | None = None) -> Iterator[RawDocument]:
    """A text file as one RawDocument, or, over ``PART_BYTES``, as several: parts cut at line ends.

    Each part is decoded on its own (its encoding detected like a file's) and
    gets the member ``part-001``, ``part-002``… (after the archive member's
    name and ``#`` inside an archive). The file is read a part at a time.

    Raises:
        TooLarge: the file is over ``MAX_SPLIT_BYTES``, or a line is longer than a part.
        EmptyDocument: no part holds any text.
    """
    path = Path(path)
    size = path.stat().st_size
    if size <= PART_BYTES:
        yield read_text(path, source=source, member=member)
        return
    check_size(path, MAX_SPLIT_BYTES, "a text file")
    found = False
    with open(path, "rb") as f:
        head = f.read(4096)
        f.seek(0)
        if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
            raise TooLarge(f"a UTF-32 text file of {size / 1024**2:.0f} MB: over the "
                           f"{PART_BYTES / 1024**2:.0f} MB read whole", path=str(path))
        utf16 = ("utf-16-le" if head.startswith(codecs.BOM_UTF16_LE) else
                 "utf-16-be" if head.startswith(codecs.BOM_UTF16_BE) else _utf16_without_bom(head))
        newline = {"utf-16-le": b"\n\x00", "utf-16-be": b"\x00\n"}.get(utf16 or "", b"\n")
        carry = b""
        k = 0
        while True:
            # the line left over from the last part, and enough to make a part of PART_BYTES
            data = carry + f.read(PART_BYTES - len(carry))
            if not data:
                break
            at_end = len(data) < PART_BYTES
            if at_end:
                part, carry = data, b""
            else:
                cut = _last_line_end(data, newline)
                if cut is None:
                    raise TooLarge(
                        f"a line of over {PART_BYTES / 1024**2:.2g} MB in a text file of {size / 1024**2:.0f} MB: "
                        "too long to be a paragraph", path=str(path))
                part, carry = data[:cut], data[cut:]
            text, encoding = decode_bytes(part, name=str(path))
            blocks = [Block(line) for line in split_lines(text) if line.strip()]
            del text, part
            if blocks:
                k += 1
                found = True
                name = (f"{member}#" if member else "") + f"part-{k:03d}"
                yield RawDocument(blocks=blocks, source=source or str(path), format="txt", member=name,
                                  encoding=encoding)
            if at_end:
                break
    if not found:
        raise EmptyDocument("text file holds no text", path=str(path))


def _last_line_end(data: bytes, newline: bytes) -> int | None:
    """Offset just after the last ``newline`` in ``data`` (at an even offset for UTF-16), or None."""
    i = data.rfind(newline)
    while i >= 0 and len(newline) == 2 and i % 2:
        i = data.rfind(newline, 0, i)
    return None if i < 0 else i + len(newline)


def check_size(path: Path, limit: int, what: str) -> None:
    """Refuse a file bigger than ``limit`` bytes before reading it.

    Raises:
        TooLarge: with the size and the limit in the message.
    """
    size = path.stat().st_size
    if size > limit:
        raise TooLarge(
            f"{what} of {size / 1024**2:.0f} MB is over the {limit / 1024**2:.0f} MB a document can have: "
            "split it, or read it as a table (.jsonl/.csv) if it holds many documents",
            path=str(path),
        )


def split_lines(text: str) -> list[str]:
    """Lines of ``text``, split on \\n, \\r\\n and \\r only.

    ``str.splitlines`` would also split on form feeds, U+2028 and the like,
    which sit inside paragraphs in Word exports.
    """
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def decode_bytes(data: bytes, *, name: str | None = None) -> tuple[str, str]:
    """Decode ``data`` and say which encoding did it.

    Args:
        data: the raw bytes of a text file.
        name: the file name, for error messages.

    Returns:
        ``(text, encoding)``; the text has no BOM.

    Raises:
        UnsupportedFormat: no encoding gives plausible text.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as e:
                raise UnsupportedFormat(f"{encoding} byte-order mark, but: {e}", path=name) from e
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    mixed = _mixed_utf8_gb18030(data)
    if mixed is not None:
        return mixed, "utf-8+gb18030"
    bom_less = _utf16_without_bom(data)
    if bom_less:
        try:
            return data.decode(bom_less), bom_less
        except UnicodeDecodeError:
            pass
    best = from_bytes(data).best()
    guess = best.encoding if best is not None else None
    candidates = []
    if guess:
        candidates.append("gb18030" if guess.lower() in _GB_FAMILY else guess)
    candidates += [c for c in ("gb18030", "big5") if c not in candidates]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _plausible(text):
            return text, encoding
    raise UnsupportedFormat(
        f"cannot decode as text: best guess {guess or 'none'} gives unlikely characters (mojibake)",
        path=name,
    )


def _mixed_utf8_gb18030(data: bytes) -> str | None:
    """Text pasted together from a UTF-8 and a GBK file, decoded line by line.

    Whole-file guessing reads such a file as one encoding and turns the other
    part into mojibake. A line that is valid UTF-8 holding Chinese is UTF-8
    (GBK Chinese almost never is); the other lines are GB18030. None unless
    both kinds are present and the result is plausible.
    """
    if b"\x00" in data:
        return None
    lines = data.split(b"\n")
    out, utf8_chinese, gb = [], 0, 0
    for line in lines:
        try:
            text = line.decode("utf-8")
            if any("\u4e00" <= ch <= "\u9fff" for ch in text):
                utf8_chinese += 1
        except UnicodeDecodeError:
            try:
                text = line.decode("gb18030")
            except UnicodeDecodeError:
                return None
            gb += 1
        out.append(text)
    if not (utf8_chinese and gb):
        return None
    text = "\n".join(out)
    return text if _plausible(text) else None


def _utf16_without_bom(data: bytes) -> str | None:
    return utf16_without_bom(data) if len(data) % 2 == 0 else None


def utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` if ``data`` looks like UTF-16 text saved without a BOM.

    ASCII-range text puts NULs on one side only; Chinese text has few NULs,
    but read as UTF-16 its pairs are nearly all Chinese characters and
    punctuation (random bytes give such a pair one time in three).

    Example: ``utf16_without_bom("各位代表：".encode("utf-16-le"))`` → ``'utf-16-le'``.
    """
    sample = data[:4096]
    sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.3 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.3 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    for encoding in ("utf-16-le", "utf-16-be"):
        text = sample.decode(encoding, errors="replace")
        chinese = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f"
                      or "\uff00" <= ch <= "\uffef")
        other = sum(1 for ch in text if ch in "\r\n\t" or " " <= ch <= "~")
        if chinese >= 0.5 * len(text) and chinese + other >= 0.95 * len(text):
            return encoding
    return None


def looks_like_text(text: str) -> bool:
    """True unless ``text`` has the replacement and unlikely characters of mojibake.

    Example: ``looks_like_text("各位代表：")`` → True; ``looks_like_text("탏ᇠꆱ᫡힥洼")`` → False.
    """
    return _plausible(text)


def _plausible(text: str) -> bool:
    if not text:
        return True
    replacement = text.count("\ufffd")
    unlikely = sum(1 for ch in text if _unlikely(ch))
    return replacement <= MAX_REPLACEMENT_SHARE * len(text) and unlikely <= MAX_UNLIKELY_SHARE * len(text)


def _unlikely(ch: str) -> bool:
    """Characters that show up in mojibake and hardly ever in Chinese office text."""
    o = ord(ch)
    if ch in "\t\n\r\f":
        return False
    if o < 0x20 or 0x7F <= o < 0xA0:
        return True  # C0/C1 controls
    if 0xE000 <= o <= 0xF8FF or 0xAC00 <= o <= 0xD7AF:
        return True  # private use area; Hangul syllables
    if 0x3400 <= o <= 0x4DBF or 0x20000 <= o:
        return True  # CJK extension A and beyond: rare characters
    if 0x0400 <= o <= 0x04FF or 0x2500 <= o <= 0x257F or 0x3040 <= o <= 0x30FF:
        return True  # Cyrillic, box drawing, kana: what Big5 read as GBK looks like
    return unicodedata.category(ch) in ("Co", "Cn", "Cs")
