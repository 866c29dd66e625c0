"""Indicators: a quantity bound to the name of what it measures.

Chinese reports put the name before the number (建档率84%, 检查医疗机构***家,
标准化建设率达100%) or, with a measure word, after it (7个基层医疗卫生单位,
8支健康教育宣讲团). We read the clause around each quantity: the words on the
left up to a clause boundary, with the copula (达到, 为, 有…) taken off, or
the noun phrase on the right when the left names nothing. Lists under 分别
(城镇职工、居民参保率分别达x%、x%) are distributed over their items, and a
name the sentence leaves implicit (建档率) is completed from the clause
before it. ``kind`` is ``target`` in plan sections and under target verbs.

The word lists and rules (naming and kind) live in rules/indicators.yaml, with examples.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from zongjie.corpus.document import Document, Sentence
from zongjie.extract import rules as rules_mod
from zongjie.extract.facts import Indicator, Quantity

RULE_LEFT = "indicator.name_left.v1"
RULE_RIGHT = "indicator.name_right.v1"
RULE_SHARED = "indicator.name_distributed.v1"
RULE_NONE = "indicator.name_missing.v1"

RULE_KIND_BACK = "indicator.kind_look_back.v1"
RULE_KIND_PLAN = "indicator.kind_plan_section.v1"
RULE_KIND_WORD = "indicator.kind_target_word.v1"
RULE_KIND_ACTUAL = "indicator.kind_actual.v1"
RULE_KIND_ESTIMATE = "indicator.kind_estimate.v1"
RULE_KIND_PROBLEMS = "indicator.kind_problems_first.v1"
RULE_KIND_PAST = "indicator.kind_past_clause.v1"
RULE_KIND_ASSIGNED = "indicator.kind_assigned_task.v1"
RULE_KIND_COMPLETION = "indicator.kind_completion_ratio.v1"
RULE_KIND_GOAL_AFTER = "indicator.kind_goal_after.v1"
RULE_KIND_GOAL_NAMED = "indicator.kind_goal_named.v1"
RULE_KIND_GOAL_LIST = "indicator.kind_goal_list.v1"
RULE_ELIDED = "indicator.name_elided_subject.v1"
RULE_PER_HEAD = "indicator.suspect_per_head.v1"
RULE_SCOPE = "indicator.name_other_level.v1"
RULE_RIGHT_CLAUSE = "indicator.name_right_clause.v1"
RULE_FROM_TO = "indicator.name_from_to.v1"
RULE_FUND = "indicator.name_fund_after.v1"
RULE_ACTUAL_OF_GOAL = "indicator.name_actual_of_goal.v1"
RULE_MODIFIER = "indicator.name_shared_modifier.v1"
RULE_CLAUSE_SUBJECT = "indicator.name_clause_subject.v1"

_LIST_SEP = "、"
_PEOPLE = frozenset({"名", "人", "位"})


@dataclass(frozen=True)
class _Rules:
    boundary: re.Pattern[str]
    aside: re.Pattern[str]
    people_noun: re.Pattern[str]
    problems_heading: re.Pattern[str]
    plan_turn: re.Pattern[str]
    copula: re.Pattern[str]
    leading: re.Pattern[str]
    weak_left: re.Pattern[str]
    person_end: re.Pattern[str]
    money_verb: re.Pattern[str]
    preposition: re.Pattern[str]
    rate_head: re.Pattern[str]
    owner_end: re.Pattern[str]
    retro: re.Pattern[str]
    reach_end: re.Pattern[str]
    counters: frozenset[str]
    right_stop: frozenset[str]
    past_opener: re.Pattern[str]
    forward_opener: re.Pattern[str]
    target_words: re.Pattern[str]
    estimate: re.Pattern[str]
    estimate_unless: re.Pattern[str]
    past_clause: re.Pattern[str]
    assigned: re.Pattern[str]
    completion: re.Pattern[str]
    goal_after: re.Pattern[str]
    goal_named: re.Pattern[str]
    goal_list: re.Pattern[str]
    goal_size: re.Pattern[str]
    actual_done: re.Pattern[str]
    goal_result_gap: re.Pattern[str]
    goal_lead: re.Pattern[str]
    goal_tail: re.Pattern[str]
    goal_list_unless: re.Pattern[str]
    assigned_object: re.Pattern[str]
    assigned_reach: int
    assigned_unless: re.Pattern[str]
    assigned_to_writer: re.Pattern[str]
    elided: re.Pattern[str]
    distributed: re.Pattern[str]
    per_head_factor: float
    scope_item: re.Pattern[str]
    clause_units: frozenset[str]
    clause_lead: re.Pattern[str]
    clause_max: int
    light_verb: re.Pattern[str]
    from_to: re.Pattern[str]
    level_after: re.Pattern[str]
    fund_after: re.Pattern[str]
    shared_modifier: re.Pattern[str]
    clause_copula: re.Pattern[str]
    clause_verb: re.Pattern[str]
    scope_word: re.Pattern[str]
    count_units: frozenset[str]
    right_measures: frozenset[str]


@functools.cache
def _rules() -> _Rules:
    """The word lists and patterns of rules/indicators.yaml, compiled."""
    rs = rules_mod.load("indicators")

    def part(name: str) -> re.Pattern[str]:
        return re.compile(rules_mod.expand(rs.parts[name], rs.parts))

    def regex(rule_id: str) -> re.Pattern[str]:
        rx = rs.by_id(rule_id).regex
        if rx is None:
            raise ValueError(f"{rule_id} has no regex in indicators.yaml")
        return rx

    return _Rules(
        boundary=part("boundary"), aside=part("aside"), people_noun=part("people_noun"),
        problems_heading=part("problems_heading"), plan_turn=part("plan_turn"), copula=part("copula"), leading=part("leading"), weak_left=part("weak_left"),
        person_end=part("person_end"), money_verb=part("money_verb"), preposition=part("preposition"),
        rate_head=part("rate_head"), owner_end=part("owner_end"), retro=part("retro"),
        reach_end=part("reach_end"),
        counters=frozenset(str(rs.data["counters"])), right_stop=frozenset(str(rs.data["right_stop"]).split()),
        past_opener=regex(RULE_KIND_BACK), forward_opener=part("forward_opener"), target_words=regex(RULE_KIND_WORD),
        estimate=regex(RULE_KIND_ESTIMATE),
        estimate_unless=re.compile(rs.by_id(RULE_KIND_ESTIMATE).options["unless"]),
        past_clause=regex(RULE_KIND_PAST), assigned=regex(RULE_KIND_ASSIGNED), completion=regex(RULE_KIND_COMPLETION),
        goal_after=regex(RULE_KIND_GOAL_AFTER), goal_named=regex(RULE_KIND_GOAL_NAMED),
        goal_list=regex(RULE_KIND_GOAL_LIST), goal_list_unless=re.compile(rs.by_id(RULE_KIND_GOAL_LIST).options["unless"]),
        goal_size=part("goal_size"),
        **{key: re.compile(rs.by_id(RULE_ACTUAL_OF_GOAL).options[key])
           for key in ("actual_done", "goal_result_gap", "goal_lead", "goal_tail")},
        assigned_object=re.compile(rs.by_id(RULE_KIND_ASSIGNED).options["object"]),
        assigned_reach=int(rs.by_id(RULE_KIND_ASSIGNED).options["object_reach"]),
        assigned_unless=re.compile(rs.by_id(RULE_KIND_ASSIGNED).options["unless"]),
        assigned_to_writer=re.compile(rs.by_id(RULE_KIND_ASSIGNED).options["to_writer"]),
        elided=regex(RULE_ELIDED), distributed=regex(RULE_SHARED),
        clause_units=frozenset(rs.by_id(RULE_RIGHT_CLAUSE).options["units"]),
        clause_lead=regex(RULE_RIGHT_CLAUSE), clause_max=int(rs.by_id(RULE_RIGHT_CLAUSE).options["max_chars"]),
        light_verb=re.compile(rs.by_id(RULE_RIGHT_CLAUSE).options["light_verb"]),
        scope_item=regex(RULE_SCOPE), from_to=regex(RULE_FROM_TO),
        level_after=re.compile(rs.by_id(RULE_FROM_TO).options["level_after"]), fund_after=regex(RULE_FUND),
        shared_modifier=regex(RULE_MODIFIER), clause_copula=regex(RULE_CLAUSE_SUBJECT),
        clause_verb=re.compile(rs.by_id(RULE_CLAUSE_SUBJECT).options["verb"]), scope_word=re.compile(rs.by_id(RULE_SCOPE).options["level_word"]),
        per_head_factor=float(rs.by_id(RULE_PER_HEAD).options["factor"]),
        count_units=frozenset(rs.by_id(RULE_PER_HEAD).options["count_units"]),
        right_measures=frozenset(str(rs.data["right_measures"]).split()),
    )


def _strip_copula(text: str) -> str:
    prev = None
    while prev != text:
        prev = text
        m = _rules().copula.search(text)
        if m and m.start() < len(text):
            text = text[: m.start()]
    return text


def left_name(text: str, start: int, floor: int, *, keep_list: bool = False) -> tuple[str, int]:
    """The name on the left of a quantity starting at ``start``; (name, name_start).

    ``keep_list`` keeps an enumeration (城镇职工、居民参保率) whole, for 分别.
    """
    lo = max(floor, start - (60 if keep_list else 40))
    window = text[lo:start]
    # 业主委员会（物业管理委员会）1000个: an aside right before the number glosses the name
    window = re.sub(r"[（(][^（）()\n]{1,16}[）)]\s*$", "", window)
    cut = 0
    # a short aside inside a name is no boundary: 每千人口执业（助理）医师数
    scan = _rules().aside.sub(lambda m: "字" * len(m.group(0)), window)
    for m in _rules().boundary.finditer(scan):
        cut = m.end()
    window = window[cut:]
    # 是2005年的2.2倍: the year compared with is no part of the name; nor is the
    # year of a level (人均GDP从2020年的5.2万元…: 从 is then a copula)
    window = re.sub(r"(?:是|为|相当于)(?:(?:19|20)\d{2}|上|去|前)年(?:末|底)?的$", "", window.rstrip())
    window = re.sub(r"(?<=[从由到至])(?:(?:19|20)\d{2}年(?:末|底)?|上年末?|去年|原来|过去|以前|之前|改革前|年初|年底|目前|现在)的?$",
                    "", window)
    window = re.sub(r"(?:长达|高达|多达|深达|宽达)$", "", window)  # 加固长达3500多公里的长江干堤: 长达 is a copula
    # 年人均300元: the per-head marker belongs to the unit (元/人), not the name
    name = _strip_copula(re.sub(r"(?:(?:年|每年)?人均|每(?:人|生|户)(?:每年|每月|每天|每日)?|每月|每年|年度|(?<![全今去明当本上下前])年|每)$", "", window))
    offset = lo + cut
    conj = re.match(r"(?:和|及(?!时)|与|以及|或|还|也|又)", name)  # 及时率 keeps its 及
    if conj:
        name, offset = name[conj.end():], offset + conj.end()
    lead = _rules().leading.match(name)
    if lead:
        name, offset = name[lead.end():], offset + lead.end()
    # an enumeration before the name (A、B、C类) belongs to the list, not this item
    if _LIST_SEP in name and not keep_list:
        i = name.rfind(_LIST_SEP) + 1
        name, offset = name[i:], offset + i
    m = _rules().rate_head.match(name)
    if m:
        name = m.group(1)
    m = _rules().preposition.match(name)
    if m and m.end() < len(name):
        name, offset = name[m.end():], offset + m.end()
    # X和Y率: the number belongs to the last of the joined names
    m = re.match(r".*(?:和|及(?!时)|与)(?=[\u4e00-\u9fa5]{2,}$)", name)
    if m and re.search(r"(?:率|比例|比重|数)$", name):
        name, offset = name[m.end():], offset + m.end()
    etc = max((m.start() for m in re.finditer(r"(?<![甲乙丙丁一二三四五特优高中初平同相对均何])等(?![级次第])", name)),
              default=-1)
    if etc > 0 and len(name) - etc - 1 >= 2:
        name, offset = name[etc + 1:], offset + etc + 1  # DR、全自动生化分析仪等设备5台: 设备
    if len(name) < 2 or _rules().weak_left.match(name) or name.startswith("的"):
        return "", offset + len(name)
    cap = 48 if keep_list else 24  # a list holds several names
    if len(name) > cap:
        offset += len(name) - cap
        name = name[-cap:]
    return name, offset


class Words:
    """A document's words with their offsets, cut once and shared (naming, entities)."""

    def __init__(self, words: Sequence[str]):
        self.words = list(words)
        self.starts: list[int] = []
        pos = 0
        for w in self.words:
            self.starts.append(pos)
            pos += len(w)

    def from_(self, start: int, stop: int) -> list[str] | None:
        """The words of text[start:stop], or None if no word starts at ``start``."""
        i = bisect.bisect_left(self.starts, start)
        if i == len(self.starts) or self.starts[i] != start:
            return None
        out = []
        while i < len(self.words) and self.starts[i] < stop:
            out.append(self.words[i][: stop - self.starts[i]])
            i += 1
        return out


