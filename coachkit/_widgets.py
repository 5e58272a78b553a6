"""Private helpers for :mod:`coachkit.forms`: messages, tables and charts.

Everything here is a pure function of its arguments (a DataFrame in, an HTML string or a
matplotlib Figure out), so the look of a table or chart can be tested without a kernel.
Strings that came from a person or a contact export are always HTML-escaped.
"""

from __future__ import annotations

import functools
import html
import io
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd
from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

__all__ = [
    "ERROR_COLOUR",
    "column_options",
    "error_html",
    "figure_png",
    "mentor_chart",
    "mosaic_chart",
    "note_html",
    "ok_html",
    "progress_chart",
    "referral_chart",
    "table_html",
    "warning_html",
    "week_chart",
]

ERROR_COLOUR = "#b00020"
OK_COLOUR = "#1b7f3b"
WARNING_COLOUR = "#8a5a00"
KIND_COLOURS = {"research": "#7b61ff", "outreach": "#1f77b4", "call": "#2ca02c"}
_WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _message_html(text: str, colour: str, css_class: str, prefix: str = "") -> str:
    if not text:
        return ""
    return (
        f'<div class="{css_class}" style="color:{colour};font-size:0.92em;margin:2px 0 6px 0">'
        f"{prefix}{html.escape(text)}</div>"
    )


def error_html(text: str) -> str:
    """Return a red error line (shown right under the field it is about)."""
    return _message_html(text, ERROR_COLOUR, "coachkit-error", "&#9888; ")


def warning_html(text: str) -> str:
    """Return an amber advice line (something to reconsider, not a blocking error)."""
    return _message_html(text, WARNING_COLOUR, "coachkit-warning")


def ok_html(text: str) -> str:
    """Return a green confirmation line."""
    return _message_html(text, OK_COLOUR, "coachkit-ok", "&#10003; ")


def note_html(text: str) -> str:
    """Return a quiet grey note (empty states, hints)."""
    return _message_html(text, "#555", "coachkit-note")


def _cell(value: object) -> str:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float) and pd.isna(value):
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    return str(value)


def table_html(
    frame: pd.DataFrame,
    columns: Mapping[str, str],
    *,
    empty: str,
    highlight: str | None = None,
) -> str:
    """Render chosen columns of ``frame`` as a compact, escaped HTML table.

    Parameters
    ----------
    frame
        The rows to show.
    columns
        Column name -> heading, in display order; missing columns are skipped.
    empty
        What to say when there are no rows (a next step, not a blank).
    highlight
        Name of a boolean column; rows where it is true are tinted (e.g. overdue).
    """
    if frame is None or frame.empty:
        return note_html(empty)
    shown = {c: h for c, h in columns.items() if c in frame.columns}
    view = pd.DataFrame({h: [_cell(v) for v in frame[c]] for c, h in shown.items()})
    styler = view.style.hide(axis="index").format(escape="html")
    styler = styler.set_table_styles(
        [
            {"selector": "", "props": "border-collapse:collapse;font-size:0.95em;"},
            {"selector": "th", "props": "text-align:left;padding:4px 10px;background:#f0f0f5;"},
            {"selector": "td", "props": "padding:4px 10px;border-top:1px solid #e5e5e5;"},
        ]
    )
    if highlight and highlight in frame.columns:
        flags = [bool(v) if v is not pd.NA else False for v in frame[highlight]]

        def tint(row: pd.Series) -> list[str]:
            colour = "background:#fdecea;" if flags[row.name] else ""
            return [colour] * len(row)

        styler = styler.apply(tint, axis=1)
    return f'<div class="coachkit-table">{styler.to_html()}</div>'


#: Fonts tried in turn for each character: DejaVu Sans (matplotlib's own) for Latin, Greek
#: and Cyrillic, then the common CJK fonts when installed (e.g. Debian's fonts-noto-cjk), so
#: that a name such as 李伟 is drawn rather than shown as boxes.
FONT_FAMILIES = [
    "DejaVu Sans", "Noto Sans CJK JP", "Noto Sans CJK SC", "Source Han Sans",
    "WenQuanYi Zen Hei", "Droid Sans Fallback", "Arial Unicode MS", "sans-serif",
]  # fmt: skip


@functools.cache
def _installed_families() -> tuple[str, ...]:
    from matplotlib import font_manager

    names = {font.name for font in font_manager.fontManager.ttflist}
    return tuple(f for f in FONT_FAMILIES if f in names or f == "sans-serif")


