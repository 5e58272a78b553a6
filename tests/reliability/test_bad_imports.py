"""Every importer, fed random and mutated real exports, ends in a result or a clear
ImportFormatError/CoachkitError, never another exception; a failed import leaves the
workbook byte-for-byte unchanged, and a successful one leaves it sound."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachkit import CoachkitError, create_workbook, open_workbook
from coachkit.importers import ImportSummary, import_contacts

from ._mutations import SEEDS, mutated_export, zipped
from ._support import integrity, state_of

pytestmark = pytest.mark.reliability

REGRESSIONS = Path(__file__).parents[1] / "regressions" / "imports"
EXAMPLES = int(
    os.environ.get("COACHKIT_RELIABILITY_EXAMPLES", "40")
)  # per format: five formats keep this module around 20 s on 2 cores


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A closed workbook holding contacts, firms and activities, copied for each case."""
    folder = tmp_path_factory.mktemp("template") / "wb"
    with create_workbook(folder, name="Ana Lima") as wb:
        wb.tag_firm("Stripe, Inc.", industry="Fintech")
        first = wb.add_contact("Léa Martin", firm="Stripe", profile_url="https://x.example/lea")
        wb.add_contact("Tom Nguyen", firm="Doctolib", email="tom@doctolib.example")
        wb.log_activity(first, "outreach", "2026-11-22", channel="email")
    return folder


def check_import(template: Path, data: bytes, suffix: str, **kwargs) -> str:
    """Import ``data`` into a copy of ``template``; return "result" or "refused".

    Raises whatever non-coachkit exception the import raised (the test then fails). When
    ``COACHKIT_SAVE_REGRESSIONS`` is set, such an input is first saved under
    ``tests/regressions/imports`` so that it can be kept as a regression file.
    """
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "wb"
        shutil.copytree(template, folder)
        source = Path(tmp) / f"contacts{suffix}"
        source.write_bytes(data)
        before = state_of(folder)
        wb = open_workbook(folder)
        try:
            summary = import_contacts(wb, source, **kwargs)
        except CoachkitError as exc:
            wb.close()
            assert str(exc).strip(), "an error without a message"
            assert state_of(folder) == before, f"a refused import changed the workbook: {exc}"
            return "refused"
        except Exception:
            wb.close()
            _save_regression(data, suffix, kwargs)
            raise
        wb.close()
        assert isinstance(summary, ImportSummary)
        assert str(summary)  # the printed summary works for any file it accepted
        assert integrity(folder / "workbook.sqlite") == "ok"
        # Importing the same file again changes nothing (the importer's promise).
        first = state_of(folder)
        with open_workbook(folder) as wb:
            again = import_contacts(wb, source, **kwargs)
        assert again.added == 0, f"a second import added {again.added} contacts again"
        assert state_of(folder).dump == first.dump, "a second import changed the workbook"
        return "result"


def _save_regression(data: bytes, suffix: str, kwargs: dict) -> None:
    if not os.environ.get("COACHKIT_SAVE_REGRESSIONS"):
        return
    fmt = kwargs.get("format") or ("csv" if "mapping" in kwargs else "auto")
    folder = REGRESSIONS / fmt
    folder.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(data).hexdigest()[:12]
    (folder / f"found-{name}{suffix}").write_bytes(data)


def _suffix(fmt: str, data: bytes) -> str:
    if data.startswith(b"PK"):
        return ".zip"
    return ".vcf" if fmt == "vcard" else ".csv"


@pytest.mark.parametrize("fmt", sorted(SEEDS))
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(case=st.data())
def test_a_mutated_export_gives_a_result_or_a_clear_error(fmt, case, template, figures) -> None:
    _seed, _kind, data = case.draw(mutated_export(fmt), label="export")
    outcome = check_import(template, data, _suffix(fmt, data), **SEEDS[fmt][1])
    figures.add(f"bad input: {fmt} import cases tried", 1)
    figures.add(f"bad input: {fmt} import cases refused cleanly", outcome == "refused")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=4000), zip_it=st.booleans(), fmt=st.sampled_from(sorted(SEEDS)))
def test_random_bytes_give_a_result_or_a_clear_error(data, zip_it, fmt, template, figures):
    payload = zipped(data) if zip_it else data
    check_import(template, payload, ".zip" if zip_it else ".csv", **SEEDS[fmt][1])
    figures.add("bad input: random-bytes import cases tried", 1)


@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_every_seed_export_imports(fmt, template) -> None:
    """The unmutated exports are accepted: the bad-input cases start from working files."""
    for seed in SEEDS[fmt][0]:
        data = (Path(__file__).parents[1] / "data" / "imports" / seed).read_bytes()
        assert check_import(template, data, Path(seed).suffix, **SEEDS[fmt][1]) == "result"