def right_name(text: str, end: int, limit: int, cut: Words | None = None, unit: str | None = None) -> tuple[str, int]:
    """The noun phrase after a counted quantity (7个|基层医疗卫生单位).

    ``cut``: the document's words, if segmented already; the window after the
    number is segmented on its own where no word starts right after it.
    """
    from zongjie.extract.segment import words

    stop = min(limit, end + 30)
    window = text[end:stop]
    if window[:1] in "(（":
        return "", end  # (其中省级卫生村14个): an aside, not the name
    if re.match(r"[xX]{2,4}|[×*＊]|[xX][%％个家人例处所名次项]", window):
        return "", end  # 9种XX例: a blanked-out count follows, not a name (X光机 is one)
    # 1920名|80周岁以上老人: an age that bounds the people counted belongs to their name
    age = re.match(r"\d{1,3}(?:周岁|岁)(?:及以上|以上|及以下|以下)?", window)
    phrase = age.group(0) if age else ""
    rest = end + len(phrase)
    shared = cut.from_(rest, stop) if cut is not None else None
    ws = list(shared if shared is not None else words(text[rest:stop]))
    before_list = None  # the phrase before a 、 joined it to more
    for k, w in enumerate(ws):
        nxt = ws[k + 1] if k + 1 < len(ws) else ""
        joined = phrase and nxt not in _rules().right_stop and re.fullmatch(r"[\u4e00-\u9fa5]{2,}", nxt) and (
            (w in ("和", "及") and _rules().owner_end.search(phrase)) or w == "、")
        # 14家社区卫生服务中心和乡镇卫生院: two kinds of body counted together;
        # 300份性病、艾滋病高危人群血清监测: a list the count covers
        if not joined and (w in _rules().right_stop or not w.strip() or re.search(r"[\d(（]", w)):
            if before_list is not None and re.search(r"\d", w):
                phrase = before_list  # 5个卫生院、社区卫生服务中心3个: the list goes on with counts of its own
            break
        if w == "、" and before_list is None:
            before_list = phrase
        phrase += w
    head_start = end
    if "的" in phrase:
        i = phrase.rfind("的")
        if _rules().owner_end.search(phrase[:i]) or (unit in _PEOPLE and _rules().person_end.search(phrase[:i])):
            phrase = phrase[:i]  # 20个临床质控中心的技术指导作用, ****名从业人员的健康检查: those are counted
        else:
            phrase, head_start = phrase[i + 1:], end + i + 1  # 72个省统一规划的村卫生所
    phrase = re.sub(r"(?:达到|达|为)$", "", phrase.rstrip("、"))  # 22个村卫生室标准化建设率达100%
    if len(phrase) < 2 or not re.match(r"[\u4e00-\u9fa5A-Za-z“(（\d]", phrase) or (age and phrase == age.group(0)):
        return "", end
    return phrase[:18], head_start


