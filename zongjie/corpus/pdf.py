"""PDFs with a text layer into paragraphs and table rows, page by page.

Text comes from pypdfium2 (about 25 times faster than pdfplumber, the same
text within a few percent). pdfplumber is opened only for pages that draw
enough paths to hold a ruled table, and only its table finder is used: the
text around a table is still pypdfium2's, cut at the table's edges.

On the way, the page furniture that a PDF adds to every page goes:

- page numbers on the first or last two lines of a page (``- 3 -``,
  ``第3页``, ``第 3 页 共 5 页``, ``3``, ``3/5``);
- lines repeated at the top or bottom of most pages (running headers and
  footers; digits are ignored in the comparison, so ``2024年报告 3`` matches
  ``2024年报告 4``).

Lines are joined into paragraphs: a line that does not end a sentence
(。！？；：… possibly followed by a closing quote or bracket), is not short
(under 80% of the page's full line width) and is not followed by a numbered
heading (``一、``, ``（二）``, ``第三章``) continues on the next line, joined
without a space (with one between two Latin words). WPS writes spaces
around digits (``2024 年``); they are removed between Chinese and a number
that has Chinese on both sides (``自 2024 年 1 月`` → ``自2024年1月``), but
kept in runs of numbers (``规章 0 0 0``).

A paragraph that runs over a page break gives one block on each page, so
that every block has one page.
"""

from __future__ import annotations

import ctypes
import itertools
import re
from pathlib import Path

from zongjie.corpus.document import Block, RawDocument
from zongjie.corpus.ocr import INSTALL_HINT, ocr_pages
from zongjie.errors import CorruptFile, EncryptedFile, NoTextLayer

# Pages drawing at least this many path objects are checked for tables.
TABLE_PATH_THRESHOLD = 8
# A line this short relative to the page's full lines ends its paragraph.
SHORT_LINE_SHARE = 0.8
# A top/bottom line on at least this share of pages is a running header/footer.
FURNITURE_SHARE = 0.6

