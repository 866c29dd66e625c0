"""What Datasette shows about the store: titles, column notes, facets, canned queries.

Every table and column has a Chinese and an English label (Datasette shows
column notes under the table and as a tooltip on each heading). Units are
stated in the notes: a value's unit varies from row to row (元, %, 人) and
is in its own ``unit`` column, so Datasette's fixed per-column ``units``
are used only where a column has one unit (bytes, seconds).

Tables that another part of zongjie adds later (``audits``,
``indicator_canonical``) are described here too; :func:`build_metadata`
keeps only the tables and queries the served store actually has, so an
older store opens without broken links.
"""

from __future__ import annotations

from typing import Any

# the columns every fact table starts with (docs/schema.md, "Facts")
_FACT_COLUMNS = {
    "id": "编号 · id",
    "document_id": "文档 · document: documents.id of the document the fact is in",
    "sentence_id": "句子 · sentence: sentences.id of the sentence holding the fact (NULL for titles)",
    "start": "起 · start: character offset of the fact in documents.text (0-based, code points)",
    "end": "止 · end: offset just after the fact; the span is text[start:end]",
    "rule": "规则 · rule: id of the rule (quantity.approx_over.v1) or model (model:ner@1) that produced the fact",
}
_VALUE_COLUMNS = {
    "value": "数值 · value, in the unit of the unit column with the multiplier applied (3000万元 → 30000000); NULL when masked",
    "value_max": "上限 · upper end of a range (6%-6.5% → 6.5), same unit",
    "unit": "单位 · unit as written, without multiplier (元, %, 人, 个百分点); NULL for a bare number",
    "qualifier": "限定 · qualifier: over (余, 多), at_least (以上, 不低于), at_most (以内, 不超过), about (约, 左右); NULL if exact",
    "masked": "遮蔽 · masked (1): the number is blanked out in the source (x%, XX处); never guessed",
    "suspect": "存疑 · suspect (1): an implausible value the extractor doubts (直报率20230%)",
    "comparison": "比较 · comparison: increase (增长), decrease (下降), NULL for a level",
}