def right_clause(text: str, end: int, limit: int) -> tuple[str, int]:
    """What the rest of the clause says of counted people or times (对7403人次|进行了免费施药).

    The clause after the number up to its boundary, lead verbs (进行了) taken
    off; nothing if it holds another number.
    """
    R = _rules()
    window = text[end:min(limit, end + 40)]
    m = R.boundary.search(window)
    phrase = window[:m.start()] if m else window
    lead = R.clause_lead.match(phrase)
    start = end + (lead.end() if lead else 0)
    phrase = phrase[lead.end():] if lead else phrase
    # up to the next number: 完成了42人有偿供血人员采血监测和300份… → 有偿供血人员采血监测
    phrase = re.sub(r"[和及与、]?[\d０-９xX*＊].*$", "", phrase)
    if len(phrase) < 2 or not re.match(r"[\u4e00-\u9fa5A-Za-z“]", phrase):
        return "", end
    return phrase[:R.clause_max], start


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


def _opens_on_past(doc: Document, text: str) -> bool | None:
    """True if a sentence opens on the past, False if on the future, None if on neither."""
    m = _rules().past_opener.match(text)
    if m:
        if m.group("year"):
            return doc.meta.year is not None and int(m.group("year")) < doc.meta.year
        if m.group("fyp"):
            # the n-th five-year plan (十三五) ends in 1955 + 5n (from the third on)
            n = 10 + "一二三四五".index(m.group("fyp")[1]) + 1 if len(m.group("fyp")) == 3 else 10
            return doc.meta.year is not None and 1955 + 5 * n < doc.meta.year
        return True
    if _rules().forward_opener.match(text):
        return False
    return None


def looks_back(doc: Document, sentence: Sentence) -> bool:
    """A sentence that reports the past (2012年，…国内生产总值增长7.8%), or follows one in its paragraph."""
    past = _opens_on_past(doc, sentence.text)
    if past is not None:
        return past
    i = _sentence_at(doc.sentences, sentence.start)
    b = bisect.bisect_right(doc.blocks, sentence.start, key=lambda blk: blk[0]) - 1
    if i is None or b < 0:
        return False
    para_start = doc.blocks[b][0]
    while i > 0 and doc.sentences[i - 1].start >= para_start:
        i -= 1
        past = _opens_on_past(doc, doc.sentences[i].text)
        if past is not None:
            return past
    return False