_CJK = r"\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef“”‘’《》"
_SENTENCE_END = re.compile(r"[。！？；：…!?;:][”’」』）)】》]*$")
_NUMBERED_HEADING = re.compile(
    r"^(?:第[一二三四五六七八九十百零\d]+[章节部分条篇]|[一二三四五六七八九十]+、|"
    r"[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.、．](?!\d))"
)
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－~\s]*\d{1,4}[-—–－~\s]*"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*of\s*\d{1,4})?"
    r"|[-—–\s]*[ivxlc]{1,6}[-—–\s]*)$",
    re.IGNORECASE,
)
# WPS spaces around a number standing between Chinese characters.
_SPACED_NUMBER = re.compile(rf"(?:(?<=[{_CJK}])[ \t]*|^[ \t]*)(\d[\d.,%％]*)[ \t]*(?=[{_CJK}])", re.MULTILINE)
# Page numbers that cannot be body text, wherever the content stream put them.
_PAGE_NUMBER_STRICT = re.compile(
    r"^(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?)$"
)
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
_NARROW = re.compile(r"[\x00-\u2e7f]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def read_pdf(path: Path, *, source: str | None = None, member: str | None = None) -> RawDocument:
    """Read a text-layer PDF into blocks that know their page.

    Args:
        path: the file on disk.
        source: the path to record (the archive's, for a member); ``path`` by default.
        member: the path inside an archive, if any.

    Returns:
        a RawDocument; ``hints['pages']`` is the page count, and
        ``hints['pages_without_text']`` lists pages with no text layer, if any;
        ``hints['ocr']`` says how pages without one were read, with the
        ``ocr`` extra (engine, confidence per page and overall).

    Raises:
        EncryptedFile: the PDF needs a password to open.
        CorruptFile: pdfium cannot parse it.
        NoTextLayer: no page has any text (a scan, and no OCR installed or OCR read nothing).

    Example: page 1 of ``hzq2024_working.pdf`` gives
    ``Block('淮安市洪泽区人民政府', page=1)``, …,
    ``Block('本报告由淮安市洪泽区人民政府办公室根据《中华人民共和国政府信息公开条例》（国令第711号）…', page=1)``.
    """
    import pypdfium2 as pdfium

    path = Path(path)
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise EncryptedFile("password-protected PDF", path=str(path)) from e
        raise CorruptFile(f"cannot open as PDF: {e}", path=str(path)) from e
    plumber = None
    try:
        pages = []  # (page number, [segments]); a segment is ('text', lines) or ('table', rows)
        empty_pages = []
        broken_pages = []
        for index in range(len(pdf)):
            try:
                page = pdf[index]
                textpage = page.get_textpage()
            except pdfium.PdfiumError:
                # a damaged page costs that page, named in the hints, not the file
                broken_pages.append(index + 1)
                pages.append((index + 1, []))
                continue
            text = _clean(textpage.get_text_range())
            if not text.strip():
                empty_pages.append(index + 1)
                pages.append((index + 1, []))
                continue
            tables = []
            if _may_hold_table(page, pdfium):
                if plumber is None:
                    plumber = _open_plumber(path)
                if plumber is not None:
                    tables = _find_tables(plumber, index)
            pages.append((index + 1, _segments(page, textpage, text, tables)))
        ocr = ocr_pages(pdf, empty_pages)  # scanned pages, with the ocr extra; None without it
        if ocr is not None:
            for number, lines in ocr.lines.items():
                pages[number - 1] = (number, [("text", lines)])
            empty_pages = [n for n in empty_pages if n not in ocr.lines]
    finally:
        if plumber is not None:
            plumber.close()
        pdf.close()
    if pages and len(broken_pages) == len(pages):
        raise CorruptFile(f"none of the {len(pages)} pages can be loaded", path=str(path))
    if len(empty_pages) + len(broken_pages) == len(pages):
        hint = "OCR read nothing" if ocr is not None else f"a scan? {INSTALL_HINT} reads scans"
        raise NoTextLayer(f"no text layer on any of {len(pages)} pages ({hint})", path=str(path))

    furniture = _running_lines(pages)
    blocks: list[Block] = []
    for number, segments in pages:
        _strip_furniture(segments, furniture)
        for kind, content in segments:
            if kind == "table":
                blocks += [Block(row, kind="table_row", page=number) for row in content]
            else:
                blocks += [Block(p, page=number) for p in join_lines(content)]
    hints: dict = {"pages": len(pages)}
    if empty_pages:
        hints["pages_without_text"] = empty_pages
    if broken_pages:
        hints["pages_unreadable"] = broken_pages
    if ocr is not None and ocr.lines:
        hints["ocr"] = ocr.summary()
    return RawDocument(blocks=blocks, source=source or str(path), format="pdf", member=member, hints=hints)


def _clean(text: str) -> str:
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _may_hold_table(page, pdfium) -> bool:
    """A cheap look at the page's paths: do they draw a grid?

    A table has vertical rules, or cell rectangles starting at several x
    positions; the frame WPS draws around body text is a stack of
    full-width rectangles and has neither.
    """
    try:
        calls = _raw_calls(pdfium.raw)
    except (AttributeError, TypeError, ValueError):
        # a pypdfium2 whose raw bindings are not plain ctypes functions: the slower, public way
        objs = list(itertools.islice(page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_PATH], max_depth=2), 5001))
        return _grid((obj.get_bounds() for obj in objs), len(objs))
    paths = _path_objects(page, pdfium, limit=5001)
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))

    def bounds():
        for obj in paths:
            if not calls[5](obj, left, bottom, right, top):
                raise pdfium.PdfiumError("Failed to locate pageobject.")
            yield left.value, bottom.value, right.value, top.value

    return _grid(bounds(), len(paths))


def _grid(bounds, count: int) -> bool:
    """Whether the bounds (left, bottom, right, top) of a page's ``count`` paths draw a grid."""
    if count < TABLE_PATH_THRESHOLD:
        return False
    vertical_rules = 0
    starts = set()
    for left, bottom, right, top in bounds:
        width, height = right - left, top - bottom
        if width < 3 and height > 3:
            vertical_rules += 1
        elif width >= 3 and height >= 3:
            starts.add(round(left / 5))
        if vertical_rules >= 2 or len(starts) >= 3:
            return True
    return False


