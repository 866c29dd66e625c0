"""Charts of :func:`zongjie.analysis.compare.compare` rows: the actual against the target over time.

One panel per unit (% and 人 never share an axis), one colour per entity;
the actual is a solid line with dots, the target hollow diamonds on a
dashed line, a range (6%–6.5%) a bar from its lower to its upper end. A
period of half a year is placed in its half (2023-H1 at 2023.25). The
chart is drawn with matplotlib (extra ``chart``) in a CJK font found on the
machine (WenQuanYi Micro Hei, Noto Sans CJK, Source Han Sans…; Debian's
``fonts-wqy-microhei`` is what ``make system-deps`` installs); without one
the chart is still drawn and :func:`cjk_font` says so.

Formats by the file's suffix: ``.png``, ``.svg`` (text as paths, so it shows
the same anywhere) and ``.html`` (one self-contained page: the SVG inline
and the figures as a table, escaped).

    >>> period_x("2023"), period_x("2023-H2"), period_x("2023-Q1")
    (2023.0, 2023.75, 2023.125)
"""

from __future__ import annotations

import functools
import html
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["FORMATS", "chart", "cjk_font", "period_x"]

FORMATS = (".png", ".svg", ".html")
# families that hold Chinese glyphs, most wanted first
_CJK_FAMILIES = ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
                 "Source Han Sans CN", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "AR PL UMing CN")
_HALF = {"H1": 0.25, "H2": 0.75, "Q1": 0.125, "Q2": 0.375, "Q3": 0.625, "Q4": 0.875}


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError as e:
        raise ImportError("charts need matplotlib: pip install 'zongjie[chart]'") from e
    return matplotlib


@functools.cache
def cjk_font() -> str | None:
    """The family name of a CJK font matplotlib can use, or None when the machine has none."""
    _matplotlib()
    from matplotlib import font_manager

    found = _cjk_in(font_manager.fontManager.ttflist)
    if found is None:
        # matplotlib caches the machine's font list once: a font installed after that
        # (apt-get install fonts-wqy-microhei) is not in it; add what the system has now
        known = {f.fname for f in font_manager.fontManager.ttflist}
        for path in font_manager.findSystemFonts():
            if path not in known:
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue  # a font file matplotlib cannot read
        found = _cjk_in(font_manager.fontManager.ttflist)
    return found


def _cjk_in(fonts: list[Any]) -> str | None:
    names = {f.name for f in fonts}
    for family in _CJK_FAMILIES:
        if family in names:
            return family
    for f in fonts:  # any other font that says it is Chinese
        if any(w in f.name for w in ("CJK", "Hei", "Song", "Kai", "Ming", "WenQuanYi")):
            return f.name
    return None


def period_x(period: str) -> float:
    """A period on the time axis: the year, plus the middle of its half or quarter."""
    year, _, part = period.partition("-")
    return int(year) + _HALF.get(part, 0.0)