def _past_clause(doc: Document, before: str) -> bool:
    """Whether the text before a number in a plan part reports the past (已经超过, 从2007年的…)."""
    for m in _rules().past_clause.finditer(before):
        year = m.group("year")
        if year is None or (doc.meta.year is not None and int(year) < doc.meta.year):
            return True
    return False


def _goal_word(doc: Document, near: str) -> re.Match[str] | None:
    """The last goal word of ``near`` (到2012年 in a 2013 report is no goal: that year is past)."""
    last = None
    for m in _rules().target_words.finditer(near):
        year = re.match(r"[到至]((?:19|20)\d{2})年", m.group(0))
        if year and doc.meta.year is not None and int(year.group(1)) < doc.meta.year:
            continue
        if year and re.search(r"[\d日月年号]$", near[:m.start()]):
            continue  # 2014年11月1日至2015年10月31日: the end of a span of dates, no deadline
        last = m
    return last


def _assigned_task(doc: Document, sentence: Sentence, q: Quantity, near: str) -> bool:
    """Whether the number is the size of a task handed down (承担…任务, 下达…指标), in its clause."""
    r = _rules()
    before = re.split(r"[，,：:]", near)[-1]
    after = re.split(r"[，,；;。：:]", doc.text[q.end:sentence.end])[0]
    verbs = list(r.assigned.finditer(before))
    # 承担接种任务的3个临时接种点: the number counts what takes the task on
    if not verbs or before.endswith("的") or r.assigned_unless.search(before) or r.assigned_unless.search(after):
        return False
    # the object between the verb and the number (下达…任务45万人), or just after it (承担800户…任务),
    # or a quota handed to the writer, however named (下达我区背街小巷整治86条); funds are no quota
    return bool(r.assigned_object.search(before, verbs[-1].end())
                or r.assigned_object.search(after[:r.assigned_reach])
                or (q.unit != "元" and r.assigned_to_writer.search(before)))


def plans_from(doc: Document, section_index: int | None) -> int:
    """Where a plan part's plans begin: its start, or, in a part that names its
    problems too (存在问题及下一步打算), the first sentence that turns to the plan
    (下一步，我们将…); the problems before it plan nothing.
    """
    if section_index is None or not doc.sections:
        return 0
    section = doc.sections[section_index]
    # a heading that names both (存在问题及下一步打算), not a plan item that fixes a 问题
    # (8.争取…支持，年底前…，把…剩下的2个问题整改到位)
    from zongjie.corpus.structure import is_paragraph

    if not section.heading or not _rules().problems_heading.search(section.heading) \
            or not _rules().plan_turn.search(section.heading) or is_paragraph(section.heading):
        return section.start
    cache = doc.__dict__.setdefault("_zongjie_plans_from", {})
    if section_index not in cache:
        turn = next((s.start for s in doc.sentences
                     if s.section == section_index and (section.heading_end is None or s.start >= section.heading_end)
                     and _rules().plan_turn.search(s.text)), section.end)
        cache[section_index] = turn
    return cache[section_index]


def kind_rule(doc: Document, sentence: Sentence | None, q: Quantity) -> str:
    """The id of the kind rule that decides whether a quantity states a goal or a result."""
    if sentence is None:
        return RULE_KIND_ACTUAL
    before = doc.text[sentence.start:q.start]
    # only the clause the number sits in, and the one before (确保…, 力争…)
    parts = re.split(r"[；;。]", before)
    near = parts[-1] if parts else before
    # …2018年吸烟率23.6%；到2020年要降至22%以下: a part after a semicolon that opens on the future
    if looks_back(doc, sentence) and not (len(parts) > 1 and _opens_on_past(doc, near.lstrip()) is False):
        return RULE_KIND_BACK
    section = doc.sections[sentence.section] if sentence.section is not None and doc.sections else None
    if section is not None and section.role == "plan":
        if plans_from(doc, sentence.section) > sentence.start:
            return RULE_KIND_PROBLEMS  # 存在问题及下一步打算: the problems come first
        return RULE_KIND_PAST if _past_clause(doc, near) else RULE_KIND_PLAN
    last = _goal_word(doc, near)
    done = _rules().completion.search(near) if q.unit in ("%", "个百分点", "百分点") else None
    if done and (last is None or last.start() >= done.start()):
        return RULE_KIND_COMPLETION  # 完成目标任务数的72%: how much of the goal was done
    # a % after 完成/占/达…the goal is the share done (完成了市下达的任务95%), unless the
    # goal's size stands in brackets after it (完成区下达年度目标任务（35%）的103.7%)
    if (goal := _rules().goal_named.search(near)) and not (
            q.unit == "%" and not goal.group(0).endswith(("（", "("))
            and re.search(r"(?:完成|占|(?<!下)达到?)了?[^，,；;。完占达]{0,8}$", near[:goal.start()])):
        return RULE_KIND_GOAL_NAMED  # 为年度任务1.5万人, 完成年度目标任务（40万人）, 省定目标（65%）
    if _rules().goal_list.search(near) and not _rules().goal_list_unless.search(re.split(r"[，,]", near)[-1]):
        return RULE_KIND_GOAL_LIST  # 县下达我镇的主要任务是：参保率100%，签约服务率100%
    if last and _rules().goal_size.fullmatch(last.group(0)) and re.search(r"[，,]", near[last.end():]):
        last = None  # 任务数为6500人，全年在管6843人: a goal's size is the figure of its own clause only
    if not last and _rules().goal_after.match(doc.text, q.end, sentence.end):
        return RULE_KIND_GOAL_AFTER  # 省定50%的目标; 剩余1所年底前完成主体工程
    if last and last.group(0) == "年内" and doc.meta.doc_type == "summary" and doc.meta.period == "FY":
        last = None  # 年内新建健康步道2条 in the review of a year's summary: within the year just summed up
    # a goal word whose reach ends at a past tense (确保…，开展了…) or at a clause that
    # reports the period (计划为1200批次，上半年完成抽检706批次) made no target of this number
    if not last or _rules().retro.search(near, last.end()) or _rules().reach_end.search(near, last.end()):
        return RULE_KIND_ASSIGNED if _assigned_task(doc, sentence, q, near) else RULE_KIND_ACTUAL
    if _past_clause(doc, near[last.start():]):
        # 为落实…，2003年中央财政支出700亿元 in a 2004 report (not a past before the goal word:
        # 已建成71家，建成率82.6%，力争年底达到100%)
        return RULE_KIND_PAST
    if (_rules().estimate.fullmatch(last.group(0)) and doc.meta.doc_type == "report"
            and section is not None and section.role == "review" and not _rules().estimate_unless.search(near)):
        return RULE_KIND_ESTIMATE  # 预计 in a report's review: the estimate of the year just ended
    return RULE_KIND_WORD