def _path_objects(page, pdfium, limit: int) -> list[int]:
    """Handles of the page's path objects and those of its forms (one level
    down), in content order, at most ``limit``.

    pdfium's own calls, not ``page.get_objects()``: that wraps every object
    of the page (text runs too, a thousand on a page of LibreOffice text) in
    a Python object, which cost more than reading the page's text. The
    calls are typed with plain addresses (no pointer object made per call)
    and keep the GIL (each is a few instructions).
    """
    count_page, get_page_obj, get_type, count_form, get_form_obj, _ = _raw_calls(pdfium.raw)
    path_type, form_type, unknown = (pdfium.raw.FPDF_PAGEOBJ_PATH, pdfium.raw.FPDF_PAGEOBJ_FORM,
                                     pdfium.raw.FPDF_PAGEOBJ_UNKNOWN)
    paths: list[int] = []

    def walk(count, get, parent: int, descend: bool) -> None:
        n = count(parent)
        if n < 0:
            raise pdfium.PdfiumError("Failed to get number of pageobjects.")
        for i in range(n):
            obj = get(parent, i)
            if not obj:
                raise pdfium.PdfiumError("Failed to get pageobject.")
            kind = get_type(obj)
            if kind == path_type:
                paths.append(obj)
                if len(paths) >= limit:
                    raise _Enough
            elif kind == unknown:
                raise pdfium.PdfiumError("Failed to determine pageobject type.")
            elif kind == form_type and descend:
                walk(count_form, get_form_obj, obj, False)

    try:
        walk(count_page, get_page_obj, ctypes.cast(page.raw, ctypes.c_void_p).value, True)
    except _Enough:
        pass
    return paths


_RAW_CALLS: tuple | None = None


def _raw_calls(raw) -> tuple:
    global _RAW_CALLS
    if _RAW_CALLS is None:
        fn = ctypes.PYFUNCTYPE
        vp, int_ = ctypes.c_void_p, ctypes.c_int

        def typed(func, restype, *argtypes):
            return fn(restype, *argtypes)(ctypes.cast(func, vp).value)

        _RAW_CALLS = (
            typed(raw.FPDFPage_CountObjects, int_, vp),
            typed(raw.FPDFPage_GetObject, vp, vp, int_),
            typed(raw.FPDFPageObj_GetType, int_, vp),
            typed(raw.FPDFFormObj_CountObjects, int_, vp),
            typed(raw.FPDFFormObj_GetObject, vp, vp, ctypes.c_ulong),
            typed(raw.FPDFPageObj_GetBounds, int_, vp, *[ctypes.POINTER(ctypes.c_float)] * 4),
        )
    return _RAW_CALLS


class _Enough(Exception):
    pass


def _open_plumber(path: Path):
    import pdfplumber

    try:
        return pdfplumber.open(str(path))
    except Exception:  # noqa: BLE001 - pdfminer raises many kinds; tables are optional, text is not
        return None


def _find_tables(plumber, index: int) -> list[tuple[tuple[float, float, float, float], list[str]]]:
    """Ruled tables on a page as (bbox, rows); one-column boxes are not tables.

    WPS draws a frame around the body text of some pages; pdfplumber sees a
    one-column table whose rows are the lines. Only a grid where at least two
    rows have two filled cells counts.
    """
    try:
        page = plumber.pages[index]
        found = page.find_tables()
        tables = []
        for table in found:
            rows = [[_cell(c) for c in row] for row in table.extract()]
            if sum(1 for row in rows if sum(1 for c in row if c) >= 2) < 2:
                continue
            tables.append((table.bbox, [row for row in rows if any(row)]))
        return sorted(tables, key=lambda t: t[0][1])
    except Exception:  # noqa: BLE001 - a table finder failure must not lose the page's text
        return []


def _cell(value: str | None) -> str:
    if not value:
        return ""
    lines = [line.strip() for line in value.split("\n")]
    return _despace(_join_pair_all(lines))


def _segments(page, textpage, text: str, tables) -> list[tuple[str, list[str]]]:
    if not tables:
        return [("text", _lines(text))]
    left, bottom, right, top = page.get_mediabox()
    segments = []
    y = top  # pdfplumber measures from the top edge, pdfium from the bottom
    for (_x0, t_top, _x1, t_bottom), rows in tables:
        band = textpage.get_text_bounded(left=left, bottom=top - t_top, right=right, top=y)
        segments.append(("text", _lines(_clean(band))))
        # Rows with one filled cell are captions or framed body text, not data.
        for row in rows:
            filled = [c for c in row if c]
            kind = "table" if len(filled) >= 2 else "text"
            content = "\t".join(row) if kind == "table" else filled[0]
            if segments[-1][0] == kind:
                segments[-1][1].append(content)
            else:
                segments.append((kind, [content]))
        y = top - t_bottom
    band = textpage.get_text_bounded(left=left, bottom=bottom, right=right, top=y)
    segments.append(("text", _lines(_clean(band))))
    return [s for s in segments if s[1]]


