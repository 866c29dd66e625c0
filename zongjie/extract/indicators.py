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
_BOUNDARY = re.compile(r"[，,；;。！？!?：:\n（(）)]|——")
_LIST_SEP = "、"
# copulas and level verbs between a name and its number (longest first)
_COPULA = re.compile(
    r"(?:分别(?:达到了|达到|达|为|是|有|占)?|(?:已经|已|均|共|累计|合计|全年|共计|总计|现|尚|另|还|仍|又|继续|仍然|依然)?"
    r"(?:达到了|达到|达|为|是|有|计|从|由|超过|突破|逾|不少于|不低于|不超过|至少|控制在|保持在|稳定在|提高到|提升到|提高至|提升至|降低到|降至|下降到|上升到|增加到|增至)?"
    r"(?:了)?)$"
)
_LEADING = re.compile(r"^(?:(?:全市|全区|全县|全省|全镇|全国)(?=共|累计|先后)|仍有|还有|另有|尚有|力争|确保了|确保|争取|努力|力求|计划|预计|预期|要|将|年底前|年底|年内|到20\d{2}年|我们|我局|我委|我院|我区|我市|我县|我省|我镇|我中心|其中|同时|此外|另外|并|并且|而且|还|共|全年|目前|截至目前|截止目前|今年以来|上半年|下半年|先后|累计|共计|专门|主动|积极|及时|已经|已|均|分别|"
    r"(?:(?:19|20)\d{2}|[xX×*]{2,4})年(?:度|底|末|初)?|今年|去年|本年|当年|\d{1,2}(?:[-—~至]\d{1,2})?月(?:份|底|末|初)?(?:以来)?|[xX×*]+|一是|二是|三是|四是|五是|六是|七是|八是|九是|十是|[一二三四五六七八九十]+是|\d+[、.])+")
_WEAK_LEFT = re.compile(r"^(?:[对在为向把将给与和及或的有共了等其占]|共有|新增|新建|建成|组建|完成|全区|全市|全县|全省|全国|已有|现有|其中|累计|先后|共计|合计|总计|以上的?|以下的?)$")
# measure words that count things named after the number
_COUNTERS = set("个家所处名支种项座条台张辆批例位床间栋套块幅份部辆篇期场轮级类")
_PERSON_END = re.compile(r"[人员者民生妇童士师工口户长属众部数次]$")
# money verbs: in 街道投资50余万元 the verb names the amount, the subject does not
_MONEY_VERB = re.compile(r"(?:投入|投资|安排|拨付|拨款|筹资|筹集|节约|节省|优惠|罚款|补助|资助|减免|支出|收入|争取|落实|下达|兑现|发放|捐赠|募集)$")
# the object after a preposition is what is counted: 对全市院前急救人员247人
_PREPOSITION = re.compile(r".*(?:对|向|给|把|从)(?=[\u4e00-\u9fa5A-Za-z“])")
_RATE_HEAD = re.compile(r"^(.*(?:率|比例|比重|占比|覆盖面|增幅|增速|涨幅|降幅))(?:达到了|达到|达|为|是|保持在|稳定在|占|提高到|提高至|降至)")
_OWNER_END = re.compile(r"(?:中心|院|局|站|所|机构|单位|学校|村|镇|街道|社区|医院|队|组|室|科)$")
_RIGHT_STOP = frozenset(
    "实施 开展 进行 完成 通过 创建 达到 达 被 获得 获 荣获 顺利 全部 均 已 正在 参加 参与 接受 纳入 实行 落实 建立 投入 开工 竣工 "
    "覆盖 配备 使用 签订 评为 成为 列入 确定 验收 挂牌 启动 运行 运转 设立 成立 提供 发放 举办 组织 培训 检查 处理 查处 受理 "
    "接诊 深入 进入 走进 赴 前往 下乡 入户 在 中 上 下 内 为 有 是 和 及 与 等 了 均已 已经 分别 共 累计 进修 学习 报名 承担 达标 申报 开业 投入使用 纳入 ， , ； ; 。 、 ： :".split()
)
_TARGET_WORDS = re.compile(
    r"力争|确保(?!了)|争取|计划(?!免疫|生育)|拟(?:于|在|将|对|新|投)|预计|预期|目标(?:是|为|[:：])|(?:预期|工作|主要|奋斗|总体)目标|努力|力求|年内|年底前|到20\d{2}年|至20\d{2}年|"
    r"必须|应当|(?:将|要)(?:继续|进一步|全面|加快|加大|着力|重点|逐步|达到|实现|确保|完成|力争|争取|控制|保持|提高|新增|新建|建成|投入|使|把|组织|开展|实施|启动|举办)|"
    r"(?<![主重需只纲摘概])要(?=[\u4e00-\u9fa5]{0,8}(?:达到|达|实现|控制|保持|提高|增长|不低于|不少于))"
)
_RETRO = re.compile(r"了|已经|已")


def _strip_copula(text: str) -> str:
    prev = None
    while prev != text:
        prev = text
        m = _COPULA.search(text)
        if m and m.start() < len(text):
            text = text[: m.start()]
    return text