_TARGET_RULES = frozenset({RULE_KIND_PLAN, RULE_KIND_WORD, RULE_KIND_ASSIGNED, RULE_KIND_GOAL_AFTER, RULE_KIND_GOAL_NAMED,
                           RULE_KIND_GOAL_LIST})


def is_target(doc: Document, sentence: Sentence | None, q: Quantity) -> bool:
    """Whether a quantity states a goal rather than a result."""
    return kind_rule(doc, sentence, q) in _TARGET_RULES


def _distributed(doc: Document, quantities: list[Quantity]) -> tuple[dict[int, str], dict[int, tuple[int, str]]]:
    """Names for quantities listed after 分别: 城镇职工、居民参保率分别达x%、x% → 城镇职工参保率, 居民参保率.

    Also, for a list after 分别增长 that names nothing, the figures it follows
    (接待国内游客4.16亿人次、入境游客936万人次，分别增长6.7%、39.6%): index →
    (index of the figure it changes, the verb), resolved once those are named.
    """
    names: dict[int, str] = {}
    follows: dict[int, tuple[int, str]] = {}
    text = doc.text
    last_group: tuple[int, list[str]] = (-1, [])  # end of the last list named, and its names
    for i, q in enumerate(quantities):
        pre = text[max(0, q.start - 40): q.start]
        m = _rules().distributed.search(pre)
        if not m:
            continue
        # the list of quantities that follows: q, then ones joined by 、 和 及
        group = [i]
        j = i + 1
        while j < len(quantities) and re.fullmatch(r"\s*(?:、|和|及|与|,|，)\s*", text[quantities[j - 1].end: quantities[j].start]):
            group.append(j)
            if quantities[j].comparison is None and q.comparison is not None:
                # 分别增长10.9%、10.4%: the second is as much a change as the first
                quantities[j] = dataclasses.replace(quantities[j], comparison=q.comparison)
            j += 1
        subject, _ = left_name(text, q.start - len(m.group(0)), 0, keep_list=True)
        if _COMPARED_ONLY.fullmatch(subject):
            subject = ""  # 与去年同期比分别增长6%和4.5%: nothing named, the figures before are
        items = [s for s in subject.split("、") if s]  # 信息传输软件和信息技术服务业、租赁和商务服务业…
        if len(items) != len(group):
            items = [s for s in re.split(r"[、和及与]", subject) if s]
        verb = m.group(0)[2:]
        prev_end, prev_names = last_group
        if not items and verb and len(prev_names) == len(group) >= 2 and prev_end <= q.start \
                and not re.search(r"[。；;！？\n]", text[prev_end:q.start]):
            # 旅客和货邮吞吐量分别达到1.35亿人次、453.8万吨，分别增长8.3%、7.9%: the same list again
            for idx, item in zip(group, prev_names, strict=True):
                names[idx] = _elided_base(item) + verb
            last_group = (quantities[group[-1]].end, [names[idx] for idx in group])
            continue
        first = group[0] - len(group)
        if len(items) <= 1 and (verb or items) and len(group) >= 2 and first >= 0 \
                and not re.search(r"[。；;！？\n]", text[quantities[first].start:q.start]) \
                and all(re.search(r"^[^，,]*[、和及与][^，,]*$" if items else r"^[^。；;]*$",
                                  text[quantities[k].end:quantities[k + 1].start])
                        for k in range(first, group[0] - 1)):
            # 分别增长6.7%、39.6% or 规范管理率分别为82%、79% after as many figures:
            # each is said of the figure in the same place
            for k, idx in enumerate(group):
                follows[idx] = (first + k, items[0] if items else verb)
            continue
        if len(items) != len(group) or len(group) < 2:
            continue
        last = items[-1]
        head = _shared_head(items[0], last)
        # 高技术制造业、装备制造业增加值分别增长8.9%、7.7%: each is a change
        change = verb if _CHANGE_END.search(verb) else ""
        for idx, item in zip(group, items, strict=True):
            # no shared head (能耗和二氧化碳排放分别降低): each item is a whole name
            names[idx] = (item if head == last or item.endswith(head) else item + head) + change
        last_group = (quantities[group[-1]].end, [names[idx] for idx in group])
    return names, follows


def _shared_head(first: str, last: str) -> str:
    """The head the items of a list share, written once after the last one.

    高技术制造业、装备制造业增加值 → 增加值 (the first item's end, 制造业, is found
    in the last, and what follows it there is the head); 城镇职工、居民参保率 →
    参保率. The last item whole when nothing is shared.
    """
    for n in range(min(len(first), len(last) - 1), 1, -1):
        i = last.rfind(first[-n:])
        if i >= 0 and i + n < len(last):
            return last[i + n:]
    head = last
    for k in range(len(last)):
        if last[k:] and not first.endswith(last[k:]):
            head = last[k:]
            break
    head = re.sub(r"^[\u4e00-\u9fa5]{0,2}?(?=(?:参保率|参合率|覆盖率|比例|比率|率|人数|数))", "", head) or head
    if head == last and len(last) > len(first) + 2 and re.search(r"(?:率|比例|人数|数)$", last):
        # 高血压、糖尿病患者规范管理率: the items are alike in length, the rest is the head
        head = last[len(first):]
    return head


_COMPARED_ONLY = re.compile(r"(?:与|和|较|比)?(?:上年|去年)?(?:同期)?(?:相)?比?|同比|环比")
_COMPARED_TO = re.compile(
    r"^(?:比上年同期|比去年同期|较上年同期|较去年同期|比上年|比去年|同比|环比|较上年|较去年|比年初|较年初|与(?:上年|去年)(?:同期)?相?比|同期相?比)")