def _series(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Rows by unit, then entity, in period order."""
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for r in sorted(rows, key=lambda r: period_x(r["period"])):
        out.setdefault(r["unit"] or "", {}).setdefault(r["entity"], []).append(r)
    return out


def _rc() -> dict[str, Any]:
    """matplotlib settings for a chart: the CJK font first; text in SVG as paths."""
    font = cjk_font()
    return {"font.family": "sans-serif", "font.sans-serif": [font, "DejaVu Sans"] if font else ["DejaVu Sans"],
            "axes.unicode_minus": False, "svg.fonttype": "path"}


def _gapped(points: list[tuple[float, float]]) -> tuple[list[float], list[float]]:
    """x and y with a break (NaN) where a year or more is missing, so no line bridges the gap."""
    xs: list[float] = []
    ys: list[float] = []
    for x, y in points:
        if xs and x - xs[-1] > 1.0:
            xs.append((x + xs[-1]) / 2)
            ys.append(float("nan"))
        xs.append(x)
        ys.append(y)
    return xs, ys


def _figure(rows: Sequence[dict[str, Any]], title: str) -> Any:
    """The figure; drawn and saved under ``rc_context(_rc())`` (fonts are looked up when text is drawn)."""
    _matplotlib()
    import matplotlib as mpl
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    by_unit = _series(rows)
    fig = Figure(figsize=(8, 1.2 + 2.8 * max(1, len(by_unit))), dpi=110, layout="constrained")
    axes = fig.subplots(len(by_unit), 1, squeeze=False, sharex=True)[:, 0]
    colours = mpl.colormaps["tab10"].colors
    entities = sorted({r["entity"] for r in rows})
    for ax, (unit, by_entity) in zip(axes, by_unit.items(), strict=True):
        for entity, rs in by_entity.items():
            colour = colours[entities.index(entity) % len(colours)]
            actual = [(period_x(r["period"]), r["actual"]) for r in rs if r["actual"] is not None]
            if actual:
                ax.plot(*_gapped(actual), "-o", color=colour, label=f"{entity} 实际 actual")
            target = [(period_x(r["period"]), r["target"]) for r in rs if r["target"] is not None]
            if target:
                ax.plot(*_gapped(target), "--D", color=colour, markerfacecolor="white", alpha=0.9,
                        label=f"{entity} 目标 target")
            for r in rs:
                if r["target"] is not None and r.get("target_max") is not None:
                    ax.vlines(period_x(r["period"]), r["target"], r["target_max"], color=colour, linewidth=5,
                              alpha=0.35)
        ax.set_ylabel(unit or "value")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8, loc="best")
    axes[0].set_title(title)
    axes[-1].set_xlabel("期间 period")
    return fig


def _table_html(rows: Sequence[dict[str, Any]]) -> str:
    head = ("entity", "period", "unit", "actual", "target", "target_max", "target_qualifier", "actual_doc",
            "target_doc")
    out = ["<table><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>"]
    for r in rows:
        out.append("<tr>" + "".join(f"<td>{html.escape('' if r.get(h) is None else str(r.get(h)))}</td>"
                                    for h in head) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def chart(rows: Sequence[dict[str, Any]], path: str | Path, *, title: str | None = None) -> Path:
    """Draw ``rows`` (from :func:`zongjie.analysis.compare.compare`) to ``path`` (.png, .svg or .html).

    Raises:
        ValueError: no rows, or a suffix other than .png, .svg, .html.
        ImportError: matplotlib is missing (with the install command).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"a chart is .png, .svg or .html, not {path.suffix or 'no suffix'}")
    if not rows:
        raise ValueError("nothing to chart: no figures for this indicator")
    indicator = rows[0]["indicator"]
    title = title or f"{indicator}: 实际与目标 actual and target"
    import warnings

    import matplotlib as mpl

    with mpl.rc_context(_rc()), warnings.catch_warnings():
        # without a CJK font the chart is still drawn (cjk_font() tells the caller); no warning per glyph
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        _save(_figure(rows, title), path, suffix, rows, title)
    return path


def _save(fig: Any, path: Path, suffix: str, rows: Sequence[dict[str, Any]], title: str) -> None:
    if suffix == ".png":
        fig.savefig(path, format="png")
    elif suffix == ".svg":
        fig.savefig(path, format="svg")
    else:
        buf = io.StringIO()
        fig.savefig(buf, format="svg")
        svg = buf.getvalue()
        svg = svg[svg.index("<svg"):]  # inline: without the XML declaration and doctype
        page = (
            '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>"
            "body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}"
            "th,td{border:1px solid #ccc;padding:.2em .5em}th{background:#f4f4f4}</style></head><body>"
            f"<h1>{html.escape(title)}</h1>\n{svg}\n{_table_html(rows)}\n</body></html>\n"
        )
        path.write_text(page, encoding="utf-8")
