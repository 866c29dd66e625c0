"""From a reader's blocks to clean documents.

Web copies of work summaries arrive wrapped in site furniture (breadcrumbs,
posting times, download prompts, ratings, related-article teasers,
copyright footers) and sometimes hold several articles on one page
(第1篇 … 第2篇 …). Cleaning drops the furniture, normalises character width,
splits such pages into one document per article and keeps, for every
character of the clean text, the position it came from.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from zongjie.corpus.document import Block, Document, RawDocument
from zongjie.corpus.normalize import normalize

# A whole line that is site furniture. Anchored and short: real sentences that
# mention 下载 or 版权 in passing are not touched.
_FURNITURE_LINE = re.compile(
    r"""^(?:
        (?:当前位置|您的位置|你的位置|所在位置|位置)\s*[:：].{0,80}
      | [^。，,；;]{0,40}(?:\s*[>»›]\s*[^。，,；;>»›]{1,20}){1,}\s*[>»›]\s*[^。，,；;>»›]{1,60}   # breadcrumb a > b > c
      | (?:[^|｜。，,；;\d]{1,8}[|｜]){2,}[^|｜。，,；;\d]{1,8}                      # a bar of links: 设为首页 | 收藏本站 | 登录 (no figures: a table row keeps them)
      | (?:发布时间|发布日期|更新时间|发表时间|日期|来源|作者|编辑|责任编辑|浏览次数|阅读次数|点击数|热度|查看人数|查看|字号|字体)\s*[:：].{0,80}
      | 时间\s*[:：]\s*\d{4}-\d{1,2}-\d{1,2}(?:\s.{0,80})?                          # 时间：2026-02-02 10:26 来源：…
      | \d{4}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*\|.{0,80}   # 2011-11-23 13:50| 发布者: vv7| 查看: 384
      | .{0,30}(?:上一篇|下一篇|上一条|下一条)\s*[:：].{0,80}                  # 下载本文 | 上一篇：… 下一篇：…
      | 摘要\s*[:：].*                                                     # a portal's excerpt of the opening
      | [【\[]?(?:本文)?标签[】\]]?\s*[:：]?.{0,60}                          # 【本文标签】工作总结 疾控中心
      | .{0,30}(?:本文档由|仅供学习交流|如有侵权|侵权请联系).{0,60}            # a document site's disclaimer
      | 相关文档\s*[:：].{0,100}
      | (?:\s*[【\[][^【】\[\]]{1,6}[】\]]){2,}\s*                                # 【打印本页】 【关闭窗口】 【收藏本页】
      | [【\[](?:打印本页|关闭窗口|打印|关闭|收藏|收藏本页|返回顶部|返回)[】\]]
      | 发表于\s*\d{4}-\d{1,2}-\d{1,2}.{0,60}                                      # a forum post's header (Discuz)
      | (?:楼主|沙发|板凳|地板|\d{1,4}\s*[#楼])
      | 回复\s*引用(?:\s*TOP)?|TOP
      | 本帖最后由.{0,40}编辑
      | 上一主题.{0,10}下一主题
      | 查看\s*[:：]\s*\d+\s*[|｜]\s*回复\s*[:：]\s*\d+
      | [A-Za-z]{2,16}\d{2,6}|[A-Za-z]{1,12}_[A-Za-z0-9_]{1,12}                       # a user's handle alone on its line (xiaolin1986, ws_2008)
      | (?:主办|承办|协办|主管|网站标识码|网站识别码)(?:单位)?\s*[:：].{0,80}              # a portal's footer
      | 第\s*\d+\s*页\s*[/／]\s*共\s*\d+\s*页                                    # 第6页 / 共6页
      | [【\[]?(?:推荐阅读|相关阅读|延伸阅读|相关推荐|相关文章|相关链接|相关信息|猜你喜欢|热门推荐)[】\]]?\s*[:：]\s*(?:[^|｜]{1,40}[|｜]){1,}[^|｜]{1,40}   # 推荐阅读：a | b | c
      | 《[^《》]{1,80}\.(?:docx?|wps|pdf|txt)》
      | .{0,20}(?:点击下载|免费下载|下载文档|文档下载|下载本文|免费预览已结束|剩余\d*.{0,6}未读|继续阅读|阅读全文|查看全文|展开全文|方便收藏和打印).{0,30}
      | (?:推荐度|相关范文|最新加入范文|分类查询入口|一键复制|上一篇|下一篇|返回顶部|返回首页|返回列表|找回密码|注册|登录|手机版|关闭窗口|打印本页|打印此页|收藏本站|设为首页|加入收藏|分享到|微信扫一扫|扫一扫|Baidu|栏目|鲜花|握手|雷人|鸡蛋|路过|顶|踩|举报)\s*[:：]?.{0,12}
      | .{0,40}(?:Copyright|COPYRIGHT|copyright|©|版权所有|ICP备|ICP证|Powered\ by|GMT\+\d|技术支持\s*[:：]).{0,80}
      | (?:欢迎光临|欢迎访问|欢迎来到).{0,30}
      | .{0,30}本文由.{0,20}(?:收集|整理|编辑|发布).{0,200}
      | (?:联系电话|联系方式|联系我们|客服|QQ|qq|邮箱|E-?mail)\s*[:：]?.{0,60}
      | 共\s*\d+\s*页.{0,30}
      | \d{1,3}
    )$""",
    re.X,
)

# A pager glued to the end of a content line: 有新的进展共3页,当前第1页123<>
_TRAILING_PAGER = re.compile(r"共\s*\d+\s*页\s*[,，]?\s*当前第\s*\d+\s*页[\d<>\s上下一页首尾]*$")

# Lines after which the rest of a page is site appendix, not document.
# the end of a forum post (回复 引用 TOP) or the header of the next (发表于 2010-1-14 11:02 | 只看该作者)
_FORUM_POST_END = re.compile(r"^(?:回复\s*引用(?:\s*TOP)?|发表于\s*\d{4}-\d{1,2}-\d{1,2}.{0,40}只看该作者.*)$")
# (本作品是中华人民共和国的…: the licence box a Wikisource copy ends on)
_TAIL_MARKER = re.compile(r"(?:^本作品是|的延伸内容|延伸阅读|相关阅读|相关文章|相关推荐|相关文档推荐|相关信息|相关链接|推荐阅读|猜你喜欢|热门推荐|相关范文|最新加入范文)")

# A teaser of a related article: an excerpt cut off with an ellipsis; some say so.
_TEASER_LABEL = re.compile(r"^[【\[]?(?:相关阅读|延伸阅读|相关文章|相关推荐|推荐阅读|猜你喜欢)[】\]]?\s*[:：]")
_TEASER = re.compile(r"(?:\.{3,}|…+|。。。)\s*$")

# 第3篇 卫生局上半年工作总结及下半年工作打算 2400字
_ARTICLE_HEAD = re.compile(r"^第\s*(?:\d+|[一二三四五六七八九十百]+)\s*篇(?:\s*[:：、]?\s*)(?P<title>.*)$")
_WORD_COUNT = re.compile(r"\s*\d{2,6}\s*字\s*$")


@dataclass
class _Line:
    text: str  # normalised, stripped
    raw_start: int  # where ``text`` starts in the raw text
    runs: list[tuple[int, int]]  # normalise() runs, relative to the stripped line
    kind: str
    level: int | None
    page: int | None


def is_furniture(line: str) -> bool:
    """Whether a whole line is web-page furniture.

    >>> is_furniture("发布时间:2019-02-27 热度:13"), is_furniture("今年投入3000余万元。")
    (True, False)
    """
    return bool(_FURNITURE_LINE.match(line.strip()))


def _lines(raw: RawDocument) -> tuple[str, list[_Line]]:
    """Normalised, non-empty lines with their positions in the raw text."""
    raw_parts: list[str] = []
    lines: list[_Line] = []
    pos = 0
    for block in raw.blocks:
        raw_parts.append(block.text)
        offset = 0
        for piece in block.text.split("\n"):
            text, runs = normalize(piece)
            stripped = text.strip()
            if stripped:
                lead = len(text) - len(text.lstrip())
                fixed = _restart(runs, lead)
                lines.append(_Line(stripped, pos + offset, fixed, block.kind, block.level, block.page))
            offset += len(piece) + 1
        pos += len(block.text) + 1
    return "\n".join(raw_parts), lines


def _restart(runs: list[tuple[int, int]], lead: int) -> list[tuple[int, int]]:
    """Runs for the text with its first ``lead`` characters cut off."""
    out: list[tuple[int, int]] = []
    for n, o in runs:
        if n <= lead:
            out = [(0, o + (lead - n))]
        else:
            out.append((n - lead, o))
    return out


def _drop_furniture(lines: list[_Line]) -> list[_Line]:
    total = sum(len(x.text) for x in lines) or 1
    kept: list[_Line] = []
    seen = 0
    for k, line in enumerate(lines):
        seen += len(line.text)
        if seen > 0.5 * total and _FORUM_POST_END.match(line.text):
            break  # the first post of a thread is the document; replies follow
        if seen > 0.6 * total and len(line.text) < 60 and _TAIL_MARKER.search(line.text):
            if not _article_follows(lines, k + 1):
                break
            continue  # a teaser between two articles of one page: the next article follows
        if line.kind != "table_row" and is_furniture(line.text):
            continue
        pager = _TRAILING_PAGER.search(line.text)
        if pager:
            line.text = line.text[: pager.start()].rstrip()
            if not line.text:
                continue
        kept.append(line)
    return _drop_masthead(_drop_teasers(kept))


def _article_follows(lines: list[_Line], k: int) -> bool:
    """Whether another article of the page starts at or after line ``k``: a 第N篇 heading,
    or a title (after furniture) with a whole article's text below it."""
    if any(_ARTICLE_HEAD.match(x.text) for x in lines[k:]):
        return True
    rest = [x for x in lines[k:] if not is_furniture(x.text)]
    return bool(rest) and _is_title(rest[0].text) and sum(len(x.text) for x in rest[1:]) >= _NEXT_ARTICLE_MIN


def _drop_teasers(lines: list[_Line]) -> list[_Line]:
    """Remove clusters of related-article teasers (excerpts ending in '...').

    One paragraph ending in an ellipsis can be the author's; three within a
    short stretch are a site's "related articles" block. The stretch between
    the first and the last teaser of a cluster goes with them.
    """
    teaser = [bool(_TEASER.search(x.text)) and len(x.text) > 30 for x in lines]
    # 相关阅读：…… ending in an ellipsis says what it is: it goes alone too (a page of several articles
    # puts one after each)
    drop = [t and bool(_TEASER_LABEL.match(x.text)) for t, x in zip(teaser, lines, strict=True)]
    i = 0
    while i < len(lines):
        if not teaser[i]:
            i += 1
            continue
        j, last, count = i, i, 0
        while j < len(lines) and j - last <= 2:
            if teaser[j]:
                last, count = j, count + 1
            j += 1
        if count >= 3:
            for k in range(i, last + 1):
                drop[k] = True
        i = last + 1
    return [x for x, d in zip(lines, drop, strict=True) if not d]


_TITLE_WORDS = re.compile(r"总结|计划|报告|打算|要点|汇报|讲话|思路|安排|规划|意见|通知|决算|预算|年报")


def _drop_masthead(lines: list[_Line]) -> list[_Line]:
    """Drop a site name or slogan above the title (两全其美网校城).

    Only short lines that are not sentences and name no kind of document, and
    only when a title-like line follows within the first few lines.
    """
    for i, line in enumerate(lines[:4]):
        if _TITLE_WORDS.search(line.text) or _ARTICLE_HEAD.match(line.text):
            return lines[i:] if all(len(x.text) <= 20 and "。" not in x.text for x in lines[:i]) else lines
    return lines


def _split_articles(lines: list[_Line]) -> list[tuple[str | None, list[_Line]]]:
    """Split a multi-article page at its 第N篇 headings (two or more of them)."""
    heads = [i for i, x in enumerate(lines) if len(x.text) < 80 and _ARTICLE_HEAD.match(x.text)]
    if len(heads) < 2:
        return [(None, lines)]
    parts: list[tuple[str | None, list[_Line]]] = []
    preamble = lines[: heads[0]]
    if sum(len(x.text) for x in preamble) > 300:  # real content before the first article: keep it
        parts.append((None, preamble))
    for a, b in zip(heads, heads[1:] + [len(lines)], strict=True):
        parts.append((lines[a].text, lines[a:b]))
    return parts


# A signature's date line: 2018年12月20日, 二〇一二年一月九日
_SIGNATURE_DATE = re.compile(r"^(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月\s*[\d一二三四五六七八九十]{1,3}\s*日$")
_NEXT_ARTICLE_MIN = 300  # characters of text after a new title, for it to be an article and not a closing line


def _is_title(text: str) -> bool:
    """A line that reads as a document's title: short, no sentence, names a kind of document."""
    return len(text) <= 60 and not re.search(r"[。，,；;：:]", text) and bool(_TITLE_WORDS.search(text))


def _split_at_signatures(article: str | None, lines: list[_Line]) -> list[tuple[str | None, list[_Line]]]:
    """Split where an article ends on its signature and another starts on its own title.

    A page of several articles without 第N篇 headings (a bureau's 爱国卫生 summary,
    then its 医政 summary) shows the seam as a signature (the body's name, a
    date line) followed at once by a title line and a whole article's text.
    """
    cuts = [i + 1 for i in range(1, len(lines) - 1)
            if _SIGNATURE_DATE.match(lines[i].text) and len(lines[i - 1].text) <= 30
            and "。" not in lines[i - 1].text and _is_title(lines[i + 1].text)
            and sum(len(x.text) for x in lines[i + 2:]) >= _NEXT_ARTICLE_MIN]
    if not cuts:
        return [(article, lines)]
    parts: list[tuple[str | None, list[_Line]]] = []
    for a, b in zip([0, *cuts], [*cuts, len(lines)], strict=True):
        part = lines[a:b]
        heading = article if a == 0 else part[0].text
        if a == 0 and article is None:
            # the last of the titles the page opens on: the page's own, then the first article's
            titles = list(itertools.takewhile(lambda x: _is_title(x.text), part[:4]))
            heading = titles[-1].text if titles else None
        parts.append((heading, part))
    return parts


def article_title(heading: str) -> str:
    """The title inside an article heading: 第3篇 X 2400字 → X."""
    m = _ARTICLE_HEAD.match(heading)
    title = m.group("title") if m else heading
    return _WORD_COUNT.sub("", title).strip()


def _assemble(raw: RawDocument, raw_text: str, article: str | None, lines: list[_Line]) -> Document:
    parts: list[str] = []
    runs: list[tuple[int, int]] = []
    blocks: list[tuple[int, int, str, int | None]] = []
    pages: list[tuple[int, int, int]] = []
    pos = 0
    for line in lines:
        for n, o in line.runs:
            runs.append((pos + n, line.raw_start + o))
        blocks.append((pos, pos + len(line.text), line.kind, line.level))
        if line.page is not None:
            if pages and pages[-1][2] == line.page and pages[-1][1] == pos - 1:
                pages[-1] = (pages[-1][0], pos + len(line.text), line.page)
            else:
                pages.append((pos, pos + len(line.text), line.page))
        parts.append(line.text)
        pos += len(line.text) + 1
    text = "\n".join(parts)
    return Document(
        text=text,
        source=raw.source,
        format=raw.format,
        member=raw.member,
        article=article,
        pages=pages,
        blocks=blocks,
        raw_text=raw_text,
        raw_offsets=runs,
        encoding=raw.encoding,
        ocr=raw.hints.get("ocr"),
    )


def clean(raw: RawDocument) -> Iterator[Document]:
    """Clean one raw document into one or more documents (one per article).

    Documents with no text left after cleaning are not yielded.
    """
    raw_text, lines = _lines(raw)
    lines = _drop_furniture(lines)
    for article, whole in _split_articles(lines):
        for heading, part in _split_at_signatures(article, whole):
            doc = _assemble(raw, raw_text, heading, part)
            if doc.text.strip():
                yield doc


def clean_text(text: str, source: str = "<text>") -> list[Document]:
    """Clean a plain string (one block per line); handy in notebooks and tests."""
    raw = RawDocument(blocks=[Block(line) for line in text.split("\n")], source=source, format="txt")
    return list(clean(raw))


def furniture_dates(raw: RawDocument) -> list[str]:
    """Publication dates stated in furniture lines (发布时间:2019-02-27), as YYYY-MM-DD."""
    found = []
    for block in raw.blocks[:40]:
        for m in re.finditer(r"(?:发布时间|发布日期|发表时间|日期)\s*[:：]\s*(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})", block.text):
            found.append(f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}")
        m = re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s+\d{1,2}:\d{2}\s*\|", block.text)
        if m:
            found.append(f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}")
    return found