def left_name(text: str, start: int, floor: int, *, keep_list: bool = False) -> tuple[str, int]:
    """The name on the left of a quantity starting at ``start``; (name, name_start).

    ``keep_list`` keeps an enumeration (城镇职工、居民参保率) whole, for 分别.
    """
    lo = max(floor, start - 40)
    window = text[lo:start]
    cut = 0
    for m in _BOUNDARY.finditer(window):
        cut = m.end()
    window = window[cut:]
    name = _strip_copula(re.sub(r"(?:每年|年度|年|每)$", "", window.rstrip()))
    name = re.sub(r"^(?:和|及|与|以及|或|还|也|又)", "", name)
    lead = _LEADING.match(name)
    offset = lo + cut
    if lead:
        name, offset = name[lead.end():], offset + lead.end()
    # an enumeration before the name (A、B、C类) belongs to the list, not this item
    if _LIST_SEP in name and not keep_list:
        i = name.rfind(_LIST_SEP) + 1
        name, offset = name[i:], offset + i
    m = _RATE_HEAD.match(name)
    if m:
        name = m.group(1)
    m = _PREPOSITION.match(name)
    if m and m.end() < len(name):
        name, offset = name[m.end():], offset + m.end()
    # X和Y率: the number belongs to the last of the joined names
    m = re.match(r".*(?:和|及|与)(?=[\u4e00-\u9fa5]{2,}$)", name)
    if m and re.search(r"(?:率|比例|比重|数)$", name):
        name, offset = name[m.end():], offset + m.end()
    if len(name) < 2 or _WEAK_LEFT.match(name):
        return "", offset + len(name)
    if len(name) > 24:
        offset += len(name) - 24
        name = name[-24:]
    return name, offset


def right_name(text: str, end: int, limit: int) -> tuple[str, int]:
    """The noun phrase after a counted quantity (7个|基层医疗卫生单位)."""
    from zongjie.extract.segment import words

    window = text[end: min(limit, end + 30)]
    if window[:1] in "(（":
        return "", end  # (其中省级卫生村14个): an aside, not the name
    phrase = ""
    for w in words(window):
        if w in _RIGHT_STOP or not w.strip() or re.search(r"[\d(（]", w):
            break
        phrase += w
    head_start = end
    if "的" in phrase:
        i = phrase.rfind("的")
        if _OWNER_END.search(phrase[:i]):
            phrase = phrase[:i]  # 20个临床质控中心的技术指导作用: the centres are counted
        else:
            phrase, head_start = phrase[i + 1:], end + i + 1  # 72个省统一规划的村卫生所
    if len(phrase) < 2 or not re.match(r"[\u4e00-\u9fa5A-Za-z“(（]", phrase):
        return "", end
    return phrase[:18], head_start


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


_PAST_OPENER = re.compile(r"^(?:(?P<year>(?:19|20)\d{2})年(?!以来)|去年|上年|过去|前年|一年来|半年来|五年来|这五年)")


def _looks_back(doc: Document, sentence: Sentence) -> bool:
    """A sentence in a plan part that reports the past (2012年，…国内生产总值增长7.8%)."""
    m = _PAST_OPENER.match(sentence.text)
    if not m:
        return False
    if m.group("year"):
        return doc.meta.year is not None and int(m.group("year")) < doc.meta.year
    return True


def is_target(doc: Document, sentence: Sentence | None, q: Quantity) -> bool:
    """Whether a quantity states a goal rather than a result."""
    if sentence is not None and _looks_back(doc, sentence):
        return False
    if sentence is not None and sentence.section is not None and doc.sections:
        if doc.sections[sentence.section].role == "plan":
            return True
    if sentence is None:
        return False
    clause_start = sentence.start
    before = doc.text[clause_start:q.start]
    # only the clause the number sits in, and the one before (确保…, 力争…)
    parts = re.split(r"[；;。]", before)
    near = parts[-1] if parts else before
    last = None
    for m in _TARGET_WORDS.finditer(near):
        last = m
    # a goal word whose reach ends at a past tense (确保…，开展了…) made no target of this number
    return bool(last and not _RETRO.search(near, last.end()))


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
        subject, _ = left_name(text, q.start - len(m.group(0)), 0, keep_list=True)
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
        if i and quantities[i - 1].end > floor:
            floor = quantities[i - 1].end
        limit = sentence.end if sentence else len(text)
        num_start = q.number_start if q.number_start is not None else q.start
        rule = RULE_LEFT
        if i in shared:
            name, name_start, rule = shared[i], None, RULE_SHARED
        else:
            name, name_start = left_name(text, q.start, floor)
            counted = (q.unit or "")[:1] in _COUNTERS and len(q.unit or "") <= 2
            if counted:
                rname, rstart = right_name(text, q.end, limit)
                if rname:
                    name, name_start, rule = rname, rstart, RULE_RIGHT
            if rule == RULE_LEFT and q.unit == "元":
                m = _MONEY_VERB.search(name)
                if m:
                    name, name_start = m.group(0), name_start + m.start()
            if name and rule == RULE_LEFT and q.unit == "人" and not _PERSON_END.search(name) \
                    and len(name) <= 2 and q.comparison is None:
                name = name + "人数"  # 建档62.03万人: the number of people 建档
            prev = out[-1] if out and out[-1].sentence == s_idx else None
            if prev and prev.name and re.fullmatch(r"[A-Za-z甲乙丙丁一二三四]类|[省市县区国]级", name or ""):
                # 125家定点医疗机构，其中A类32家: a class of the things just counted
                head = re.sub(r"^(?:[A-Za-z甲乙丙丁一二三四]类|[省市县区国]级)", "", prev.name)
                name = name + head
            elif prev and prev.name and not name and text[max(floor, q.start - 1):q.start] == "占":
                name = prev.name + "占比"  # 国家基本药物x种，占x%
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
