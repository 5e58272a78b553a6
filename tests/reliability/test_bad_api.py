"""The workbook's write methods, fed random values of random types, either write or raise a
CoachkitError naming the field; a refused write changes nothing."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachkit import CoachkitError, Profile, create_workbook
from coachkit.forms import parse_referrals  # imports IPython, which raises the recursion limit
from coachkit.scripts import check_voicemail, email_draft, job_ask_warnings, voicemail_draft
from coachkit.weeks import week_range
from coachkit.workbook import ACTIVITY_KINDS, CONTACT_FIELDS

pytestmark = pytest.mark.reliability

EXAMPLES = int(os.environ.get("COACHKIT_RELIABILITY_EXAMPLES", "40")) * 2

# Values of the types the forms and the CLI pass (text, whole numbers, dates, nothing):
# wrong Python types are a programming error, not something a person can type.
text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(("", " ", "1", "-1", "2026-11-25", "2026-02-30", "Monday", "x" * 600,
                     "\udcff", "a\x00b", "Europe/Paris", "../../etc", "25:00")),
)  # fmt: skip
number = st.integers(-(2**70), 2**70)
maybe_text = st.none() | text
ident = st.none() | st.integers(-3, 6) | text
day = st.dates() | text
CONTACT_VALUES = {name: maybe_text for name in CONTACT_FIELDS}
CONTACT_VALUES.update(referred_by=ident, connected_on=st.none() | day)
contact = st.fixed_dictionaries({}, optional=CONTACT_VALUES)
calls = st.one_of(
    st.tuples(st.just("add_contact"), contact),
    st.tuples(
        st.just("update_contact"), st.fixed_dictionaries({"_id": ident}, optional=CONTACT_VALUES)
    ),
    st.tuples(
        st.just("log_activity"),
        st.fixed_dictionaries(
            {"contact_id": ident, "kind": st.sampled_from(ACTIVITY_KINDS) | text, "on": day},
            optional={"channel": maybe_text, "outcome": maybe_text, "notes": maybe_text,
                      "parent_id": ident, "related_contact_id": ident},
        ),
    ),
    st.tuples(
        st.just("update_profile"),
        st.fixed_dictionaries(
            {},
            optional={"name": text, "week_start": number | text, "outreach_weekday": number | text,
                      "follow_up_days": number, "research_weekday": number | text,
                      "research_time": text, "call_time": text, "timezone": text},
        ),
    ),
    st.tuples(
        st.just("set_target"),
        st.fixed_dictionaries({"metric": text, "amount": number, "period": text}),
    ),
    st.tuples(
        st.just("set_goals"),
        st.fixed_dictionaries(
            {"industries": st.none() | text | st.lists(text, max_size=7),
             "roles": st.none() | st.lists(text, max_size=7)}
        ),
    ),
    st.tuples(
        st.just("tag_firm"),
        st.fixed_dictionaries({"name": text, "industry": maybe_text, "notes": maybe_text}),
    ),
)  # fmt: skip


@pytest.fixture(scope="module")
def api_workbook(tmp_path_factory):
    with create_workbook(tmp_path_factory.mktemp("api") / "wb", name="Ana") as wb:
        first = wb.add_contact("Léa Martin", firm="Stripe")
        second = wb.add_contact("Tom Nguyen", firm="Doctolib", referred_by=first)
        wb.log_activity(first, "call", dt.date(2026, 11, 20), outcome="reached")
        wb.log_activity(second, "outreach", "2026-11-22", channel="email")
        yield wb


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(call=calls)
def test_random_writes_succeed_or_raise_a_coachkit_error(call, api_workbook, figures) -> None:
    wb = api_workbook
    method, kwargs = call
    kwargs = dict(kwargs)
    if method == "update_contact":
        args = (kwargs.pop("_id"),)
    elif method == "add_contact":
        args = (kwargs.pop("name", "Someone"),)
    else:
        args = ()
    before = "\n".join(wb._conn.iterdump())
    figures.add(f"bad input: API {method} cases tried", 1)
    try:
        getattr(wb, method)(*args, **kwargs)
    except CoachkitError as exc:
        figures.add(f"bad input: API {method} cases refused cleanly", 1)
        assert str(exc).strip()
        assert "\n".join(wb._conn.iterdump()) == before, "a refused write changed the workbook"
    assert not wb._conn.in_transaction


typed = st.text(max_size=200) | st.sampled_from(
    ("", "I'm looking for a job", "JOB!!!", "Hi {name}", "%s %d", "\udcff", "2026-W99", "2026-W00",
     "9999-W52", "0000-W01", "2026-w48", "2026-W48 ", "\n\n\n", "a, b, c\n,,\nx")
)  # fmt: skip


@settings(max_examples=EXAMPLES, deadline=None)
@given(text=typed, week_start=st.integers(-2, 8), contact=st.dictionaries(
    st.sampled_from(("name", "first_name", "firm", "position", "location", "notes", "email")),
    st.none() | typed,
))  # fmt: skip
def test_text_functions_answer_or_refuse_clearly(text, week_start, contact, figures) -> None:
    """The pure functions forms call on every keystroke or value: an answer or a
    ValidationError, never another exception."""
    figures.add("bad input: text-function cases tried", 1)
    assert isinstance(job_ask_warnings(text, contact), list)
    check = check_voicemail(text)
    assert check.words >= 0 and check.seconds >= 0
    profile = Profile(name="Ana Lima")
    draft = email_draft(profile, {"name": "Léa", **contact})
    assert isinstance(draft.subject, str) and isinstance(draft.body, str)
    assert isinstance(voicemail_draft(profile, {"name": "Léa", **contact}), str)
    for call in (lambda: week_range(text, week_start), lambda: parse_referrals(text)):
        try:
            call()
        except CoachkitError as exc:
            assert str(exc).strip()
