"""Compare and audit results as files: CSV, JSON, XLSX and a self-contained HTML report.

Each function returns text or bytes; writing and printing is the caller's
(the CLI's) business. Text from documents is escaped wherever it lands in
HTML (``html.escape``), so a report is safe whatever the documents hold.

    >>> print(to_csv([{"period": "2025", "actual": 3.9}], ["period", "actual"]).strip())
    period,actual
    2025,3.9
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Sequence
from typing import Any

from zongjie.analysis.audit import STATUSES, summary

__all__ = [
    "AUDIT_COLUMNS",
    "COMPARE_COLUMNS",
    "audit_html",
    "audit_rows",
    "to_csv",
    "to_json",
    "to_xlsx",
]

COMPARE_COLUMNS = [
    "entity", "period", "indicator", "unit", "actual", "actual_qualifier", "target", "target_max",
    "target_qualifier", "actual_name", "actual_doc", "actual_quote", "target_name", "target_doc", "target_quote",
]
AUDIT_COLUMNS = [
    "entity", "indicator", "period", "status", "evidence", "target_value", "target_value_max", "target_unit",
    "target_qualifier", "direction", "strength", "result_value", "result_unit", "result_qualifier", "reason",
    "target_doc", "target_quote", "target_start", "target_end", "result_doc", "result_quote", "result_start",
    "result_end",
]


def csv_writer(out: Any, columns: Sequence[str]) -> Any:
    """A CSV writer to ``out`` that has written the header line; ``write(row)`` writes one row
    (None as an empty cell)."""
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    return lambda row: writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in columns})


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """Rows as CSV text with a header line (UTF-8 text; the caller adds a BOM for Excel if wanted)."""
    buf = io.StringIO()
    write = csv_writer(buf, columns)
    for row in rows:
        write(row)
    return buf.getvalue()


def to_json(value: Any) -> str:
    """JSON with Chinese kept readable."""
    return json.dumps(value, ensure_ascii=False, indent=2)


def audit_rows(pairs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Audit pairs flattened to one row each (for tables, CSV and XLSX)."""
    rows = []
    for p in pairs:
        t, r = p["target"], p["result"] or {}
        rows.append({
            "entity": p["entity"], "indicator": p["indicator"], "period": p["period"], "status": p["status"],
            "evidence": r.get("evidence"),
            "target_value": t["value"], "target_value_max": t["value_max"], "target_unit": t["unit"],
            "target_qualifier": t["qualifier"], "direction": t["direction"], "strength": t.get("strength"),
            "result_value": r.get("value"), "result_unit": r.get("unit"), "result_qualifier": r.get("qualifier"),
            "reason": p["reason"], "target_doc": t["doc"], "target_quote": t["quote"],
            "target_start": t.get("start"), "target_end": t.get("end"), "result_doc": r.get("doc"),
            "result_quote": r.get("quote"), "result_start": r.get("start"), "result_end": r.get("end"),
        })
    return rows


def to_xlsx(sheets: dict[str, tuple[Sequence[dict[str, Any]], Sequence[str]]]) -> bytes:
    """An XLSX workbook, one sheet per entry, with frozen headers and sensible column widths.

    Args:
        sheets: sheet name → (rows, columns).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for name, (rows, columns) in sheets.items():
        ws = wb.create_sheet(title=name[:31])
        ws.append(list(columns))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([row.get(c) for c in columns])
        ws.freeze_panes = "A2"
        for i, col in enumerate(columns, start=1):
            longest = max([len(str(col))] + [len(str(r.get(col) or "")) for r in rows[:200]])
            # CJK characters are about two columns wide; quotes stay readable at 60
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(60, 2 + longest * 1.6)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;max-width:70em;color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}
th{background:#f4f4f4}.met{background:#e5f5e0}.not_met{background:#fde0dd}.partly{background:#fff3cd}
.no_evidence{background:#eee}mark{background:#ffe066}blockquote{margin:.3em 0;color:#444}
.pair{border:1px solid #ccc;padding:.6em 1em;margin:1em 0}.doc{font-size:.85em;color:#666}
"""


def _quote(side: dict[str, Any] | None) -> str:
    """The side's sentence, escaped, with its number marked."""
    if not side or not side.get("quote"):
        return "<p><em>no evidence found</em></p>"
    quote = side["quote"]
    base = side.get("quote_start")
    start, end = side.get("start"), side.get("end")
    if base is not None and start is not None and end is not None and 0 <= start - base <= end - base <= len(quote):
        a, b = start - base, end - base
        body = html.escape(quote[:a]) + "<mark>" + html.escape(quote[a:b]) + "</mark>" + html.escape(quote[b:])
    else:
        body = html.escape(quote)
    where = f"{side.get('doc') or ''} [{start}–{end}]" if start is not None else side.get("doc") or ""
    return f'<blockquote>{body}</blockquote><div class="doc">{html.escape(str(where))}</div>'


def _evidence(side: dict[str, Any] | None) -> str:
    kind = (side or {}).get("evidence")
    words = {"statement": "a plain statement, no figure", "count": "by part", "figure": "a figure"}
    return f" ({html.escape(words.get(kind, str(kind)))})" if kind else ""


def _parts(side: dict[str, Any] | None) -> str:
    parts = (side or {}).get("parts")
    if not parts:
        return ""
    items = "".join(f'<li>{html.escape(str(x["indicator"]))}: <span class="{html.escape(x["status"])}">'
                    f'{html.escape(x["status"].replace("_", " "))}</span></li>' for x in parts)
    return f"<ul>{items}</ul>"


def audit_html(result: dict[str, Any], *, title: str = "zongjie audit") -> str:
    """One self-contained HTML page: a summary by entity and indicator, then every pair with both quotes.

    Every piece of document text is escaped; the page loads nothing from
    the network.
    """
    pairs = result["pairs"]
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{len(pairs)} targets: "
        + ", ".join(f"{sum(p['status'] == s for p in pairs)} {s.replace('_', ' ')}" for s in STATUSES)
        + "</p>",
        "<h2>Summary</h2><table><tr><th>entity</th><th>indicator</th>"
        + "".join(f"<th>{s.replace('_', ' ')}</th>" for s in STATUSES) + "</tr>",
    ]
    for row in summary(pairs):
        out.append(
            f"<tr><td>{html.escape(row['entity'])}</td><td>{html.escape(row['indicator'])}</td>"
            + "".join(f'<td class="{s if row[s] else ""}">{row[s]}</td>' for s in STATUSES) + "</tr>"
        )
    out.append("</table><h2>Targets and evidence</h2>")
    for p in pairs:
        t = p["target"]
        head = " · ".join(html.escape(str(x)) for x in (p["entity"], p["indicator"], p["period"]))
        strength = f" ({html.escape(t['strength'])})" if t.get("strength") else ""
        out.append(
            f'<div class="pair"><h3>{head} — <span class="{html.escape(p["status"])}">'
            f"{html.escape(p['status'].replace('_', ' '))}</span></h3>"
            f"<p>{html.escape(p['reason'])}</p>"
            f"<p><b>Target</b> ({html.escape(t['direction'])}){strength}</p>{_quote(t)}"
            f"<p><b>Result</b>{_evidence(p['result'])}</p>{_quote(p['result'])}{_parts(p['result'])}</div>"
        )
    out.append("</body></html>")
    return "\n".join(out)