_CHANGE_END = re.compile(r"(?:比上年|比去年|同比|较上年)?(?:年均|平均)?(?:实际)?(?:增长|下降|增加|减少|提高|进步|降低|上升|缩短|延长)$|(?:比上年|比去年|较上年|较去年)(?:多|少)$")


def _elided_base(name: str) -> str:
    """A name without the change it states: 出口增长 → 出口."""
    return _CHANGE_END.sub("", name) or name


def _elided_subject(text: str, found: list[Indicator], s_idx: int | None, name_start: int | None) -> str:
    """The subject of 比上年增长 from the figure just before it: 国内生产总值达到56.9万亿元，比上年增长7.7%.

    Only in the same sentence, with no more than a comma (or 、) between that
    figure and the name.
    """
    if not found or name_start is None:
        return ""
    k = len(found) - 1
    # 收入4870万元，完成县下达任务的104.5%，同比增长9.1%: the change is of the amount, not of its share
    while k > 0 and found[k].unit == "%" and found[k].name.endswith(("比例", "占比")) \
            and found[k - 1].sentence == s_idx and found[k - 1].name and found[k].name.startswith(found[k - 1].name):
        k -= 1
    prev = found[k]
    if prev.sentence != s_idx or not prev.name:
        return ""
    # a comma, or a short verb and a comma (赤字率拟按4%左右安排、比上年提高1个百分点)
    if not re.fullmatch(r"\s*(?:[\u4e00-\u9fa5]{0,2}[，,、])?\s*(?:受[\u4e00-\u9fa5]{1,8}影响)?(?:与|和|较|比)?(?:去年|上年)?",
                        text[found[-1].end:name_start]):
        return ""
    return _CHANGE_END.sub("", prev.name)


def _share_word(a: str, b: str) -> bool:
    """Whether two names share two characters in a row (发放住院补助款, 人均享受补助款)."""
    return any(b.find(a[i:i + 2]) >= 0 for i in range(len(a) - 1))


def per_head_suspects(found: Sequence[Indicator]) -> list[int]:
    """Totals that a per-head figure of the same sentence contradicts.

    报销住院补助1595人,发放住院补助款21507万元,人均享受补助款1352元: 1595 × 1352
    is 215.6万元, a hundredth of the total, so the total is suspect. The count and
    the total are the two figures right before the per-head one, the total sharing a word
    with its name; they agree when within ``factor`` of each other.
    """
    R = _rules()
    out: list[int] = []
    lo = 0
    for k, ind in enumerate(found):
        if k and found[k - 1].sentence != ind.sentence:
            lo = k
        if ind.unit != "元/人" or not ind.value:
            continue
        # the two figures right before it, and the total names what the per-head figure shares
        window = range(k - 1, max(lo, k - 2) - 1, -1)
        total = next((j for j in window if found[j].unit == "元" and found[j].value), None)
        count = next((j for j in window if found[j].unit in R.count_units and found[j].value), None)
        lo = k + 1
        if total is None or count is None or not _share_word(found[total].name, ind.name):
            continue
        ratio = float(found[total].value or 0) / (float(found[count].value or 0) * ind.value)
        if not 1 / R.per_head_factor <= ratio <= R.per_head_factor:
            out.append(total)
    return out


def _clause_subject(text: str, floor: int, num_start: int) -> tuple[str, int, str] | None:
    """The subject of the clause before, where this one holds only a copula (，达到了300元).

    筹资标准大幅提高，达到了年人均300元 → 筹资标准: the clause before must hold
    no figure, and its subject ends where its verb or adverb begins.
    """
    R = _rules()
    left = text[floor:num_start]
    m = re.search(r"[，,]([^，,。；;：:\n]*)$", left)
    if not m or not m.group(1).strip() or not R.clause_copula.fullmatch(m.group(1)):
        return None
    before = left[:m.start()]
    b = max((x.end() for x in R.boundary.finditer(before)), default=0)
    clause = before[b:]
    if re.search(r"[\d０-９xX*＊]", clause):
        return None
    verb = R.clause_verb.search(clause)
    subject = clause[:verb.start()] if verb else ""
    lead = R.leading.match(subject)
    start = floor + b + (lead.end() if lead else 0)
    subject = subject[lead.end():] if lead else subject
    if len(subject) < 2 or R.weak_left.match(subject):
        return None
    return subject, start, RULE_CLAUSE_SUBJECT


def _goal_object(goal_name: str, verb: str) -> str:
    """What a goal's name says is to be done (下达的目标是新增普惠托位 → 普惠托位 for 新增;
    业务收入目标 → 业务收入; 计划完成适龄妇女“两癌”筛查 → 适龄妇女“两癌”筛查)."""
    r = _rules()
    thing = r.goal_tail.sub("", r.goal_lead.sub("", goal_name))
    thing = re.sub(r"[省市县区]?(?:下达|确定)$", "", thing)  # 免费孕前优生健康检查市下达(任务)
    if re.search(r"下达|确定|制定", thing):
        # 年初县卫生局下达我院的业务收入 → 业务收入; 市下达农村部分…对象确认 → 农村部分…对象确认
        thing = re.sub(r"^.*(?:下达|确定|制定)(?:给)?(?:我[省市县区镇乡院局站所])?的?", "", thing)
    thing = re.sub(r"^(?:年初|全年|年度)?(?:计划)?(?:新建|新增|建成|完成|招聘|确认|开展|实施|举办|组织)?", "", thing)
    if thing.endswith(verb):
        thing = thing[: -len(verb)]
    return thing if len(thing) >= 2 and not re.search(r"的$", thing) else ""


