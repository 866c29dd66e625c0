"""One call from a clean document to all its facts.

The order matters: quantities and times are found on the raw text first,
indicators name the quantities using the document's sections (plan parts
make targets), commitments use the indicators as their targets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zongjie.corpus.document import Document
from zongjie.corpus.meta import covered_months
from zongjie.extract.commitments import find_commitments
from zongjie.extract.facts import Commitment, Entity, Indicator, Quantity, TimeExpr
from zongjie.extract.indicators import Words, find_indicators
from zongjie.extract.quantities import find_quantities
from zongjie.extract.segment import words
from zongjie.extract.times import find_times, in_plan_year

PIPELINE_VERSION = "0.1.0"


@dataclass
class Facts:
    quantities: list[Quantity] = field(default_factory=list)
    times: list[TimeExpr] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    # the document's jieba cut (``segment.words(doc.text)``), kept so that the
    # store's index reuses it instead of segmenting every sentence again
    cut: list[str] | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict[str, list[Any]]:
        return {
            "quantities": self.quantities,
            "times": self.times,
            "indicators": self.indicators,
            "commitments": self.commitments,
            "entities": self.entities,
        }


def extract(doc: Document, *, entities: bool = True, models: bool = True) -> Facts:
    """All facts of one document, each with offsets into ``doc.text`` and its rule id.

    ``models=False`` keeps to the rules alone: no learned model adds, drops or
    changes a fact (facts a model made or changed record ``model:<name>@<version>``
    in ``rule``).

    >>> from zongjie import read_text
    >>> doc = read_text("2023年上半年工作总结\\n建档62.03万人，建档率84%。")[0]
    >>> [(i.name, i.value, i.unit) for i in extract(doc).indicators]
    [('建档人数', 620300.0, '人'), ('建档率', 84.0, '%')]
    """
    text = doc.text
    # one segmentation of the whole document, shared by naming and entities
    cut = words(text)
    quantities = find_quantities(text)
    # an ``other`` period whose title names its months (前三季度, 1—10月) fixes 截至目前 and 去年同期 by them
    period = doc.meta.period
    if period == "other":
        period = covered_months(doc.meta.title) or period
    times = in_plan_year(doc, find_times(text, doc.meta.year, period, year_masked=doc.meta.year_masked))
    indicators = find_indicators(doc, quantities, Words(cut))
    commitments = find_commitments(doc, indicators)
    if models:
        # the sentence-role classifier decides where the rules are unsure (a promise
        # marked by 争取/计划/年内… alone, a goal word outside a plan part): README, Learned models
        from zongjie.models import roles

        indicators, commitments = roles.revise(doc, indicators, commitments)
    found_entities: list[Entity] = []
    if entities:
        from zongjie.extract.entities import find_entities

        found_entities = find_entities(text, cut)
        if models:
            from zongjie.models import ner

            names = [(i.name_start, i.name_end) for i in indicators if i.name_start is not None and i.name_end]
            sentences = [(s.start, s.end) for s in doc.sentences]
            found_entities = ner.add_model_entities(text, found_entities, names, units=sentences or None,
                                                      cut=cut)
    return Facts(quantities, times, indicators, commitments, found_entities, cut=cut)
