"""zongjie (总结): Chinese work summaries and government work reports as a searchable, auditable dataset.

    >>> import zongjie
    >>> doc = zongjie.read_text("2023年卫生局上半年工作总结\\n今年以来，家庭医生签约覆盖率达85%。")[0]
    >>> facts = zongjie.extract(doc)
    >>> [(i.name, i.value, i.unit, i.kind) for i in facts.indicators]
    [('家庭医生签约覆盖率', 85.0, '%', 'actual')]
"""

from zongjie.corpus.document import Document, Meta
from zongjie.corpus.documents import read, read_text
from zongjie.errors import ReadError, StoreError, ZongjieError
from zongjie.extract.pipeline import Facts, extract
from zongjie.schema.store import Store

__version__ = "0.1.0"

__all__ = [
    "Document",
    "Facts",
    "Meta",
    "ReadError",
    "Store",
    "StoreError",
    "ZongjieError",
    "extract",
    "read",
    "read_text",
]