@contextmanager
def _quiet_fonts() -> Iterator[None]:
    """Use the fallback fonts; a glyph no installed font has is a box, never a warning."""
    with rc_context({"font.family": list(_installed_families())}), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from", category=UserWarning)
        yield


def _with_fonts(chart: Callable[..., Figure]) -> Callable[..., Figure]:
    @functools.wraps(chart)
    def drawn(*args: Any, **kwargs: Any) -> Figure:
        with _quiet_fonts():
            return chart(*args, **kwargs)

    return drawn


def figure_png(fig: Figure) -> bytes:
    """Return a figure as PNG bytes (for an ipywidgets Image; no pyplot state involved)."""
    buffer = io.BytesIO()
    with _quiet_fonts():
        fig.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    return buffer.getvalue()


def _short(text: object, limit: int = 38) -> str:
    value = _cell(text)
    return value if len(value) <= limit else value[: limit - 1] + "…"


@_with_fonts
def mentor_chart(frame: pd.DataFrame, limit: int = 12) -> Figure:
    """Horizontal bars: the best-matching mentors on top, already-approached ones greyed."""
    rows = frame.head(limit).iloc[::-1]
    fig = Figure(figsize=(7.5, 0.42 * len(rows) + 1.0))
    ax = fig.subplots()
    labels = [
        f"{_short(n, 24)} · {_short(f, 20)}" if _cell(f) else _short(n, 24)
        for n, f in zip(rows["name"], rows.get("firm", [""] * len(rows)), strict=True)
    ]
    approached = rows["approached"] if "approached" in rows else [False] * len(rows)
    colours = ["#b8b8c8" if bool(a) else "#1f77b4" for a in approached]
    ax.barh(range(len(rows)), rows["score"].astype(float), color=colours)
    ax.set_yticks(range(len(rows)), labels)
    ax.set_xlabel("match with your goals (higher is closer)")
    ax.set_title("Your mentor shortlist (grey: already contacted)", loc="left")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


@_with_fonts
def mosaic_chart(frame: pd.DataFrame) -> Figure:
    """One bar: how many target firms are covered, half-way, or still without a contact."""
    order = [("covered", "#2ca02c"), ("no conversation yet", "#ff9f1c"),
             ("no contact yet", "#d62728")]  # fmt: skip
    counts = frame["status"].value_counts()
    fig = Figure(figsize=(7.5, 1.6))
    ax = fig.subplots()
    left = 0
    for status, colour in order:
        count = int(counts.get(status, 0))
        if count:
            ax.barh([0], [count], left=left, color=colour, label=f"{status} ({count})")
            ax.text(left + count / 2, 0, str(count), ha="center", va="center", color="white")
            left += count
    ax.set_yticks([])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # firms are whole
    ax.set_xlabel("firms in your target space")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.5), ncol=3, frameon=False)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_title("Your mosaic: firms where you know someone, and the gaps", loc="left")
    return fig


@_with_fonts
def progress_chart(frame: pd.DataFrame) -> Figure:
    """One bar per target: the target as a light outline, what was done filled in."""
    fig = Figure(figsize=(7.5, 0.6 * len(frame) + 1.0))
    ax = fig.subplots()
    rows = frame.iloc[::-1].reset_index(drop=True)
    positions = range(len(rows))
    targets = rows["target"].astype(float)
    actuals = rows["actual"].astype(float)
    colours = ["#2ca02c" if bool(ok) else "#ff9f1c" for ok in rows["on_target"]]
    ax.barh(positions, targets, color="#eeeeee", edgecolor="#999999", label="target")
    ax.barh(positions, actuals, height=0.5, color=colours, label="done")
    labels = [
        f"{_short(label or metric, 22)} ({period})"
        for label, metric, period in zip(rows["label"], rows["metric"], rows["period"], strict=True)
    ]
    ax.set_yticks(list(positions), labels)
    for y, (actual, target) in enumerate(zip(actuals, targets, strict=True)):
        ax.text(max(actual, target) + 0.1, y, f"{actual:g} of {target:g}", va="center")
    ax.set_xlim(0, max(1.0, float(max(targets.max(), actuals.max()))) * 1.3)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts are whole: no 0.25 steps
    ax.set_title("Done so far against your targets (green: on target)", loc="left")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


