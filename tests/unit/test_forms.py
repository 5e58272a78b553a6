"""The pure pieces behind the forms: escaped tables and the charts' layout."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from coachkit import _widgets as ui

pytestmark = pytest.mark.unit


def texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_table_html_escapes_every_cell_and_heading_text() -> None:
    frame = pd.DataFrame({"name": ["<script>alert(1)</script>"], "ok": [True], "m": [("a", "b")]})
    out = ui.table_html(frame, {"name": "Name", "ok": "OK", "m": "Matched"}, empty="none")
    assert "<script>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert ">yes<" in out and ">a, b<" in out


def test_table_html_keeps_chosen_columns_in_order_and_skips_missing_ones() -> None:
    frame = pd.DataFrame({"b": [1], "a": [2], "hidden": [3]})
    out = ui.table_html(frame, {"a": "First", "b": "Second", "absent": "X"}, empty="none")
    assert out.index("First") < out.index("Second")
    assert "hidden" not in out and ">X<" not in out


def test_table_html_says_what_to_do_when_empty() -> None:
    out = ui.table_html(pd.DataFrame(), {"a": "A"}, empty="Import contacts first.")
    assert "Import contacts first." in out and "<table" not in out


def test_table_html_tints_only_highlighted_rows() -> None:
    frame = pd.DataFrame({"who": ["late", "fine"], "flag": [True, False]})
    out = ui.table_html(frame, {"who": "Who"}, empty="", highlight="flag")
    assert out.count("#fdecea") == 1  # one cell: the late row


def test_messages_escape_what_they_show() -> None:
    assert "&lt;b&gt;" in ui.error_html("<b>")
    assert ui.error_html("") == ""
    assert "coachkit-error" in ui.error_html("x") and "coachkit-ok" in ui.ok_html("x")


def test_week_chart_puts_each_session_on_its_day_and_fades_done_ones() -> None:
    start = dt.date(2026, 11, 23)
    plan = pd.DataFrame(
        {
            "day": [dt.date(2026, 11, 24), dt.date(2026, 11, 29)],
            "time": ["10:00", "17:00"],
            "kind": ["call", "outreach"],
            "title": ["Call Hana Rossi (Alan)", "Outreach: write to 5 new people"],
            "status": ["done", "planned"],
        }
    )
    fig = ui.week_chart(plan, start)
    ax = fig.axes[0]
    cards = {t.get_text(): t.get_position()[0] for t in ax.texts if "\n" in t.get_text()}
    assert cards == {"10:00\nCall Hana Rossi": 1.5, "17:00\nOutreach": 6.5}  # Tue, Sun
    assert "Mon 23" in texts(fig) and "Sun 29" in texts(fig)
    alphas = sorted(p.get_alpha() or 1.0 for p in ax.patches)
    assert alphas == [0.4, 1.0]
    assert ui.figure_png(fig).startswith(b"\x89PNG")


def test_referral_chart_draws_each_name_right_under_whoever_gave_it() -> None:
    tree = pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "name": ["Ana", "Ben", "Cleo", "Dev"],
            "firm": ["", "", "", ""],
            "referred_by": pd.array([pd.NA, 1, 4, 1], dtype="Int64"),
            "generation": [0, 1, 2, 1],
        }
    )
    fig = ui.referral_chart(tree)
    rows = {t.get_text(): round(t.get_position()[1] + 0.1) for t in fig.axes[0].texts}
    columns = {t.get_text(): round(t.get_position()[0]) for t in fig.axes[0].texts}
    assert rows == {"Ana": 0, "Ben": 1, "Dev": 2, "Cleo": 3}  # Cleo under Dev, who gave her
    assert columns == {"Ana": 0, "Ben": 1, "Dev": 1, "Cleo": 2}


def test_progress_chart_writes_done_of_target_per_row() -> None:
    frame = pd.DataFrame(
        {
            "metric": ["new_contacts", "meetings"],
            "label": ["new contacts", "meetings"],
            "period": ["week", "month"],
            "target": [5, 4],
            "actual": [3, 4],
            "on_target": [False, True],
        }
    )
    labels = texts(ui.progress_chart(frame))
    assert "3 of 5" in labels and "4 of 4" in labels


def test_mosaic_chart_counts_firms_by_coverage() -> None:
    frame = pd.DataFrame({"status": ["covered", "no contact yet", "no contact yet"]})
    assert sorted(texts(ui.mosaic_chart(frame))) == ["1", "2"]


def test_column_options_label_people_with_their_firm() -> None:
    frame = pd.DataFrame({"id": [7, 8], "name": ["Ana", "Ben"], "firm": ["Qonto", None]})
    assert ui.column_options(frame, ["name", "firm"]) == [("Ana (Qonto)", 7), ("Ben", 8)]