def _lines(text: str) -> list[str]:
    return [line for line in map(str.strip, text.split("\n")) if line]


def _norm(line: str) -> str:
    return _SPACES.sub("", _DIGITS.sub("#", line))


def _edges(segments, n: int = 3) -> tuple[list[str], list[str]]:
    texts = [content for kind, content in segments if kind == "text"]
    if not texts:
        return [], []
    first = segments[0][1] if segments[0][0] == "text" else []
    last = segments[-1][1] if segments[-1][0] == "text" else []
    return first[:n], last[-n:]


def _running_lines(pages) -> set[str]:
    """Normalised lines seen at the top or bottom of most pages."""
    with_text = [segments for _, segments in pages if segments]
    if len(with_text) < 3:
        return set()
    seen: dict[str, int] = {}
    for segments in with_text:
        top, bottom = _edges(segments)
        for norm in {_norm(line) for line in top + bottom}:
            seen[norm] = seen.get(norm, 0) + 1
    needed = max(3, FURNITURE_SHARE * len(with_text))
    return {norm for norm, count in seen.items() if count >= needed and norm}


def _strip_furniture(segments, furniture: set[str]) -> None:
    if not segments:
        return
    for position in (0, -1):
        kind, lines = segments[position]
        if kind != "text":
            continue
        head = range(min(3, len(lines))) if position == 0 else range(max(0, len(lines) - 3), len(lines))
        drop = set()
        for i in head:
            near_edge = i < 2 if position == 0 else i >= len(lines) - 2
            if _norm(lines[i]) in furniture or (near_edge and _PAGE_NUMBER.match(lines[i])):
                drop.add(i)
        segments[position] = (kind, [line for i, line in enumerate(lines) if i not in drop])
    for i, (kind, lines) in enumerate(segments):
        if kind == "text":
            segments[i] = (kind, [line for line in lines if not _PAGE_NUMBER_STRICT.match(line)])
    segments[:] = [s for s in segments if s[1]]


def _width(line: str) -> int:
    """Display width: characters above U+2E7F (CJK) count two."""
    return len(line) + len(_NARROW.sub("", line))


def join_lines(lines: list[str]) -> list[str]:
    """Join the lines of a page into paragraphs.

    Example: ``['本报告由淮安市洪泽区人民政府办公室根据《中华人民共和',
    '国政府信息公开条例》要求编制。', '（一）主动公开情况。']`` →
    ``['本报告由淮安市洪泽区人民政府办公室根据《中华人民共和国政府信息公开条例》要求编制。',
    '（一）主动公开情况。']``.
    """
    if not lines:
        return []
    widths = [_width(line) for line in lines]
    ranked = sorted(widths)
    full = ranked[int(0.9 * (len(ranked) - 1))] if len(lines) >= 4 else 0
    paragraphs: list[list[str]] = [[lines[0]]]
    for prev, width, line in zip(lines, widths, lines[1:], strict=False):
        ends = (
            _SENTENCE_END.search(prev)
            or (full and width < SHORT_LINE_SHARE * full)
            or _NUMBERED_HEADING.match(line)
        )
        if ends:
            paragraphs.append([line])
        else:
            paragraphs[-1].append(line)
    return [_despace(_join_pair_all(p)) for p in paragraphs]


def _join_pair_all(lines: list[str]) -> str:
    out = ""
    for line in lines:
        if (
            out
            and line
            and out[-1].isascii()
            and out[-1].isalpha()
            and line[0].isascii()
            and line[0].isalnum()
        ):
            out += " "
        out += line
    return out


def _despace(text: str) -> str:
    """``自 2024 年 1 月`` → ``自2024年1月``; ``规章 0 0 0`` stays."""
    return _SPACED_NUMBER.sub(lambda m: m.group(1), text)
