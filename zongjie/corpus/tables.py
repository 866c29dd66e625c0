"""Dumps of documents as rows: JSONL, JSON arrays and CSV/TSV.

Two shapes occur, and the reader tells them apart:

- **one document per row** (``mode='rows'``): each row holds a whole text,
  e.g. the Wikisource JSONL (``title, year, url, content``) or the
  provincial 2026 CSVs (``province, year, title, source_url, publish_date,
  full_text``). ``member`` is ``row N`` (the line number in a JSONL file,
  the 1-based data row in a CSV); title/year/url/id/published go into
  ``hints``, other short columns into ``hints['fields']``.
- **one document per file** (``mode='file'``): each row is a sentence of
  one report, e.g. the sentence-aligned zh–en CSVs (``报告年份, 年度文件内行号,
  中文, 英文, …``). Chosen automatically when the rows have a Chinese-text
  column (``zh``, ``chinese``, ``中文``…) and no whole-text column, or when
  the text column holds short texts (median under 200 characters) in rows
  without titles. The Chinese column's rows are joined into one document;
  consecutive rows with the same paragraph number (``年度文件内行号``,
  ``paragraph``, ``para_id``…) make one block, their sentences joined without
  a space; without a paragraph column each row is a block. A year column
  with a single value becomes ``hints['year']``.

The text of a row is split into blocks at line breaks. Field names can be
given (``text_field``, ``title_field``, ``year_field``); otherwise the
first present name of each guess list below is used, case-insensitively.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

from zongjie.corpus.document import Block, RawDocument
from zongjie.corpus.text import check_size, decode_bytes, split_lines
from zongjie.errors import CorruptFile, EmptyDocument, ReadError, TooLarge, UnsupportedFormat

TEXT_FIELDS = ("content", "text", "full_text", "fulltext", "body", "正文", "全文", "内容", "文本")
CHINESE_FIELDS = ("zh", "chinese", "中文", "zh_text", "text_zh", "cn", "原始中文", "source_zh")
TITLE_FIELDS = ("title", "标题", "题目", "name", "名称")
YEAR_FIELDS = ("year", "年份", "报告年份", "年度")
URL_FIELDS = ("url", "source_url", "link", "href", "链接", "网址", "来源链接")
ID_FIELDS = ("id", "doc_id", "uuid", "编号")
PUBLISHED_FIELDS = ("publish_date", "published", "pub_date", "date", "发布日期", "发布时间", "日期")
PARAGRAPH_FIELDS = (
    "paragraph",
    "para",
    "para_id",
    "paragraph_id",
    "段落",
    "段落号",
    "年度文件内行号",
    "行号",
    "line_no",
)

# Rows are judged on the first rows only, so a big dump streams.
SAMPLE_ROWS = 200
SHORT_TEXT = 200
# Longer values are content, not metadata, and stay out of hints['fields'].
MAX_FIELD_HINT = 200
# A table file is read whole (a dump of many documents may be big); one row's
# text is one document, held to the size a text file may have.
MAX_TABLE_BYTES = 1024**3
MAX_TEXT_CHARS = 32 * 1024**2


@dataclass
class RowError:
    """A row that could not be read; the rows around it still are."""

    member: str
    error: ReadError


def read_table(
    path: Path,
    *,
    format: str,
    source: str | None = None,
    member: str | None = None,
    text_field: str | None = None,
    title_field: str | None = None,
    year_field: str | None = None,
    mode: str = "auto",
) -> Iterator[RawDocument | RowError]:
    """Documents in a JSONL/JSON/CSV dump, one per row or one per file.

    Args:
        path: the file on disk.
        format: ``jsonl``, ``json`` or ``csv``.
        source: the path to record (the archive's, for a member); ``path`` by default.
        member: the path inside an archive, if any; rows become ``member!row N``.
        text_field, title_field, year_field: column names, guessed when None.
        mode: ``rows``, ``file`` or ``auto`` (see the module docstring).

    Yields:
        RawDocuments, and RowErrors for rows that fail (bad JSON, no text).

    Raises:
        UnsupportedFormat: no text column (JSON data that is not documents, a manifest CSV).
        EmptyDocument: no rows at all.

    Example: a line ``{"title": "2025年…政府工作报告", "year": "2025", "content": "各位代表：\\n…"}``
    gives ``RawDocument(member='row 1', hints={'title': '2025年…', 'year': 2025}, blocks=['各位代表：', …])``.
    """
    path = Path(path)
    source = source or str(path)
    check_size(path, MAX_TABLE_BYTES, f"a {format} file")
    data = path.read_bytes()
    text, encoding = decode_bytes(data, name=str(path))
    if format == "jsonl":
        records = _jsonl_records(text)
    elif format == "json":
        records = _json_records(text, path)
    elif format == "csv":
        records = _csv_records(text, path)
    else:
        raise ValueError(f"read_table reads jsonl, json or csv, not {format!r}")

    sample: list[tuple[int, Any]] = []
    for item in records:
        sample.append(item)
        if len(sample) >= SAMPLE_ROWS:
            break
    rows = [r for _, r in sample if isinstance(r, dict)]
    if not sample:
        raise EmptyDocument(f"{format} file has no rows", path=str(path))
    if not rows:
        raise UnsupportedFormat(f"{format} rows are not objects with named fields", path=str(path))
    keys = _keys(rows)
    chinese = None if text_field else _pick(keys, CHINESE_FIELDS)
    text_key = _pick(keys, (text_field,) if text_field else TEXT_FIELDS)
    title_key = _pick(keys, (title_field,) if title_field else TITLE_FIELDS)
    year_key = _pick(keys, (year_field,) if year_field else YEAR_FIELDS)
    if mode == "auto":
        mode = _guess_mode(rows, text_key, chinese, title_key)
    if mode == "file":
        key = text_key if text_field or not chinese else chinese
        if key is None:
            raise UnsupportedFormat(_no_text_message(format, keys), path=str(path))
        all_rows = chain(sample, records)
        yield _file_document(all_rows, key, year_key, keys, path, source, member, format, encoding)
        return
    if text_key is None:
        raise UnsupportedFormat(_no_text_message(format, keys), path=str(path))
    for number, row in chain(sample, records):
        row_member = f"{member}!row {number}" if member else f"row {number}"
        if isinstance(row, ReadError):
            yield RowError(row_member, row)
            continue
        if not isinstance(row, dict):
            yield RowError(row_member, UnsupportedFormat("row is not an object", path=str(path)))
            continue
        value = row.get(text_key)
        if not isinstance(value, str) or not value.strip():
            yield RowError(row_member, EmptyDocument(f"row has no text in {text_key!r}", path=str(path)))
            continue
        if len(value) > MAX_TEXT_CHARS:
            yield RowError(row_member, TooLarge(
                f"row text of {len(value)} characters is over the {MAX_TEXT_CHARS} a document can have",
                path=str(path)))
            continue
        blocks = [Block(line) for line in split_lines(value) if line.strip()]
        yield RawDocument(
            blocks=blocks,
            source=source,
            format=format,
            member=row_member,
            hints=_row_hints(row, text_key, title_key, year_key, keys),
            encoding=encoding,
        )


def _no_text_message(format: str, keys: list[str]) -> str:
    return (
        f"{format} data without a text field (has {', '.join(keys[:12])}; looked for "
        f"{', '.join(TEXT_FIELDS[:4])}…): data, not documents"
    )


def _keys(rows: list[dict]) -> list[str]:
    keys: dict[str, None] = {}
    for row in rows:
        for k in row:
            keys.setdefault(str(k), None)
    return list(keys)


def _pick(keys: list[str], names) -> str | None:
    lowered = {k.strip().lower(): k for k in keys}
    for name in names:
        if name is not None and name.lower() in lowered:
            return lowered[name.lower()]
    return None


def _guess_mode(rows: list[dict], text_key, chinese, title_key) -> str:
    if chinese and not text_key:
        return "file"
    if text_key and not title_key and len(rows) >= 3:
        lengths = [len(r.get(text_key) or "") for r in rows if isinstance(r.get(text_key), str)]
        if lengths and statistics.median(lengths) < SHORT_TEXT:
            return "file"
    return "rows"


def _file_document(rows, key, year_key, keys, path, source, member, format, encoding) -> RawDocument:
    para_key = _pick(keys, PARAGRAPH_FIELDS)
    blocks: list[Block] = []
    last_para = object()
    years = set()
    count = 0
    for _, row in rows:
        if not isinstance(row, dict):
            continue
        value = row.get(key)
        if year_key and row.get(year_key) not in (None, ""):
            years.add(str(row.get(year_key)).strip())
        if not isinstance(value, str) or not value.strip():
            continue
        count += 1
        para = row.get(para_key) if para_key else object()
        if blocks and para_key and para == last_para:
            blocks[-1].text = _join(blocks[-1].text, value.strip())
        else:
            blocks.append(Block(value.strip()))
        last_para = para
    if not blocks:
        raise EmptyDocument(f"no text in column {key!r}", path=str(path))
    hints: dict[str, Any] = {"rows": count, "text_field": key}
    if len(years) == 1:
        year = _year(years.pop())
        if year:
            hints["year"] = year
    return RawDocument(
        blocks=blocks, source=source, format=format, member=member, hints=hints, encoding=encoding
    )


def _join(a: str, b: str) -> str:
    # Chinese sentences follow each other without a space; Latin ones with one.
    if a and b and a[-1].isascii() and a[-1] not in " " and b[0].isascii():
        return a + " " + b
    return a + b


def _year(value) -> int | None:
    s = str(value).strip()
    if len(s) >= 4 and s[:4].isdigit() and (len(s) == 4 or not s[4].isdigit()):
        return int(s[:4])
    return None


def _row_hints(row: dict, text_key, title_key, year_key, keys) -> dict[str, Any]:
    hints: dict[str, Any] = {}
    used = {text_key}
    if title_key and isinstance(row.get(title_key), str) and row[title_key].strip():
        hints["title"] = row[title_key].strip()
    used.add(title_key)
    if year_key and row.get(year_key) not in (None, ""):
        year = _year(row[year_key])
        if year:
            hints["year"] = year
    used.add(year_key)
    for hint, names in (("url", URL_FIELDS), ("id", ID_FIELDS), ("published", PUBLISHED_FIELDS)):
        key = _pick(keys, names)
        if key and row.get(key) not in (None, ""):
            hints[hint] = row[key] if not isinstance(row[key], str) else row[key].strip()
        used.add(key)
    fields = {
        k: v
        for k, v in row.items()
        if k not in used
        and isinstance(v, (str, int, float, bool))
        and len(str(v)) <= MAX_FIELD_HINT
        and v != ""
    }
    if fields:
        hints["fields"] = fields
    return hints


def _jsonl_records(text: str) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(split_lines(text), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as e:
            yield number, CorruptFile(f"line {number} is not JSON: {e}")


def _json_records(text: str, path: Path) -> Iterator[tuple[int, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise CorruptFile(f"not valid JSON: {e}", path=str(path)) from e
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise UnsupportedFormat("JSON holds neither an object nor a list of objects", path=str(path))
    yield from enumerate(data, start=1)


def _csv_records(text: str, path: Path) -> Iterator[tuple[int, Any]]:
    # Whole reports sit in one CSV field; the default limit (128 KB) is too small.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";", "|"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as e:
        raise CorruptFile(f"bad CSV header: {e}", path=str(path)) from e
    header = [h.strip() or f"column {i + 1}" for i, h in enumerate(header)]
    number = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            number += 1
            yield number, CorruptFile(f"bad CSV row: {e}")
            continue
        if not any(v.strip() for v in values):
            continue
        number += 1
        yield number, dict(zip(header, values, strict=False))