def _table(zh: str, en: str, description: str, columns: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {"title": f"{zh} · {en}", "description": description, "columns": columns, **extra}


# facets on the fact's document (zongjie.serve.facets): Datasette's own count only a table's columns
_BY_DOCUMENT = [{"zongjie": "year"}, {"zongjie": "period"}, {"zongjie": "entity"}, {"zongjie": "doc_type"}]


TABLES: dict[str, dict[str, Any]] = {
    "documents": _table(
        "文档", "Documents",
        "One clean document per row: a file, an archive member, a row of a dump or one article of a "
        "multi-article page. 每行一篇文档。Click a title to read the document.",
        {
            "id": "编号 · id: first 32 hex digits of sha256 of the text (the same text is stored once)",
            "source": "来源文件 · source: path of the file, as given to the ingest",
            "member": "压缩包成员 · member: path inside an archive, or row number in a dump",
            "format": "格式 · format: docx, pdf, doc, wps, txt, html, jsonl, csv",
            "encoding": "编码 · encoding a text file was decoded with (gb18030, utf-8)",
            "article": "篇目 · article: heading of an article split from a multi-article page",
            "title": "标题 · title",
            "year": "年份 · year the document is about (2024 for 2024年工作总结)",
            "year_masked": "年份遮蔽 · year masked (1): the year is blanked out (20xx年)",
            "period": "期间 · period: FY (全年), H1/H2 (上/下半年), Q1–Q4 (季度), other",
            "doc_type": "文种 · document type: summary (总结), plan (计划), report (报告), other",
            "org": "发文机关 · issuing body, where stated",
            "published": "发布日期 · publication date (YYYY-MM-DD), where the page states it",
            "text": "正文 · clean text; every offset in the store points into it (characters)",
            "raw_text": "原文 · the reader's text before cleaning",
            "raw_offsets": "偏移映射 · JSON runs [[text_offset, raw_offset], …] from text back to raw_text",
            "pages": "页码 · JSON [[start, end, page], …] (PDF); [] without pages",
            "blocks": "段落块 · JSON [[start, end, kind, level], …]: paragraphs, headings, table rows",
            "chars": "字数 · length of text, in characters",
            "ingested_at": "入库时间 · when the row was written (UTC, ISO 8601)",
            "source_size": "文件大小 · size of the source file (bytes)",
            "source_mtime": "修改时间 · modification time of the source file (seconds since 1970, UTC)",
            "source_hash": "文件哈希 · sha256 of the source file's bytes",
            "ocr_confidence": "识别置信度 · mean OCR confidence (0–1) of scanned pages; empty when no page was OCR'd. Review low values",
            "ocr": "识别信息 · JSON: OCR engine and confidence per scanned page",
            "pipeline_version": "版本 · zongjie version that made the row",
            "duplicate_of": "重复于 · near-duplicate (repost, rewrite) of this canonical document; empty if canonical or unique",
            "duplicate_similarity": "相似度 · Jaccard similarity (character 5-grams) to the canonical copy",
        },
        facets=["year", "period", "doc_type", {"zongjie": "entity"}, {"zongjie": "duplicate"}, "org", "format"],
        label_column="title",
        sort_desc="year",
        units={"source_size": "byte", "source_mtime": "second"},
    ),
    "sections": _table(
        "章节", "Sections",
        "A part of a document under one heading (一、（一）1.（1）), with its role. 文档的章节。",
        {
            "id": "编号 · id",
            "document_id": "文档 · document",
            "idx": "序号 · 0-based position in the document",
            "start": "起 · start offset in documents.text (heading included)",
            "end": "止 · end offset",
            "heading": "标题 · heading (一、主要工作 → 主要工作); NULL before the first heading",
            "heading_end": "标题止 · offset where the heading line ends",
            "level": "层级 · level: 1 一、, 2 （一）, 3 1., 4 （1）; 0 untitled",
            "role": "作用 · role: review (工作回顾), problems (问题不足), plan (下一步打算), other",
        },
        facets=["role", "level", *_BY_DOCUMENT],
        label_column="heading",
    ),
    "sentences": _table(
        "句子", "Sentences",
        "Every sentence with its offsets, indexed for Chinese full-text search. 句子与全文检索。"
        "The search box here segments your words like the index (医保 finds 医保基金, 签约 finds 签约服务).",
        {
            "id": "编号 · id (never reused)",
            "document_id": "文档 · document",
            "idx": "序号 · 0-based position in the document",
            "section_idx": "章节 · sections.idx of its section",
            "start": "起 · start offset in documents.text",
            "end": "止 · end offset",
            "page": "页 · 1-based page (PDF)",
            "text": "句子 · the sentence as written",
            "words": "分词 · what is indexed: the sentence cut into words by jieba, inner words added",
        },
        facets=[*_BY_DOCUMENT, {"zongjie": "duplicate"}],  # reposts: the same sentences again
    ),
    "quantities": _table(
        "数量", "Quantities",
        "Numbers with units found in the text (3000余万元, 85%). 数量：数值与单位。",
        {**_FACT_COLUMNS, "text": "原文 · the span as written (click: show it in its document)", **_VALUE_COLUMNS,
         "number_start": "数字起 · offset of the number alone", "number_end": "数字止 · end of the number alone"},
        facets=["unit", "qualifier", "masked", "suspect", "comparison", *_BY_DOCUMENT],
        label_column="text",
    ),
    "times": _table(
        "时间", "Times",
        "Time expressions resolved against the document's year (今年5月份, 上半年, 年底前). 时间表达。",
        {**_FACT_COLUMNS, "text": "原文 · as written (click: show it in its document)",
         "date_from": "起始日 · first day (YYYY-MM-DD; XXXX when the year is unknown)",
         "date_to": "截止日 · last day; NULL for an open end",
         "masked": "遮蔽 · masked (1): the year is blanked out (xx年)",
         "kind": "类型 · kind: date, period, point (截至目前)"},
        facets=["kind", "masked", *_BY_DOCUMENT],
        label_column="text",
    ),
    "indicators": _table(
        "指标", "Indicators",
        "A named measure with its value, actual (实际完成) or target (目标). 指标：名称、数值、实际或目标。"
        "Charts over time: /-/zongjie/charts.",
        {**_FACT_COLUMNS, "text": "原文 · the fact as written (click: show it in its document)",
         "name": "指标名称 · indicator name as written (家庭医生签约覆盖率)", **_VALUE_COLUMNS,
         "kind": "类型 · kind: actual (实际) or target (目标)",
         "name_start": "名称起 · offset of the name", "name_end": "名称止 · end of the name"},
        facets=["kind", {"zongjie": "canonical"}, *_BY_DOCUMENT, "unit", "masked", "suspect"],
        label_column="name",
    ),
    "commitments": _table(
        "承诺", "Commitments",
        "Promises of future work (年底前完成…, 力争…达到…), with deadline and strength. 工作承诺。",
        {**_FACT_COLUMNS, "text": "承诺原文 · the commitment as written (click: show it in its document)",
         "measurable": "可考核 · measurable (1): states a checkable target",
         "deadline": "期限 · deadline (YYYY-MM-DD): end of the latest time named",
         "strength": "力度 · strength: hard (确保, 必须), soft (力争, 争取), planned (计划, 拟, 将)",
         "target_name": "目标指标 · target indicator name",
         "target_value": "目标值 · target value (base units, see target_unit)",
         "target_unit": "目标单位 · target unit",
         "target": "目标 · the extractor's whole target (JSON)"},
        facets=["strength", "measurable", *_BY_DOCUMENT, "target_unit"],
        label_column="text",
    ),
    "entities": _table(
        "实体", "Entities",
        "Named organisations, places, people, documents and campaigns. 命名实体。",
        {**_FACT_COLUMNS, "text": "原文 · as written (click: show it in its document)",
         "label": "类别 · label: ORG (机构), LOC (地名), PER (人名), DOC (文件), CAMPAIGN (活动), INDICATOR (指标)",
         "norm": "规范名 · normalised form (full name of an abbreviation)",
         "extra": "附加 · anything else the extractor attached (JSON)"},
        facets=["label", *_BY_DOCUMENT, "norm"],
        label_column="text",
    ),
    "files": _table(
        "文件", "Files",
        "One row per file on disk read by an ingest; unchanged files are skipped next time. 已读文件。",
        {"path": "路径 · path as given to the ingest", "size": "大小 · size (bytes)",
         "mtime": "修改时间 · seconds since 1970 (UTC)", "sha256": "哈希 · sha256 of the bytes",
         "status": "状态 · ok or error (retried next run)", "reason": "原因 · error code",
         "documents": "文档数 · documents the file produced", "last_ingested_at": "入库时间 · UTC"},
        facets=["status", "reason"],
        units={"size": "byte", "mtime": "second"},
    ),
    "ingest_errors": _table(
        "入库错误", "Ingest errors",
        "Every file that could not be read, with a stable reason; the batch went on. 读取失败记录。",
        {"id": "编号 · id", "path": "文件 · file", "member": "成员 · archive member or dump row",
         "stage": "阶段 · stage: read, clean, extract, store",
         "reason": "原因 · reason code (encrypted, corrupt, unsupported_format, no_text_layer, …)",
         "error_class": "异常类 · Python exception class", "message": "信息 · message", "at": "时间 · when (UTC)"},
        facets=["reason", "stage"],
    ),
    "document_signatures": _table(
        "文档指纹", "Document signatures",
        "MinHash signature of each document, to find reposts and rewrites. 近似重复检测用。",
        {"document_id": "文档 · documents.id", "shingles": "片段数 · distinct character 5-grams",
         "minhash": "指纹 · 128 uint32 MinHash values", "checked": "已比对 · 1 once compared with the store"},
    ),
    "document_lsh": _table(
        "指纹分桶", "Signature bands",
        "The signatures cut into 32 bands: documents sharing a band are compared. 局部敏感哈希分桶。",
        {"band": "分桶 · hash of one band (plus band number × 2^32)", "document_id": "文档 · documents.id"},
    ),
    "migrations": _table(
        "迁移", "Migrations", "Schema migrations applied to this store. 数据库结构版本。",
        {"version": "版本 · migration number", "name": "名称 · migration function", "applied_at": "时间 · UTC"},
    ),
    # added by `zongjie audit --save` and at the end of an ingest
    "indicator_canonical": _table(
        "规范指标", "Canonical indicators",
        "Each indicator fact's canonical indicator: 国内生产总值增长, 地区生产总值增长 and 经济增长 are all GDP增长. "
        "指标名称归一。",
        {"indicator_id": "指标 · indicators.id",
         "canonical": "规范指标 · canonical indicator (GDP增长, CPI涨幅, 城镇新增就业…)",
         "method": "方法 · how it was matched: synonym table, similarity, or none",
         "score": "相似度 · similarity score of a learned match (0–1)"},
        facets=["canonical", "method"],
    ),
    "audits": _table(
        "目标审计", "Audits",
        "Each target checked against what a later report says happened: met, not_met, partly, no_evidence. "
        "目标与实际对照。Click a quote to see it in its document.",
        {"id": "编号 · id", "entity": "主体 · entity: body or region (全国, 广东省)",
         "indicator": "规范指标 · canonical indicator", "period": "期间 · period the target is for (2025, 2024-H2)",
         "status": "审计结论 · status: met (完成), not_met (未完成), partly (部分完成), no_evidence (无证据, never guessed)",
         "reason": "理由 · why, in words",
         "evidence": "证据类型 · evidence: figure (a number compared), statement (目标没有完成, 超额完成), "
                     "count (parts of a deliverable); empty without evidence",
         "direction": "方向 · floor (at or above is met) or ceiling (at or below is met)",
         "strength": "力度 · strength of the target's wording: hard (确保), soft (力争), planned (将, 预期)",
         "target_indicator_id": "目标指标 · indicators.id of the target",
         "target_commitment_id": "目标承诺 · commitments.id of the target",
         "target_document_id": "目标文档 · document stating the target",
         "target_value": "目标值 · target value (unit in target_unit)", "target_value_max": "目标上限 · upper end",
         "target_unit": "目标单位 · unit", "target_qualifier": "目标限定 · about, at_least, at_most, over",
         "target_quote": "目标原文 · the target as written (click: show it in its document)",
         "target_start": "目标起 · offset in the target document", "target_end": "目标止 · end offset",
         "result_indicator_id": "结果指标 · indicators.id of the result",
         "result_document_id": "结果文档 · document reporting the result",
         "result_value": "实际值 · actual value (unit in result_unit)", "result_unit": "实际单位 · unit",
         "result_qualifier": "实际限定 · about, at_least, at_most, over",
         "result_quote": "实际原文 · the result as written (click: show it in its document)",
         "result_start": "实际起 · offset in the result document", "result_end": "实际止 · end offset",
         "audited_at": "审计时间 · when the row was written (UTC)"},
        facets=["status", "entity", "indicator", "period", "evidence", "direction", "strength"],
    ),
}

HIDDEN = ("sentences_fts", "sentences_fts_config", "sentences_fts_data", "sentences_fts_docsize", "sentences_fts_idx")


def _queries(tables: set[str]) -> dict[str, dict[str, Any]]:
    """Canned queries, each with named parameters; only those the store's tables allow."""
    # the canonical indicator: the stored one where `zongjie audit --save` wrote it, else
    # computed on the fly by the SQL function the plugin registers (zongjie_canonical)
    if "indicator_canonical" in tables:
        canon_join = "LEFT JOIN indicator_canonical c ON c.indicator_id = i.id"
        canon = "COALESCE(c.canonical, zongjie_canonical(i.name))"
    else:
        canon_join = ""
        canon = "zongjie_canonical(i.name)"
    queries: dict[str, dict[str, Any]] = {
        "indicator_targets": {
            "title": "指标历年目标 · Targets for an indicator over the years",
            "description": "Every target stated for one indicator, by year and entity. Any written name works: "
                           "GDP增长, 国内生产总值增长 and 地区生产总值增长 are one indicator. 例：GDP增长",
            "sql": f"""SELECT d.year, zongjie_entity(d.org, d.title) AS entity, {canon} AS canonical, i.name,
  i.value, i.value_max, i.unit, i.qualifier, i.text, d.title, i.document_id, i.start, i."end"
FROM indicators i JOIN documents d ON d.id = i.document_id {canon_join}
WHERE :indicator != '' AND i.kind = 'target'
  AND ({canon} = zongjie_canonical(:indicator) OR i.name LIKE '%' || :indicator || '%')
ORDER BY d.year, entity, i.start""",
        },
        "commitments_due": {
            "title": "某年到期承诺 · Commitments due in a year",
            "description": "Commitments whose deadline falls in the given year (YYYY), measurable ones first. 例：2025",
            "sql": """SELECT c.deadline, c.strength, c.measurable, c.target_name, c.target_value, c.target_unit,
  c.text, d.title, d.year, c.document_id, c.start, c."end"
FROM commitments c JOIN documents d ON d.id = c.document_id
WHERE substr(c.deadline, 1, 4) = :year
ORDER BY c.measurable DESC, c.deadline, d.title, c.start""",
        },
        "awaiting_review": {
            "title": "待复核数值 · Masked and suspect values awaiting review",
            "description": "Indicators and quantities whose number is masked in the source (x%, XX处) or "
                           "implausible (直报率20230%). Leave flag empty for both, or give masked or suspect.",
            "sql": """SELECT * FROM (
  SELECT 'indicator' AS fact, i.id, CASE WHEN i.masked THEN 'masked' ELSE 'suspect' END AS flag,
    i.name, i.text, i.value, i.unit, d.title, d.year, i.document_id, i.start, i."end"
  FROM indicators i JOIN documents d ON d.id = i.document_id WHERE i.masked = 1 OR i.suspect = 1
  UNION ALL
  SELECT 'quantity', q.id, CASE WHEN q.masked THEN 'masked' ELSE 'suspect' END,
    NULL, q.text, q.value, q.unit, d.title, d.year, q.document_id, q.start, q."end"
  FROM quantities q JOIN documents d ON d.id = q.document_id WHERE q.masked = 1 OR q.suspect = 1
) WHERE :flag = '' OR flag = :flag
ORDER BY title, start""",
        },
    }
    if "audits" in tables:
        queries["entity_audit"] = {
            "title": "主体审计结果 · Audit results for an entity",
            "description": "Every target of one body or region against the result reported later, with the "
                           "two documents: click a quote or a title to see it highlighted in its document. "
                           "Part of a name works: 广东 finds 广东省. 例：全国. Status: leave empty for all, or "
                           "met, not_met, partly, no_evidence.",
            "sql": """SELECT a.period, a.indicator, a.status, a.reason, a.target_value, a.target_unit,
  a.result_value, a.result_unit, a.strength, a.target_quote, a.result_quote,
  td.title AS target_document, rd.title AS result_document, a.evidence, a.entity,
  a.target_document_id, a.target_start, a.target_end, a.result_document_id, a.result_start, a.result_end
FROM audits a
  LEFT JOIN documents td ON td.id = a.target_document_id
  LEFT JOIN documents rd ON rd.id = a.result_document_id
WHERE :entity != '' AND a.entity LIKE '%' || :entity || '%' AND (:status = '' OR a.status = :status)
ORDER BY CASE a.status WHEN 'not_met' THEN 0 WHEN 'partly' THEN 1 WHEN 'met' THEN 2 ELSE 3 END,
  a.indicator, a.period""",
        }
    return queries


def build_metadata(database: str, tables: set[str], *, allow_sql: bool = True) -> dict[str, Any]:
    """Datasette metadata for one served store.

    Args:
        database: the name Datasette gives the store (its file name without .db).
        tables: the tables the store has; descriptions of absent ones are dropped.
        allow_sql: let visitors run their own (read-only) SQL.
    """
    described = {name: dict(meta) for name, meta in TABLES.items() if name in tables}
    for name in HIDDEN:
        if name in tables:
            described[name] = {"hidden": True}
    if "sentences" in described and "sentences_fts" in tables:
        # the search box of /db/sentences: the plugin segments the query like the index
        described["sentences"].update(fts_table="sentences_fts", fts_pk="id", searchmode="raw")
    meta: dict[str, Any] = {
        "title": "zongjie 总结 · 工作总结与政府工作报告",
        "description_html": (
            "Chinese work summaries and government work reports, read into facts you can check. "
            '<a href="/-/zongjie/search">全文检索 Search</a> · '
            '<a href="/-/zongjie/charts">指标图表 Charts</a>'
        ),
        "databases": {
            database: {
                "title": "zongjie store",
                "tables": described,
                "queries": _queries(tables),
            }
        },
    }
    if not allow_sql:
        meta["allow_sql"] = False
    return meta
