"""Indicators: a quantity bound to the name of what it measures.

Chinese reports put the name before the number (建档率84%, 检查医疗机构***家,
标准化建设率达100%) or, with a measure word, after it (7个基层医疗卫生单位,
8支健康教育宣讲团). We read the clause around each quantity: the words on the
left up to a clause boundary, with the copula (达到, 为, 有…) taken off, or
the noun phrase on the right when the left names nothing. Lists under 分别
(城镇职工、居民参保率分别达x%、x%) are distributed over their items, and a
name the sentence leaves implicit (建档率) is completed from the clause
before it. ``kind`` is ``target`` in plan sections and under target verbs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from zongjie.corpus.document import Document, Sentence
from zongjie.extract.facts import Indicator, Quantity

RULE_LEFT = "indicator.name_left.v1"
RULE_RIGHT = "indicator.name_right.v1"
RULE_SHARED = "indicator.name_distributed.v1"
RULE_NONE = "indicator.name_missing.v1"

# where a name cannot reach across
_BOUNDARY = re.compile(r"[，,；;。！？!?：:\n（(）)“”\"]|——")
_LIST_SEP = "、"
# copulas and level verbs between a name and its number (longest first)
_COPULA = re.compile(
    r"(?:分别(?:达到了|达到|达|为|是|有|占)?|(?:已经|已|均|共|总|累计|合计|全年|共计|总计|总数)?"
    r"(?:达到了|达到|达|为|是|有|计|占|超过|突破|逾|约|近|接近|大约|不少于|不低于|不超过|至少|控制在|保持在|稳定在|提高到|提升到|提高至|提升至|降低到|降至|下降到|上升到|增加到|增至)?"
    r"(?:了)?)$"
)
_LEADING = re.compile(r"^(?:其中|同时|此外|另外|并|并且|而且|还|共|全年|目前|截至目前|截止目前|今年以来|上半年|下半年|一是|二是|三是|四是|五是|六是|七是|八是|九是|十是|[一二三四五六七八九十]+是|\d+[、.])+")
_WEAK_LEFT = re.compile(r"^(?:[对在为向把将给与和及或的有共了等其]|共有|新增|新建|建成|组建|完成|全区|全市|全县|全省|全国|已有|现有|其中|累计|先后|共计|合计|总计|以上的?|以下的?)$")
_ENDS_WITH_LINK = re.compile(r"(?:和|及|与|以及|或|、|等|对|在|向|为|把|将|给|使|让)$")
# measure words that count things named after the number
_COUNTERS = set("个家所处名支种项座条台张辆批例位床间栋套块幅份部辆篇期场轮级类")
_VERB_STOP = re.compile(
    r"(?:的基础上|实施|开展|进行|完成|通过|创建|达到|达|被|获得|获|荣获|顺利|全部|均|已|正在|参加|参与|接受|纳入|实行|落实|建立|投入|开工|竣工|"
    r"覆盖|配备|使用|签订|签约|评为|成为|列入|确定|验收|挂牌|启动|运行|运转|设立|成立|提供|发放|举办|组织|培训|检查|处理|查处|受理|接诊|服务|"
    r"，|,|；|;|。|、|和|及|与|等|在|中|上|下|内|为|有|是)"
)
_PERSON_END = re.compile(r"[人员者民生妇童士师工口户长属众部]$")
_TARGET_WORDS = re.compile(
    r"要|将|力争|确保|争取|计划|拟|预计|目标|控制在|以内|不超过|不低于|不少于|努力|预期|左右|力求|年内|年底前|年底|到\d{4}年|至\d{4}年|"
    r"必须|应当|应|需要|需"
)
_RETRO = re.compile(r"(?:确保|实现|完成|达到)了|已经|已|实现了|完成了|取得了")


def _strip_copula(text: str) -> str:
    prev = None
    while prev != text:
        prev = text
        m = _COPULA.search(text)
        if m and m.start() < len(text):
            text = text[: m.start()]
    return text


def left_name(text: str, start: int, floor: int) -> tuple[str, int]:
    """The name on the left of a quantity starting at ``start``; (name, name_start)."""
    lo = max(floor, start - 40)
    window = text[lo:start]
    cut = 0
    for m in _BOUNDARY.finditer(window):
        cut = m.end()
    window = window[cut:]
    name = _strip_copula(window.rstrip())
    lead = _LEADING.match(name)
    offset = lo + cut
    if lead:
        name, offset = name[lead.end():], offset + lead.end()
    # an enumeration before the name (A、B、C类) belongs to the list, not this item
    if _LIST_SEP in name:
        i = name.rfind(_LIST_SEP) + 1
        name, offset = name[i:], offset + i
    if len(name) > 24:
        offset += len(name) - 24
        name = name[-24:]
    return name, offset


def right_name(text: str, end: int, limit: int) -> tuple[str, int]:
    """The noun phrase after a counted quantity (7个|基层医疗卫生单位)."""
    window = text[end: min(limit, end + 30)]
    m = _VERB_STOP.search(window, 1) if len(window) > 1 else None
    phrase = window[: m.start()] if m else window
    head_start = end
    if "的" in phrase:
        i = phrase.rfind("的") + 1
        phrase, head_start = phrase[i:], end + i
    if not phrase or not re.match(r"[\u4e00-\u9fa5A-Za-z“]", phrase):
        return "", end
    return phrase[:16], head_start


def _sentence_at(sentences: Sequence[Sentence], offset: int) -> int | None:
    lo, hi = 0, len(sentences)
    while lo < hi:
        mid = (lo + hi) // 2
        if sentences[mid].end <= offset:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(sentences) and sentences[lo].start <= offset < sentences[lo].end:
        return lo
    return None


def is_target(doc: Document, sentence: Sentence | None, q: Quantity) -> bool:
    """Whether a quantity states a goal rather than a result."""
    if sentence is not None and sentence.section is not None and doc.sections:
        if doc.sections[sentence.section].role == "plan":
            return True
    if q.qualifier == "about" and q.unit in ("%", "个百分点") and sentence is not None:
        # 增长5%左右 in a report is a target wording; in a review it is rare
        pass
    if sentence is None:
        return False
    clause_start = sentence.start
    before = doc.text[clause_start:q.start]
    # only the clause the number sits in, and the one before (确保…, 力争…)
    parts = re.split(r"[；;。]", before)
    near = parts[-1] if parts else before
    if _TARGET_WORDS.search(near) and not _RETRO.search(near):
        return True
    after = doc.text[q.end:q.end + 4]
    return bool(re.match(r"(?:左右|以内|以下|以上)", after) and _TARGET_WORDS.search(near))


def _distributed(doc: Document, quantities: list[Quantity]) -> dict[int, str]:
    """Names for quantities listed after 分别: 城镇职工、居民参保率分别达x%、x% → 城镇职工参保率, 居民参保率."""
    names: dict[int, str] = {}
    text = doc.text
    for i, q in enumerate(quantities):
        pre = text[max(0, q.start - 40): q.start]
        m = re.search(r"分别(?:达到了|达到|达|为|是|占|增长|提高|下降)?$", pre)
        if not m:
            continue
        # the list of quantities that follows: q, then ones joined by 、 和 及
        group = [i]
        j = i + 1
        while j < len(quantities) and re.fullmatch(r"\s*(?:、|和|及|与|,|，)\s*", text[quantities[j - 1].end: quantities[j].start]):
            group.append(j)
            j += 1
        subject, _ = left_name(text, q.start - len(m.group(0)), 0)
        items = [s for s in re.split(r"[、和及与]", subject) if s]
        if len(items) != len(group) or len(group) < 2:
            continue
        last = items[-1]
        # the shared head: the last item's tail after the words the first item does not have
        head = last
        for k in range(len(last)):
            if last[k:] and not items[0].endswith(last[k:]):
                head = last[k:]
                break
        head = re.sub(r"^[\u4e00-\u9fa5]{0,2}?(?=(?:参保率|参合率|覆盖率|比例|比率|率|人数|数))", "", head) or head
        for idx, item in zip(group, items, strict=True):
            names[idx] = item if item.endswith(head) else item + head
    return names


def find_indicators(doc: Document, quantities: list[Quantity]) -> list[Indicator]:
    """Name every quantity of a document and decide actual or target.

    >>> # 建档62.03万人，建档率84% → 建档人数 620300 人, 建档率 84 %
    """
    text = doc.text
    sentences = doc.sentences
    shared = _distributed(doc, quantities)
    out: list[Indicator] = []
    prev_name = ""
    for i, q in enumerate(quantities):
        s_idx = _sentence_at(sentences, q.start)
        sentence = sentences[s_idx] if s_idx is not None else None
        floor = sentence.start if sentence else 0
        limit = sentence.end if sentence else len(text)
        num_start = q.number_start if q.number_start is not None else q.start
        rule = RULE_LEFT
        if i in shared:
            name, name_start, rule = shared[i], None, RULE_SHARED
        else:
            name, name_start = left_name(text, q.start, floor)
            counted = (q.unit or "")[:1] in _COUNTERS and len(q.unit or "") <= 2
            if counted and (not name or _WEAK_LEFT.match(name) or _ENDS_WITH_LINK.search(text[max(floor, q.start - 1):q.start])):
                rname, rstart = right_name(text, q.end, limit)
                if rname:
                    name, name_start, rule = rname, rstart, RULE_RIGHT
            if name and rule == RULE_LEFT and q.unit in ("人", "人次") and not _PERSON_END.search(name) \
                    and len(name) <= 6 and q.comparison is None:
                name = name + ("人次" if q.unit == "人次" else "人数")
            if not name:
                # 、x% after a named one: the list continues the previous name
                if re.search(r"[、和]\s*$", text[max(floor, num_start - 2):num_start]) and prev_name:
                    name, rule = prev_name, RULE_SHARED
                else:
                    rule = RULE_NONE
        kind = "target" if is_target(doc, sentence, q) else "actual"
        out.append(Indicator(
            start=q.start, end=q.end, name=name, value=q.value, unit=q.unit, kind=kind, rule=f"{q.rule}+{rule}",
            qualifier=q.qualifier, value_max=q.value_max, masked=q.masked, suspect=q.suspect,
            comparison=q.comparison, name_start=name_start,
            name_end=(name_start + len(name)) if name_start is not None else None, sentence=s_idx,
        ))
        prev_name = name
    return out
