"""Every notebook form, fed random values, saves or shows a clear error under a field; it
never raises, and a refused save writes nothing."""

from __future__ import annotations

import datetime as dt
import inspect
import os
import sys

import ipywidgets as widgets
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachkit import create_workbook, forms

from ._mutations import mutated_export

pytestmark = pytest.mark.reliability

EXAMPLES = int(os.environ.get("COACHKIT_RELIABILITY_EXAMPLES", "40"))
TODAY = dt.date(2026, 11, 25)
FORMS = sorted(
    name
    for name in forms.__all__
    if name.endswith("Form") and inspect.isclass(getattr(forms, name))
)

typed_text = st.one_of(
    st.sampled_from(
        (
            "", " ", "Ana Lima", "Europe/Paris", "Mars/Olympus", "10:00", "25:61", "7", "-1",
            "Fintech\nHealthTech", "a\na\nA", "\n".join("x" * 6), "x" * 3000,
            "Robert'); DROP TABLE contacts;--", "=1+1", "<script>alert(1)</script>",
            "Tom | Stripe | PM\n||\nLéa", "new_contacts", "calls", "\udcff",
        )
    ),
    st.text(max_size=40),
)  # fmt: skip


def _value_for(widget: widgets.Widget):
    """A strategy of values the widget itself accepts (what a person could enter)."""
    if isinstance(widget, widgets.FileUpload):
        return st.lists(
            st.tuples(st.sampled_from(("Connections.csv", "c.vcf", "x.zip", "")), st.data()),
            max_size=2,
        )
    if isinstance(widget, widgets.Text | widgets.Textarea | widgets.Combobox):
        return typed_text
    if isinstance(widget, widgets.IntText | widgets.BoundedIntText):
        return st.integers(-(10**9), 10**9)
    if isinstance(widget, widgets.Dropdown):
        # An index modulo the options: their number changes as the forms add contacts.
        return st.integers(0, 10_000)
    if isinstance(widget, widgets.DatePicker):
        return st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)))
    if isinstance(widget, widgets.Checkbox):
        return st.booleans()
    return None


def _fill(form, draw) -> list[str]:
    """Give each input of ``form`` a random value; return the names of those changed."""
    changed = []
    for name, widget in sorted(vars(form).items()):
        if name in ("status", "save_button") or not isinstance(widget, widgets.ValueWidget):
            continue
        strategy = _value_for(widget)
        if strategy is None or not draw(st.integers(0, 3)):
            continue
        value = draw(strategy, label=name)
        if isinstance(widget, widgets.Dropdown):
            if widget.options:
                widget.index = value % len(widget.options)
        elif isinstance(widget, widgets.FileUpload):
            files = []
            for file_name, data in value:
                fmt = "vcard" if file_name.endswith(".vcf") else "auto"
                content = data.draw(mutated_export(fmt), label="upload")[2]
                files.append(
                    {
                        "name": file_name,
                        "type": "",
                        "size": len(content),
                        "content": memoryview(content),
                        "last_modified": dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
                    }
                )
            widget.value = tuple(files)
        else:
            if name == "folder":  # a folder is created there: keep it inside the scratch cwd
                value = value.replace("/", "_").replace("..", "_").lstrip("~") or "x"
            widget.value = value
        changed.append(name)
    return changed


def _dump(wb) -> str:
    return "\n".join(wb._conn.iterdump())


@pytest.fixture(scope="module")
def form_workbook(tmp_path_factory):
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 3000))  # see test_bad_cli.playground
    with create_workbook(tmp_path_factory.mktemp("forms") / "wb", name="Ana Lima") as wb:
        wb.set_goals(industries=["Fintech"], roles=["Product"], locations=["Paris"])
        lea = wb.add_contact("Léa Martin", firm="Stripe", position="Product Lead")
        wb.add_contact("Tom Nguyen", firm="Doctolib")
        wb.log_activity(lea, "outreach", "2026-11-15", channel="email")
        yield wb


@pytest.mark.parametrize("form_name", FORMS)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(case=st.data())
def test_random_values_save_or_show_an_error(form_name, case, form_workbook, figures) -> None:
    wb = form_workbook
    cls = getattr(forms, form_name)
    form = cls(wb, TODAY) if "today" in inspect.signature(cls).parameters else cls(wb)
    _fill(form, case.draw)
    before = _dump(wb)
    saved = form.save()
    figures.add(f"bad input: form {form_name} cases tried", 1)
    assert isinstance(saved, bool)
    assert not wb._conn.in_transaction
    if not saved:
        figures.add(f"bad input: form {form_name} cases refused cleanly", 1)
        assert form.errors, "refused without saying why"
        shown = [label.value for label in form.error_labels.values() if label.value]
        assert shown, "refused, but no message is shown under any field"
        assert _dump(wb) == before, "a refused form changed the workbook"
