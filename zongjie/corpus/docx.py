"""Word .docx files (from Word, WPS or LibreOffice) into blocks.

The body XML is walked in document order, so paragraphs and tables come out
as the reader sees them:

- a paragraph is one block; its text is every ``w:t`` with tabs and line
  breaks kept (``\\t``, ``\\n``), deleted text (``w:delText``) and field codes
  left out, and the label of an automatic number (``一、``, ``（三）``, ``1.``)
  put in front, since that is what the page shows;
- a heading is a paragraph whose style is a heading (``Heading 2``,
  ``标题 2``, ``Title``) or which has an outline level (``w:outlineLvl``, on
  the paragraph or inherited from its style); ``level`` is 1-based, 0 for
  ``Title``;
- a table row is one block, its cells joined by ``\\t`` (the paragraphs of a
  cell joined by a space); nested tables follow the row holding them;
- text boxes (``w:txbxContent``) follow the paragraph they are anchored in,
  once (the VML copy in ``mc:Fallback`` is skipped);
- headers, footers, footnotes and comments are not read.

Hostile packages are refused before python-docx opens them: a part that
declares a DTD (``<!DOCTYPE``, needed for external entities and for the
"billion laughs" expansion; Word never writes one) raises UnsafeXml, and a
part that would unpack past ``MAX_PART_SIZE`` or is compressed more than
``MAX_PART_RATIO`` times (a zip bomb dressed as a .docx) raises
UnsafeArchive. Behind that check, python-docx's parser does not resolve
entities and lxml fetches nothing from the network.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from zongjie.corpus.document import Block, RawDocument
from zongjie.errors import CorruptFile, EmptyDocument, UnsafeArchive, UnsafeXml, UnsupportedFormat

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_w = f"{{{W}}}"
_mc = f"{{{MC}}}"

# A .docx's XML parts compress 5 to 20 times; 200 times over a megabyte is a bomb.
MAX_PART_SIZE = 256 * 1024**2
MAX_PART_RATIO = 200
_RATIO_FLOOR = 1024**2
# a DTD must come before the root element, so the head of each part is enough
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)|<\x00!\x00(?:D\x00O\x00C|E\x00N\x00T)", re.IGNORECASE)
_HEAD_BYTES = 64 * 1024

_HEADING_STYLE = re.compile(r"^(?:heading|标题|見出し)\s*(\d)$", re.IGNORECASE)
_TITLE_STYLES = {"title", "标题"}

# Containers whose children are walked as if they were the body's.
_TRANSPARENT = {_w + "sdt", _w + "sdtContent", _w + "customXml", _w + "smartTag", _w + "ins", _w + "moveTo"}


def read_docx(
    path: Path, *, source: str | None = None, member: str | None = None, format: str = "docx"
) -> RawDocument:
    """Read a .docx into blocks in document order.

    Args:
        path: the file on disk.
        source: the path to record (the archive's, for a member); ``path`` by default.
        member: the path inside an archive, if any.
        format: the format to record (``doc``/``wps`` when converted by LibreOffice).

    Returns:
        a RawDocument; ``hints`` holds ``title`` from the core properties when set.

    Example: ``2025年河北省政府工作报告.docx`` gives blocks
    ``['2025年河北省政府工作报告', …, '各位代表：', …]``.
    """
    import docx  # python-docx; imported here to keep `import zongjie` light
    from docx.opc.exceptions import PackageNotFoundError

    path = Path(path)
    _check_package(path)
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, EOFError, etree.XMLSyntaxError,
            zlib.error, NotImplementedError) as e:
        raise CorruptFile(f"cannot open as .docx: {e}", path=str(path)) from e
    except OSError as e:  # zipfile seeking to an offset a damaged directory gives (EINVAL)
        raise CorruptFile(f"cannot open as .docx: {e}", path=str(path)) from e
    except ValueError as e:
        # python-docx refuses macro-enabled documents and templates by content type.
        raise UnsupportedFormat(f"not a Word document: {e}", path=str(path)) from e

    reader = _BodyReader(document)
    blocks = reader.read(document.element.body)
    if not any(b.text.strip() for b in blocks):
        raise EmptyDocument("docx holds no text", path=str(path))
    hints = {}
    title = (document.core_properties.title or "").strip()
    if title:
        hints["title"] = title
    return RawDocument(blocks=blocks, source=source or str(path), format=format, member=member, hints=hints)


def _check_package(path: Path) -> None:
    """Refuse zip bombs and DTDs before any XML of the package is parsed."""
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if info.file_size > MAX_PART_SIZE or (
                    info.file_size > _RATIO_FLOOR and info.file_size > MAX_PART_RATIO * max(info.compress_size, 1)
                ):
                    raise UnsafeArchive(
                        f"part {info.filename!r} would unpack to {info.file_size} bytes from "
                        f"{info.compress_size}: a zip bomb dressed as a .docx?",
                        path=str(path),
                    )
                if info.filename.lower().endswith((".xml", ".rels")):
                    with zf.open(info) as part:
                        head = part.read(_HEAD_BYTES)
                    if _DTD.search(head):
                        raise UnsafeXml(
                            f"part {info.filename!r} declares a DTD (external entities or entity "
                            "expansion); Word never writes one, so the file was refused unread",
                            path=str(path),
                        )
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, ValueError, OSError) as e:
        # OSError: zipfile seeking to an offset a damaged directory gives (EINVAL)
        raise CorruptFile(f"cannot open as .docx: {e}", path=str(path)) from e
    except RuntimeError as e:  # zipfile: "File ... is encrypted, password required"
        raise CorruptFile(f"cannot open as .docx: {e}", path=str(path)) from e


class _BodyReader:
    def __init__(self, document):
        self.styles = _read_styles(document)
        self.numbering = _Numbering(document)

    def read(self, body) -> list[Block]:
        blocks: list[Block] = []
        self._walk(body, blocks)
        return blocks

    def _walk(self, parent, blocks: list[Block]) -> None:
        for child in parent:
            tag = child.tag
            if tag == _w + "p":
                self._paragraph(child, blocks)
            elif tag == _w + "tbl":
                self._table(child, blocks)
            elif tag in _TRANSPARENT:
                self._walk(child, blocks)
            elif tag == _mc + "AlternateContent":
                choice = child.find(_mc + "Choice")
                if choice is not None:
                    self._walk(choice, blocks)

    def _paragraph(self, p, blocks: list[Block]) -> None:
        text = _paragraph_text(p)
        style_id = _attr(p.find(f"{_w}pPr/{_w}pStyle"), "val")
        num_id, ilvl = _num_pr(p, self.styles, style_id)
        label = self.numbering.label(num_id, ilvl) if num_id else ""
        if text.strip():
            kind, level = self._heading(p, style_id)
            blocks.append(Block(label + text, kind=kind, level=level))
        for box in _text_boxes(p):
            self._walk(box, blocks)

    def _heading(self, p, style_id: str | None) -> tuple[str, int | None]:
        outline = _attr(p.find(f"{_w}pPr/{_w}outlineLvl"), "val")
        name_level, style_outline = self.styles.heading(style_id)
        if outline is None:
            outline = style_outline
        if name_level is not None:
            return "heading", name_level
        if outline is not None and outline.isdigit() and int(outline) < 9:
            return "heading", int(outline) + 1
        return "paragraph", None

    def _table(self, tbl, blocks: list[Block]) -> None:
        for tr in tbl.iter(_w + "tr"):
            if _nearest(tr, _w + "tbl") is not tbl:
                continue  # a row of a nested table, read with its own table
            cells, nested = [], []
            for tc in tr.iter(_w + "tc"):
                if _nearest(tc, _w + "tr") is not tr:
                    continue
                parts = []
                for p in tc.iter(_w + "p"):
                    if _nearest(p, _w + "tc") is tc and _nearest(p, _w + "txbxContent") is None:
                        t = _paragraph_text(p)
                        if t.strip():
                            parts.append(t)
                cells.append(" ".join(parts))
                nested += [t for t in tc.iter(_w + "tbl") if _nearest(t.getparent(), _w + "tc") is tc]
            if any(c.strip() for c in cells):
                blocks.append(Block("\t".join(cells), kind="table_row"))
            for t in nested:
                self._table(t, blocks)


def _paragraph_text(p) -> str:
    """The text of a paragraph as shown, without its text boxes."""
    out: list[str] = []
    _collect(p, out)
    return "".join(out)


def _collect(el, out: list[str]) -> None:
    for child in el:
        tag = child.tag
        if not isinstance(tag, str):
            continue  # comments, processing instructions, unexpanded entities
        if tag == _w + "t":
            out.append(child.text or "")
        elif tag == _w + "tab":
            out.append("\t")
        elif tag in (_w + "br", _w + "cr"):
            if _attr(child, "type") not in ("page", "column"):
                out.append("\n")
        elif tag == _w + "noBreakHyphen":
            out.append("-")
        elif tag in (_w + "txbxContent", _w + "pPr", _w + "rPr", _w + "del", _w + "moveFrom"):
            continue
        elif tag == _mc + "Fallback":
            continue  # the same content as mc:Choice, in VML
        else:
            _collect(child, out)


def _text_boxes(p):
    """Outermost text boxes anchored in paragraph ``p``, skipping VML fallbacks."""
    for box in p.iter(_w + "txbxContent"):
        if _nearest(box.getparent(), _w + "txbxContent") is not None:
            continue
        if _nearest(box, _mc + "Fallback") is not None:
            continue
        yield box


def _nearest(el, tag: str):
    """The nearest ancestor-or-self of ``el`` with ``tag``."""
    while el is not None:
        if el.tag == tag:
            return el
        el = el.getparent()
    return None


def _attr(el, name: str) -> str | None:
    if el is None:
        return None
    return el.get(_w + name)


def _num_pr(p, styles: _Styles, style_id: str | None) -> tuple[str | None, int]:
    num_pr = p.find(f"{_w}pPr/{_w}numPr")
    if num_pr is not None:
        num_id = _attr(num_pr.find(_w + "numId"), "val")
        ilvl = _attr(num_pr.find(_w + "ilvl"), "val") or "0"
        if num_id and num_id != "0":
            return num_id, int(ilvl) if ilvl.isdigit() else 0
        return None, 0
    return styles.num_pr(style_id)


class _Styles:
    def __init__(self):
        self.by_id: dict[str, dict] = {}

    def _chain(self, style_id: str | None):
        seen = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            yield self.by_id[style_id]
            style_id = self.by_id[style_id]["based_on"]

    def heading(self, style_id: str | None) -> tuple[int | None, str | None]:
        """(level from the style name, outline level) of a paragraph style."""
        name_level = outline = None
        for style in self._chain(style_id):
            name = style["name"].strip().lower()
            if name_level is None:
                m = _HEADING_STYLE.match(name)
                if m:
                    name_level = int(m.group(1))
                elif name in _TITLE_STYLES:
                    name_level = 0
            if outline is None:
                outline = style["outline"]
        return name_level, outline

    def num_pr(self, style_id: str | None) -> tuple[str | None, int]:
        for style in self._chain(style_id):
            if style["num_id"]:
                return (style["num_id"] if style["num_id"] != "0" else None), style["ilvl"]
        return None, 0


def _read_styles(document) -> _Styles:
    styles = _Styles()
    try:
        root = document.styles.element
    except (KeyError, NotImplementedError):
        return styles
    for s in root.iter(_w + "style"):
        sid = s.get(_w + "styleId")
        if not sid:
            continue
        num_pr = s.find(f"{_w}pPr/{_w}numPr")
        ilvl = _attr(num_pr.find(_w + "ilvl"), "val") if num_pr is not None else None
        styles.by_id[sid] = {
            "name": _attr(s.find(_w + "name"), "val") or sid,
            "based_on": _attr(s.find(_w + "basedOn"), "val"),
            "outline": _attr(s.find(f"{_w}pPr/{_w}outlineLvl"), "val"),
            "num_id": _attr(num_pr.find(_w + "numId"), "val") if num_pr is not None else None,
            "ilvl": int(ilvl) if ilvl and ilvl.isdigit() else 0,
        }
    return styles


class _Numbering:
    """Renders automatic list labels (一、 （二） 3.) by counting as Word does."""

    def __init__(self, document):
        self.levels: dict[str, dict[int, dict]] = {}  # numId -> ilvl -> {fmt, text, start}
        self.abstract_of: dict[str, str] = {}
        self.counters: dict[str, list[int]] = {}  # abstractNumId -> counters per level
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        abstract: dict[str, dict[int, dict]] = {}
        for a in root.iter(_w + "abstractNum"):
            levels = {}
            for lvl in a.iter(_w + "lvl"):
                ilvl = lvl.get(_w + "ilvl", "0")
                start = _attr(lvl.find(_w + "start"), "val") or "1"
                levels[int(ilvl) if ilvl.isdigit() else 0] = {
                    "fmt": _attr(lvl.find(_w + "numFmt"), "val") or "decimal",
                    "text": _attr(lvl.find(_w + "lvlText"), "val") or "",
                    "start": int(start) if start.lstrip("-").isdigit() else 1,
                }
            abstract[a.get(_w + "abstractNumId", "")] = levels
        for num in root.iter(_w + "num"):
            num_id = num.get(_w + "numId", "")
            aid = _attr(num.find(_w + "abstractNumId"), "val") or ""
            self.abstract_of[num_id] = aid
            self.levels[num_id] = abstract.get(aid, {})

    def label(self, num_id: str, ilvl: int) -> str:
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        key = self.abstract_of.get(num_id, num_id)
        counters = self.counters.setdefault(key, [0] * 9)
        ilvl = min(ilvl, 8)
        counters[ilvl] = counters[ilvl] + 1 if counters[ilvl] else levels[ilvl]["start"]
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        lvl = levels[ilvl]
        if lvl["fmt"] == "bullet" or lvl["fmt"] == "none":
            return ""

        def placeholder(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            if k not in levels:
                return ""
            value = counters[k] or levels[k]["start"]
            return _format_number(value, levels[k]["fmt"])

        return re.sub(r"%(\d)", placeholder, lvl["text"])


_CN_DIGITS = "零一二三四五六七八九"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographDigital"):
        return _chinese(n)
    if fmt in ("ideographTraditional", "ideographZodiac"):
        seq = _TIANGAN if fmt == "ideographTraditional" else _DIZHI
        return seq[(n - 1) % len(seq)]
    if fmt in ("upperLetter", "lowerLetter"):
        s = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return s if fmt == "upperLetter" else s.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        s = _roman(n)
        return s if fmt == "upperRoman" else s.lower()
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    return str(n)


def _chinese(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (up to 9999)."""
    if n <= 0 or n >= 10000:
        return str(n)
    parts = []
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            parts.append(_CN_DIGITS[digit] + unit)
        elif parts and n:
            parts.append("零")
    s = "".join(parts).replace("零零", "零")
    return s[1:] if s.startswith("一十") else s


def _roman(n: int) -> str:
    out = []
    for value, numeral in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)