def find_indicators(doc: Document, quantities: list[Quantity], cut: Words | None = None) -> list[Indicator]:
    """Name every quantity of a document and decide actual or target.

    ``cut``: the document's words, if the caller segmented it already.

    >>> # 建档62.03万人，建档率84% → 建档人数 620300 人, 建档率 84 %
    """
    text = doc.text
    sentences = doc.sentences
    shared, follows = _distributed(doc, quantities)
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
            if not name and text[q.start - 1:q.start] in "（(" and text[q.end:q.end + 1] in "）)":
                # 年度目标任务数（9.5万人次）: the name before the parenthesis
                name, name_start = left_name(text, q.start - 1, floor)
            counted = (q.unit or "")[:1] in _rules().counters and len(q.unit or "") <= 2
            if counted:
                rname, rstart = right_name(text, q.end, limit, cut, q.unit)
                if rname:
                    name, name_start, rule = rname, rstart, RULE_RIGHT
            if rule == RULE_LEFT and q.unit in ("元", "元/人", None):
                m = _rules().money_verb.search(name)
                # 安排x万医药卫生体制改革综合配套资金: the fund named after the amount
                # 统筹用好中央149.2亿元乡村振兴补助资金: a source before it, the fund after
                source = re.search(r"(?:中央|省级|市级|县级|区级|上级|各级)$", name)
                fund = _rules().fund_after.match(text, q.end, limit) if m or source or not name else None
                if fund and source:
                    name, name_start, rule = source.group(0) + fund.group(1), None, RULE_FUND
                elif fund:
                    name, name_start, rule = fund.group(1), fund.start(1), RULE_FUND
                elif m and q.unit == "元":
                    name, name_start = m.group(0), name_start + m.start()
            if name and rule == RULE_LEFT and q.unit == "人" and not _rules().person_end.search(name) \
                    and len(name) <= 2 and q.comparison is None:
                name = name + "人数"  # 建档62.03万人: the number of people 建档
            prev = out[-1] if out and out[-1].sentence == s_idx else None
            if rule == RULE_LEFT and prev and prev.name and prev.kind == "target" and (did := _rules().actual_done.fullmatch(name or "")) \
                    and _rules().goal_result_gap.fullmatch(text, prev.end, name_start if name_start is not None else q.start) \
                    and (thing := _goal_object(prev.name, verb := did.group(1) or "达到")):
                # 任务数为改造提升村卫生室160所，实际完成171所: what was done is what the goal named
                # (a level reached is the thing itself: 覆盖率目标是90%，截至9月底实际达到93.5%)
                name = thing if verb == "达到" else "实际" + verb + thing
                name_start, rule = None, RULE_ACTUAL_OF_GOAL
            if rule == RULE_LEFT and prev and name and "的" not in name and len(name) <= 4 and q.unit == prev.unit \
                    and not _rules().actual_done.fullmatch(name) and not _rules().elided.match(name) \
                    and (mod := _rules().shared_modifier.search(prev.name)) \
                    and re.fullmatch(r"\s*[，,、]\s*", text[prev.end:name_start or q.start]):
                # 接受管理的65岁以上老年人3.9万人，高血压4.2万人: the list shares 接受管理的
                name, name_start, rule = mod.group(0) + name, None, RULE_MODIFIER
            if prev and prev.name and re.fullmatch(r"[A-Za-z甲乙丙丁一二三四]类|[省市县区国]级", name or ""):
                # 125家定点医疗机构，其中A类32家: a class of the things just counted
                head = re.sub(r"^(?:[A-Za-z甲乙丙丁一二三四]类|[省市县区国]级)", "", prev.name)
                name = name + head
            elif prev and prev.name and not name and _rules().from_to.fullmatch(text[floor:num_start]):
                # 经营主体从689万户增至951万户: the level reached is the same thing's
                name, name_start, rule = prev.name, prev.name_start, RULE_FROM_TO
            elif prev and prev.name and not name and q.unit in ("人", "名", "人次") and prev.unit not in ("人", "名", "人次") \
                    and re.fullmatch(r"\s*[，,]\s*(?:共|合计|总计|共计)\s*", text[floor:num_start]):
                # 组建防汛医疗队3支，共十八人: the people of what was just counted
                name, name_start = _elided_base(prev.name) + ("人次" if q.unit == "人次" else "人数"), None
            elif prev and prev.name and not name and (added := re.fullmatch(r"\s*[、，,]\s*(新增|净增)\s*", text[floor:num_start])):
                # 全疆粮食播种面积4440万亩、新增202.9万亩: the change of the figure before
                name, name_start, rule = _elided_base(prev.name) + added.group(1), None, RULE_ELIDED
            elif prev and prev.name and not name and _rules().level_after.fullmatch(text[floor:num_start]):
                # 地区生产总值突破3万亿元、达3.6万亿元; 新增16条、达到54条: the level it came to
                base = re.sub(r"(?:新增|新建|累计|突破|超过)$", "", _elided_base(prev.name))
                name, name_start, rule = base, None, RULE_FROM_TO
            elif prev and not name and (scope := _rules().scope_item.fullmatch(text[floor:num_start])) \
                    and (same := next((o for o in reversed(out) if o.sentence == s_idx and o.unit == q.unit), None)) \
                    and same.name:
                # 使用国家基本药物x种，占x%，省x种: the same thing at another level
                level = scope.group(1)
                swapped = _rules().scope_word.sub(level, same.name, count=1)
                name, name_start = (swapped if swapped != same.name else level + same.name), None
                rule = RULE_SCOPE
            elif prev and prev.name and not name and text[max(floor, q.start - 1):q.start] == "占":
                name = prev.name + "占比"  # 国家基本药物x种，占x%
            elif prev and prev.name and not name and q.unit == "%" and re.fullmatch(r"[）)]?的", text[prev.end:q.start]):
                name = prev.name + "比例"  # 完成年度目标任务数（9.5万人次）的113.7%, 完成年度计划5000万元的53.5%
            elif prev and prev.name and not name and q.unit == "%" \
                    and re.fullmatch(r"\s*[，,]\s*(?:已|共)?完成了?", text[prev.end:q.start]):
                name = prev.name + "完成比例"  # 下达的任务是1.1万人，完成了76.9%
            if name and q.unit == "%" and name.endswith("的") and rule == RULE_LEFT:
                # 占全市常住农业人口的82%, 完成年度计划的75%: the share of it
                name = name[:-1] + "比例"
                if name.startswith(("占", "完成")) and prev and prev.name and name_start is not None \
                        and re.fullmatch(r"\s*[，,]\s*", text[prev.end:name_start]):
                    # 完成投资1.2亿元，占总投资的41%; 收入4870万元，完成县下达任务的104.5%: that figure's share
                    name, name_start = re.sub(r"^完成(?=..)", "", prev.name) + name, None
            if not name and q.rule == "quantity.people_noun.v1" and (noun := _rules().people_noun.match(text, q.end)):
                # 全市17万农民, 近14亿人口: the people are named by the noun itself
                name, name_start, rule = noun.group(0), noun.start(), RULE_RIGHT
            if (q.unit or "") in _rules().clause_units and (not name or _rules().light_verb.search(name)):
                # 对7403人次进行了免费施药, 已有226对准婚新人到…: what the clause says of them
                cname, cstart = right_clause(text, q.end, limit)
                if cname:
                    name, name_start, rule = cname, cstart, RULE_RIGHT_CLAUSE
            if not name and (subject := _clause_subject(text, floor, num_start)):
                # 筹资标准大幅提高，达到了年人均300元: the clause before names what reached it
                name, name_start, rule = subject
            if not name and q.unit == "%" and text[q.end:q.end + 1] == "的":
                # 全市共有**%的村屯将粪堆、柴草移至村外: the share of those the clause speaks of
                cname, cstart = right_clause(text, q.end + 1, limit)
                if cname:
                    name, name_start, rule = cname + "比例", None, RULE_RIGHT_CLAUSE
            if not name and (q.unit or "") in _rules().right_measures and not q.masked:
                # 完成100公里架空线入地: nothing on the left, the thing measured on the right
                rname, rstart = right_name(text, q.end, limit, cut, q.unit)
                if rname:
                    name, name_start, rule = rname, rstart, RULE_RIGHT
            if not name and prev and prev.name and prev.end == num_start:
                # 传染病12种386例: a second figure right after the first counts the same thing
                name, name_start = prev.name, prev.name_start
                if prev.unit == "户" and q.unit == "人" and name.endswith("户") and len(name) > 2:
                    name, name_start = name[:-1] + "人口", None  # 脱贫户1236户3418人: the people of those households
            if not name:
                # 、x% after a named one: the list continues the previous name
                if re.search(r"[、和]\s*$", text[max(floor, num_start - 2):num_start]) and prev_name:
                    name, rule = prev_name, RULE_SHARED
                else:
                    rule = RULE_NONE
        if rule == RULE_LEFT and name and _rules().elided.match(name):
            subject = _elided_subject(text, out, s_idx, name_start)
            if subject:
                # 比去年多37人 → …增加
                name, rule = subject + re.sub(r"^多$", "增加", re.sub(r"^少$", "减少", _COMPARED_TO.sub("", name))), RULE_ELIDED
        if name_start is not None and text[name_start:name_start + len(name)] != name:
            name_start = None  # a name made up from several places (国内生产总值 + 增长): no single span
        kind = "target" if kind_rule(doc, sentence, q) in _TARGET_RULES else "actual"
        unit, qualifier = q.unit, q.qualifier
        if name and qualifier is None and q.unit == "%" and name.endswith("比例") \
                and (bound := re.search(r"(不足|不到|超过|高于|低于)(?=..)", name)):
            # 在编人员不足核定编制的70%: the bound qualifies the share (在编人员占核定编制比例, at most 70%)
            qualifier = {"不足": "at_most", "不到": "at_most", "低于": "at_most"}.get(bound.group(1), "over")
            name, name_start = name[:bound.start()] + "占" + name[bound.end():], None
        if rule == RULE_FROM_TO and prev and prev.unit == f"{unit}/人":
            unit = prev.unit  # 人均可支配收入从27136元增长到36439元: both per head
        elif unit == "元" and re.search(r"人均|生均", name or ""):
            unit = "元/人"  # 农村居民人均可支配收入18650元，比上年增加1740元
        elif unit == "元" and "次均" in (name or ""):
            unit = "元/次"  # 门诊次均费用56.8元，比去年同期减少9.4元
        out.append(Indicator(
            start=q.start, end=q.end, name=name, value=q.value, unit=unit, kind=kind, rule=f"{q.rule}+{rule}",
            qualifier=qualifier, value_max=q.value_max, masked=q.masked, suspect=q.suspect,
            comparison=q.comparison, name_start=name_start,
            name_end=(name_start + len(name)) if name_start is not None else None, sentence=s_idx,
        ))
        prev_name = name
    for idx, (antecedent, verb) in follows.items():
        own = _COMPARED_TO.sub("", out[idx].name.replace("分别", ""))
        if out[antecedent].name and (not own or own == verb or _rules().elided.match(own)):
            out[idx].name, out[idx].name_start, out[idx].name_end = _elided_base(out[antecedent].name) + verb, None, None
            out[idx].rule = out[idx].rule.rsplit("+", 1)[0] + "+" + RULE_SHARED
    for j in per_head_suspects(out):
        out[j].suspect = True
    return out