@_with_fonts
def week_chart(plan: pd.DataFrame, start: pd.Timestamp | object) -> Figure:
    """A seven-column week: each session a coloured card on its day, in time order."""
    first = pd.Timestamp(start)
    days = [first + pd.Timedelta(days=i) for i in range(7)]
    by_day: dict[pd.Timestamp, list[tuple[str, str, str, str]]] = {d: [] for d in days}
    for row in plan.itertuples(index=False):
        day = pd.Timestamp(row.day)
        if day in by_day:
            # "Research: find potential mentors" -> "Research"; "Call Hana Rossi (Alan)" stays
            # a name: the card only has room for a few words.
            short = str(row.title).split(":")[0].split("(")[0].strip()
            status = str(getattr(row, "status", "planned"))
            by_day[day].append((str(row.time), str(row.kind), _short(short, 16), status))
    tallest = max([len(v) for v in by_day.values()] + [1])
    fig = Figure(figsize=(9, 0.9 + 0.75 * tallest))
    ax = fig.subplots()
    ax.set_xlim(0, 7)
    ax.set_ylim(tallest + 0.1, -0.6)
    ax.axis("off")
    for column, day in enumerate(days):
        ax.text(
            column + 0.5,
            -0.25,
            f"{_WEEKDAY_NAMES[day.weekday()]} {day.day}",
            ha="center",
            fontweight="bold",
        )
        for slot, (time, kind, title, status) in enumerate(sorted(by_day[day])):
            colour = KIND_COLOURS.get(kind, "#888888")
            card = _card(column + 0.05, slot + 0.05, 0.9, 0.85, colour)
            if status != "planned":  # done or cancelled: faded, so what is left stands out
                card.set_alpha(0.4)
            ax.add_patch(card)
            ax.text(column + 0.5, slot + 0.48, f"{time}\n{title}", ha="center", va="center",
                    fontsize=7, color="white")  # fmt: skip
    ax.set_title(
        "This week (purple: research, blue: outreach, green: calls; faded: done)", loc="left"
    )
    return fig


def _card(x: float, y: float, width: float, height: float, colour: str):  # -> FancyBboxPatch
    from matplotlib.patches import FancyBboxPatch

    return FancyBboxPatch((x, y), width, height, boxstyle="round,pad=0.02", color=colour)


@_with_fonts
def referral_chart(tree: pd.DataFrame) -> Figure:
    """Draw who referred whom: the first generation on the left, each referral to its right."""
    ids = [int(i) for i in tree["id"]]
    parent = {
        int(i): (None if pd.isna(p) else int(p))
        for i, p in zip(tree["id"], tree["referred_by"], strict=True)
    }
    names = {int(i): _short(n, 22) for i, n in zip(tree["id"], tree["name"], strict=True)}
    children: dict[int | None, list[int]] = {}
    for node in ids:
        key = parent[node] if parent[node] in parent else None
        children.setdefault(key, []).append(node)
    # Depth-first order gives each person a row right under the one who referred them.
    order: list[tuple[int, int]] = []

    def visit(node: int, depth: int) -> None:
        order.append((node, depth))
        for child in children.get(node, []):
            visit(child, depth + 1)

    for root in children.get(None, []):
        visit(root, 0)
    depth_of = {node: depth for node, depth in order}
    row_of = {node: row for row, (node, _) in enumerate(order)}
    deepest = max(depth_of.values(), default=0)
    fig = Figure(figsize=(2.6 * (deepest + 1) + 1.5, 0.38 * len(order) + 1.0))
    ax = fig.subplots()
    ax.axis("off")
    ax.set_xlim(-0.2, deepest + 1.2)
    ax.set_ylim(len(order) + 0.2, -0.8)
    for node, depth in order:
        up = parent[node]
        if up in row_of:
            ax.plot([depth - 1 + 0.05, depth - 0.05], [row_of[up], row_of[node]], color="#999999")
        colour = "#1f77b4" if depth == 0 else "#2ca02c"
        ax.plot([depth], [row_of[node]], "o", color=colour)
        ax.text(depth + 0.06, row_of[node] - 0.1, names[node], va="bottom", fontsize=8)
    ax.set_title("Your referral tree: each line is a name someone gave you", loc="left")
    return fig


def column_options(frame: pd.DataFrame, label_columns: Sequence[str]) -> list[tuple[str, int]]:
    """Dropdown options ``(label, id)`` built from a contacts-like frame."""
    options = []
    for row in frame.itertuples(index=False):
        parts = [_cell(getattr(row, c, "")) for c in label_columns]
        label = parts[0] + (f" ({', '.join(p for p in parts[1:] if p)})" if any(parts[1:]) else "")
        options.append((label, int(row.id)))
    return options
