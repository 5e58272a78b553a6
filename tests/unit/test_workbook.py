"""The workbook store: schema, validation, transactions, permissions."""

from __future__ import annotations

import sqlite3
import stat

import pandas as pd
import pytest

from coachkit import (
    NotFoundError,
    SchemaVersionError,
    ValidationError,
    WorkbookError,
    _schema,
    create_workbook,
    open_workbook,
)

pytestmark = pytest.mark.unit


def test_new_workbook_has_the_method_defaults(workbook):
    profile = workbook.profile
    assert (profile.week_start, profile.outreach_weekday, profile.follow_up_days) == (0, 6, 9)
    assert [(t.metric, t.period, t.amount) for t in workbook.targets] == [
        ("new_contacts", "week", 5),
        ("calls", "week", 2),
        ("meetings", "month", 4),
    ]
    assert workbook.profile.name == "Test Participant"


def test_workbook_files_are_private(workbook):
    assert stat.S_IMODE(workbook.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(workbook.folder.stat().st_mode) == 0o700


def test_firm_spellings_are_one_firm(workbook):
    a = workbook.add_contact("Ana", firm="Stripe, Inc.")
    b = workbook.add_contact("Bo", firm="stripe")
    contacts = workbook.contacts().set_index("id")
    assert contacts.loc[a, "firm_id"] == contacts.loc[b, "firm_id"]
    assert len(workbook.firms()) == 1


def test_goals_are_ranked_and_validated(workbook):
    workbook.set_goals(industries=["Fintech", "Health"], roles=["Product"])
    assert workbook.goals.industries == ("Fintech", "Health")
    with pytest.raises(ValidationError, match="roles"):
        workbook.set_goals(roles=["a", "b", "c", "d", "e", "f"])
    with pytest.raises(ValidationError, match="industries: lists the same entry twice"):
        workbook.set_goals(industries=["Fintech", "fintech"])
    assert workbook.goals.roles == ("Product",)  # the refused change wrote nothing


def test_activity_validation_writes_nothing(workbook):
    ana = workbook.add_contact("Ana")
    with pytest.raises(ValidationError, match="date"):
        workbook.log_activity(ana, "outreach", "2026-02-30")
    with pytest.raises(NotFoundError, match="no contact with id 99"):
        workbook.log_activity(99, "outreach", "2026-11-22")
    with pytest.raises(ValidationError, match="outcome"):
        workbook.log_activity(ana, "call", "2026-11-22")
    with pytest.raises(ValidationError, match="refer themselves"):
        workbook.log_activity(ana, "referral", "2026-11-22", related_contact_id=ana)
    assert workbook.activities().empty


def test_referral_loops_are_refused(workbook):
    a = workbook.add_contact("A")
    b = workbook.add_contact("B", referred_by=a)
    c = workbook.add_contact("C", referred_by=b)
    with pytest.raises(ValidationError, match="loop"):
        workbook.update_contact(a, referred_by=c)
    with pytest.raises(ValidationError, match="themselves"):
        workbook.update_contact(a, referred_by=a)
    assert pd.isna(workbook.get_contact(a)["referred_by"])


def test_negative_target_is_refused(workbook):
    with pytest.raises(ValidationError, match="target calls"):
        workbook.set_target("calls", -1)
    assert {t.metric: t.amount for t in workbook.targets}["calls"] == 2


def test_failed_transaction_keeps_nothing(workbook):
    with pytest.raises(RuntimeError), workbook.transaction():
        workbook.add_contact("Ana")
        raise RuntimeError("boom")
    assert workbook.contacts().empty


def test_old_schema_migrates_after_a_backup(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    conn = sqlite3.connect(folder / "workbook.sqlite", isolation_level=None)
    _schema.create(conn, target=1)
    conn.execute("INSERT INTO contacts (name, name_key) VALUES ('Ana', 'ana')")
    conn.close()
    with open_workbook(folder) as wb:
        assert _schema.version(wb._conn) == _schema.SCHEMA_VERSION
        assert list(wb.contacts()["name"]) == ["Ana"]
        assert "parent_id" in wb.activities().columns
    backups = list((folder / "backups").glob("workbook-v1-*.sqlite"))
    assert len(backups) == 1
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600


def test_newer_schema_is_refused_untouched(tmp_path):
    with create_workbook(tmp_path / "new") as wb:
        wb._conn.execute(f"PRAGMA user_version = {_schema.SCHEMA_VERSION + 1}")
        path = wb.path
    before = path.read_bytes()
    with pytest.raises(SchemaVersionError, match="upgrade coachkit"):
        open_workbook(tmp_path / "new")
    assert path.read_bytes() == before


def test_not_a_workbook(tmp_path):
    (tmp_path / "workbook.sqlite").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(WorkbookError, match="not a coachkit workbook"):
        open_workbook(tmp_path)
    with pytest.raises(WorkbookError, match="no workbook here"):
        open_workbook(tmp_path / "missing")


def test_all_sql_lives_in_the_store():
    """Other modules read through Workbook methods, so another database needs a new store only."""
    import ast
    import re
    from pathlib import Path

    import coachkit

    sql = re.compile(r"\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|PRAGMA)\b")
    package = Path(coachkit.__file__).parent
    found = []
    for source in sorted(package.rglob("*.py")):
        if source.name in ("workbook.py", "_schema.py"):
            continue
        if source.relative_to(package).as_posix() == "workshop/store.py":
            continue  # the coach's board keeps its own figures (SQLAlchemy), not a workbook
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if sql.search(node.value):
                    found.append(f"{source.relative_to(package)}:{node.lineno}")
    assert not found, f"SQL outside coachkit/workbook.py: {found}"


def test_lean_reads_follow_changes_from_another_connection(workbook):
    ana = workbook.add_contact("Ana", firm="Doctolib", phone="+33 1")
    stamp = workbook.change_stamp()
    with open_workbook(workbook.folder) as other:
        other.log_activity(ana, "meeting", "2026-11-20", channel="coffee")
    assert workbook.change_stamp() != stamp
    facts = workbook.activity_facts()
    assert list(facts[["contact_id", "kind"]].itertuples(index=False, name=None)) == [
        (ana, "meeting")
    ]
    assert workbook.people().iloc[0][["name", "firm", "phone"]].tolist() == [
        "Ana", "Doctolib", "+33 1",
    ]  # fmt: skip
    assert workbook.approached_contact_ids() == set()
    assert workbook.conversations_by_firm()["conversations"].tolist() == [1]
    assert workbook.meta_setdefault("k", "first") == "first"
    assert workbook.meta_setdefault("k", "second") == "first"