def run_example(text: str, **options: Any) -> list[dict[str, Any]]:
    """Every indicator of ``text`` read as a document, for tests/test_rule_examples.py.

    Each comes twice: with ``rule`` set to its naming rule, and to the kind rule
    that made it actual or target. ``year`` in the options overrides the title's.
    """
    from zongjie.corpus.documents import read_text
    from zongjie.extract.quantities import find_quantities

    doc = read_text(text, year=options.get("year"))[0]
    items: list[dict[str, Any]] = []
    for ind in find_indicators(doc, find_quantities(doc.text)):
        d = ind.as_dict()
        items.append({**d, "rule": d["rule"].rsplit("+", 1)[-1]})
        sentence = doc.sentences[ind.sentence] if ind.sentence is not None else None
        q = Quantity(ind.start, ind.end, doc.text[ind.start:ind.end], ind.value, ind.unit, ind.rule)
        items.append({**d, "rule": kind_rule(doc, sentence, q)})
    found = find_indicators(doc, find_quantities(doc.text))
    items += [{**found[j].as_dict(), "rule": RULE_PER_HEAD} for j in per_head_suspects(found)]
    return items


_LEGACY = {"_TARGET_WORDS": "target_words", "_RETRO": "retro", "_COPULA": "copula", "_LEADING": "leading"}


def __getattr__(name: str) -> Any:
    """The compiled patterns under the names they had before they moved to
    rules/indicators.yaml (models.roles imports _TARGET_WORDS and _RETRO)."""
    if name in _LEGACY:
        return getattr(_rules(), _LEGACY[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
