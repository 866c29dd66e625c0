"""Saved web pages: the article's text, without the site around it.

Steps: decode (``<meta charset>`` first, then as :mod:`zongjie.corpus.text`
does), parse with lxml's HTML parser (which loads nothing from the
network), drop furniture (script, style, nav, header, footer, aside, form,
iframe, and elements whose class or id says nav/menu/footer/comment/share/
related…), pick the container with the most text that is not link text,
and emit one block per block-level element: ``h1``–``h6`` as headings,
``p``/``li``/``div`` text as paragraphs (split at ``<br>``), ``tr`` as
table rows. Whitespace runs collapse to one space, as a browser shows them.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
from lxml import etree

from zongjie.corpus.document import Block, RawDocument
from zongjie.corpus.text import MAX_TEXT_BYTES, check_size, decode_bytes
from zongjie.errors import CorruptFile, EmptyDocument

_DROP_TAGS = {
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "button",
    "select",
    "input",
    "textarea",
    "svg",
    "canvas",
    "template",
    "object",
    "embed",
}
_FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|footer|foot|header|breadcrumbs?|crumbs?|comments?|share|"
    r"related|sidebar|side|toolbar|ads?|advert|banner|copyright|login|search|pager|pagination|"
    r"social|recommend|hot|links?|friendlink|bdshare)(?:$|[\s_\d-])",
    re.IGNORECASE,
)
_BLOCK_TAGS = {
    "p",
    "div",
    "li",
    "section",
    "article",
    "main",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "td",
    "th",
    "ul",
    "ol",
    "dl",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "center",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "body",
    "figure",
    "figcaption",
    "address",
}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_SPACE = re.compile(r"[ \t\r\n\f]+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def read_html(path: Path, *, source: str | None = None, member: str | None = None) -> RawDocument:
    """Read the main text of a saved web page.

    Args:
        path: the file on disk.
        source: the path to record (the archive's, for a member); ``path`` by default.
        member: the path inside an archive, if any.

    Returns:
        a RawDocument; ``hints`` holds ``title`` (the article's first
        ``<h1>``, else ``<title>``) and ``url`` (from ``<link rel=canonical>`` or
        ``og:url``) when the page has them.

    Example: a page with ``<nav>首页 | 政务公开</nav><div class="content"><p>各位代表：</p>…``
    gives blocks ``['各位代表：', …]``.
    """
    path = Path(path)
    check_size(path, MAX_TEXT_BYTES, "an HTML file")
    data = path.read_bytes()
    text, encoding = _decode(data, str(path))
    # lxml refuses str input that carries an XML encoding declaration.
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    # Control characters are never content, and lxml refuses to move text
    # holding them when it drops furniture (found by fuzz/fuzz_html.py).
    text = _XML_ILLEGAL.sub("", text)
    if not text.strip():
        raise EmptyDocument("HTML file is empty", path=str(path))
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as e:
        raise CorruptFile(f"cannot parse HTML: {e}", path=str(path)) from e

    hints = _hints(root)
    _drop_furniture(root)
    body = root.find("body")
    container = _main_container(body if body is not None else root)
    blocks: list[Block] = []
    _emit(container, blocks, [])
    blocks = [b for b in blocks if b.text]
    if not blocks:
        raise EmptyDocument("no main text found in the HTML page", path=str(path))
    # The article's <h1> beats <title>, which carries the site's name too.
    first_h1 = next((b.text for b in blocks if b.kind == "heading" and b.level == 1), None)
    if first_h1:
        hints["title"] = first_h1
    return RawDocument(
        blocks=blocks,
        source=source or str(path),
        format="html",
        member=member,
        hints=hints,
        encoding=encoding,
    )


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _decode(data: bytes, name: str) -> tuple[str, str]:
    m = _META_CHARSET.search(data[:4096])
    if m and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        declared = m.group(1).decode("ascii").lower()
        if declared in ("gbk", "gb2312", "gb_2312-80", "x-gbk"):
            declared = "gb18030"
        try:
            return data.decode(declared), declared
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common; detect instead
    return decode_bytes(data, name=name)


def _hints(root) -> dict:
    hints = {}
    title = root.findtext(".//title")
    if title and title.strip():
        hints["title"] = _SPACE.sub(" ", title).strip()
    for xpath in ('.//link[@rel="canonical"]/@href', './/meta[@property="og:url"]/@content'):
        found = root.xpath(xpath)
        if found:
            hints["url"] = found[0].strip()
            break
    return hints


def _drop_furniture(root) -> None:
    doomed = []
    total = _text_len(root)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag in ("html", "body"):
            continue
        if tag in _DROP_TAGS:
            doomed.append(el)
            continue
        marker = " ".join(filter(None, (el.get("class"), el.get("id"), el.get("role"))))
        # A furniture-sounding wrapper that holds most of the page is the page.
        if marker and _FURNITURE.search(marker) and _text_len(el) < 0.5 * total:
            doomed.append(el)
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            # drop_tree keeps the tail text, which belongs to the parent.
            el.drop_tree()


def _text_len(el) -> int:
    return len(_SPACE.sub("", el.text_content()))


def _link_len(el) -> int:
    return sum(len(_SPACE.sub("", a.text_content())) for a in el.iter("a"))


def _main_container(body):
    """The element holding the article: most non-link text, scored per paragraph.

    Each paragraph-like element adds its text length to its parent and half
    of it to its grandparent (as Readability does), so the winner is the
    tightest element around the paragraphs rather than ``<body>``.
    """
    scores: dict = {}
    for el in body.iter("p", "div", "td", "li", "pre", "section", "article", "font", "span"):
        own = len(_SPACE.sub("", (el.text or "") + "".join(c.tail or "" for c in el)))
        if el.tag == "p":
            own = _text_len(el)
        if own < 10:
            continue
        density = _link_len(el) / max(_text_len(el), 1)
        score = own * (1 - density)
        parent = el.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + score
            grand = parent.getparent()
            if grand is not None:
                scores[grand] = scores.get(grand, 0) + score / 2
    if not scores:
        return body
    best = max(scores, key=lambda el: scores[el])
    total = _text_len(body)
    # A page that is all article (no furniture left) is read whole.
    if best is body or _text_len(best) < 0.2 * total:
        return body
    # Climb while the parent adds little but a title line and a byline.
    while (parent := best.getparent()) is not None and parent is not body:
        if _text_len(parent) > 1.3 * _text_len(best) + 20:
            break
        best = parent
    return best


def _emit(el, blocks: list[Block], buffer: list[str]) -> None:
    """Walk ``el``, flushing inline text into a block at each block boundary."""
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if tag in _HEADINGS:
        _flush(blocks, buffer)
        blocks.append(Block(_collapse(el.text_content()), kind="heading", level=_HEADINGS[tag]))
        return
    if tag == "tr":
        _flush(blocks, buffer)
        cells = [
            _collapse(c.text_content())
            for c in el
            if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")
        ]
        if any(cells):
            blocks.append(Block("\t".join(cells), kind="table_row"))
        return
    if tag == "br":
        _flush(blocks, buffer)
        return
    is_block = tag in _BLOCK_TAGS
    if is_block:
        _flush(blocks, buffer)
    if el.text:
        buffer.append(el.text)
    for child in el:
        if isinstance(child.tag, str):
            _emit(child, blocks, buffer)
        if child.tail:
            buffer.append(child.tail)
    if is_block:
        _flush(blocks, buffer)


def _flush(blocks: list[Block], buffer: list[str]) -> None:
    text = _collapse("".join(buffer))
    buffer.clear()
    if text:
        blocks.append(Block(text))


def _collapse(text: str) -> str:
    # Collapse ASCII whitespace as a browser does; keep \u3000 and \xa0 indents.
    return _SPACE.sub(" ", text).strip(" ")
