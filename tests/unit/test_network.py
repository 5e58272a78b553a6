"""Referrals logged against conversations, the referral tree and the network figures."""

from __future__ import annotations

import datetime as dt
import itertools

import pandas as pd
import pytest

from coachkit import NotFoundError, ValidationError
from coachkit.network import log_conversation_referrals, network_figures, referral_tree

pytestmark = pytest.mark.unit

D = dt.date


@pytest.fixture
def talk(workbook):
    """Bo Chen (Stripe), written to on 1 November and met for coffee on 10 November."""
    bo = workbook.add_contact("Bo Chen", firm="Stripe")
    workbook.log_activity(bo, "outreach", D(2026, 11, 1))
    meeting = workbook.log_activity(bo, "meeting", D(2026, 11, 10), channel="coffee")
    return bo, meeting


def _state(workbook):
    return len(workbook.contacts()), len(workbook.activities())


def test_referrals_become_contacts_linked_to_the_referrer(workbook, talk):
    bo, meeting = talk
    cy, di = log_conversation_referrals(
        workbook, meeting, [{"name": "Cy Dee", "firm": "Qonto", "position": "CTO"}, {"name": "Di"}]
    )
    contacts = workbook.contacts().set_index("id")
    assert contacts.loc[cy, ["name", "firm", "position"]].tolist() == ["Cy Dee", "Qonto", "CTO"]
    assert contacts.loc[cy, "referred_by"] == bo and contacts.loc[di, "referred_by"] == bo
    referrals = workbook.activities().query("kind == 'referral'")
    assert referrals["contact_id"].tolist() == [bo, bo]
    assert referrals["related_contact_id"].tolist() == [cy, di]
    assert referrals["parent_id"].tolist() == [meeting, meeting]
    assert (referrals["date"] == "2026-11-10").all()  # dated like the conversation


def test_referral_tree_counts_generations(workbook, talk):
    bo, meeting = talk
    (cy,) = log_conversation_referrals(workbook, meeting, [{"name": "Cy Dee"}])
    _, call = workbook.log_call(cy, D(2026, 11, 20), "reached", conversation=True)
    (ed,) = log_conversation_referrals(workbook, call, [{"name": "Ed Fox"}])
    tree = referral_tree(workbook).set_index("id")
    assert tree.loc[[bo, cy, ed], "generation"].tolist() == [0, 1, 2]
    assert tree.loc[ed, "referred_by"] == cy


def test_network_figures_worked_example(workbook, talk):
    workbook.set_goals(industries=["Fintech"])
    workbook.tag_firm("Stripe", industry="Fintech")
    workbook.tag_firm("Qonto", industry="Fintech")
    workbook.tag_firm("Alan", industry="Fintech")  # in the target space, nobody there yet
    _, meeting = talk
    cy, _ = log_conversation_referrals(
        workbook, meeting, [{"name": "Cy Dee", "firm": "Qonto"}, {"name": "Di Eve"}]
    )
    _, call = workbook.log_call(cy, D(2026, 11, 20), "reached", conversation=True)
    log_conversation_referrals(workbook, call, [{"name": "Ed Fox"}])
    figures = network_figures(workbook, D(2026, 11, 25))
    shown = ("size", "names_not_contacted", "referrals", "conversations", "referral_yield",
             "generations", "target_firms", "firms_with_contact",
             "firms_with_conversation")  # fmt: skip
    assert {k: figures[k] for k in shown} == {
        "size": 2,  # Bo (written to, met) and Cy (called): the people engaged
        "names_not_contacted": 2,  # Di and Ed, referred, never contacted
        "referrals": 3,
        "conversations": 2,
        "referral_yield": 1.5,
        "generations": 2,
        "target_firms": 3,
        "firms_with_contact": 2,
        "firms_with_conversation": 2,
    }
    assert [h["week"] for h in figures["history"]] == [f"2026-W{w}" for w in range(44, 49)]
    assert [h["size"] for h in figures["history"]] == [1, 1, 1, 2, 2]
    assert [h["names_not_contacted"] for h in figures["history"]] == [0, 0, 2, 2, 2]
    # As of 15 November, Ed's referral has not happened yet.
    assert network_figures(workbook, D(2026, 11, 15))["referrals"] == 2


def test_empty_workbook_figures(workbook, today):
    figures = network_figures(workbook, today)
    assert (figures["size"], figures["referral_yield"], figures["history"]) == (0, 0.0, [])
    assert (figures["projection"], figures["flagged_conversations"]) == ([], [])


def test_existing_contact_can_be_referred(workbook, talk):
    bo, meeting = talk
    known = workbook.add_contact("Fay Gu")
    assert log_conversation_referrals(workbook, meeting, [{"contact_id": known}]) == [known]
    assert workbook.get_contact(known)["referred_by"] == bo


@pytest.mark.parametrize(
    ("people", "error", "match"),
    [
        ([{"name": "Bo Chen"}], ValidationError, "cannot refer themselves"),
        ([{"name": "Cy"}, {"name": ""}], ValidationError, "referral 2: .*needs a name"),
        ([{"name": "Cy", "salary": 1}], ValidationError, "not a field"),
        ([], ValidationError, "one or more"),
        ([{"name": "Cy"}, {"contact_id": 999}], NotFoundError, "999"),
    ],
)
def test_bad_referrals_write_nothing(workbook, talk, people, error, match):
    before = _state(workbook)
    with pytest.raises(error, match=match):
        log_conversation_referrals(workbook, talk[1], people)
    assert _state(workbook) == before


def test_referral_to_self_by_id_writes_nothing(workbook, talk):
    bo, meeting = talk
    before = _state(workbook)
    with pytest.raises(ValidationError, match="cannot refer themselves"):
        log_conversation_referrals(workbook, meeting, [{"name": "Cy"}, {"contact_id": bo}])
    assert _state(workbook) == before


def test_a_loop_of_referrals_is_refused_and_writes_nothing(workbook, talk):
    bo, meeting = talk
    (cy,) = log_conversation_referrals(workbook, meeting, [{"name": "Cy Dee"}])
    _, call = workbook.log_call(cy, D(2026, 11, 20), "reached", conversation=True)
    before = _state(workbook)
    with pytest.raises(ValidationError, match="loop"):  # Cy would refer Bo, who referred Cy
        log_conversation_referrals(workbook, call, [{"name": "Ed"}, {"contact_id": bo}])
    assert _state(workbook) == before


@pytest.mark.parametrize("kind", ["outreach", "voicemail", "reached"])
def test_only_a_conversation_can_refer(workbook, talk, kind):
    # A call that reached the person only to set a time is a call, not a conversation.
    bo, _ = talk
    if kind == "outreach":
        activity = workbook.log_activity(bo, "outreach", D(2026, 11, 2))
    else:
        activity = workbook.log_activity(bo, "call", D(2026, 11, 2), outcome=kind)
    with pytest.raises(ValidationError, match="not a conversation held"):
        log_conversation_referrals(workbook, activity, [{"name": "Cy"}])


def test_unknown_conversation(workbook):
    with pytest.raises(NotFoundError, match="no activity 42"):
        log_conversation_referrals(workbook, 42, [{"name": "Cy"}])


def test_a_referred_name_already_in_the_workbook_is_linked_not_added(workbook, talk):
    bo, meeting = talk
    known = workbook.add_contact("Élodie Roux", firm="Qonto SAS")  # imported earlier
    namesake = workbook.add_contact("Élodie Roux", firm="Alan")  # same name, other firm
    by_mail = workbook.add_contact("Fay Wu", email="fay@example.org")
    ids = log_conversation_referrals(
        workbook,
        meeting,
        [
            {"name": "elodie roux", "firm": "Qonto"},
            {"name": "F. Wu", "email": "FAY@example.org"},
            {"name": "Élodie Roux"},  # no firm: matches neither, so a new contact
        ],
    )
    assert ids[:2] == [known, by_mail]
    assert ids[2] not in (known, namesake, by_mail)
    contacts = workbook.contacts().set_index("id")
    assert len(contacts) == 5  # Bo, the three already there, and one new person
    assert contacts.loc[known, "referred_by"] == bo
    assert pd.isna(contacts.loc[namesake, "referred_by"])


# -- growth: the participant's own rates, projected forward ------------------------------------
@pytest.fixture
def two_weeks(workbook):
    """Two weeks lived, Mon 2 to Sun 15 November 2026 (today), worked by hand:

    * Mon 2 Nov: outreach to Ann, Bo and Cy (nobody referred them);
    * Thu 5 Nov: coffee with Ann, who names Dee and Eli;
    * Mon 9 Nov: outreach to Dee;
    * Wed 11 Nov: a call that reaches Bo, who talks there and then (logged in one step: a
      call and a meeting), and no names;
    * Thu 12 Nov: video call with Dee, who names six people (F1..F6);
    * Sat 14 Nov: outreach to Gus.
    """
    ids = {name: workbook.add_contact(name) for name in ("Ann", "Bo", "Cy", "Gus")}
    for name in ("Ann", "Bo", "Cy"):
        workbook.log_activity(ids[name], "outreach", D(2026, 11, 2))
    coffee = workbook.log_activity(ids["Ann"], "meeting", D(2026, 11, 5), channel="coffee")
    ids["Dee"], ids["Eli"] = log_conversation_referrals(
        workbook, coffee, [{"name": "Dee"}, {"name": "Eli"}]
    )
    workbook.log_activity(ids["Dee"], "outreach", D(2026, 11, 9))
    workbook.log_call(ids["Bo"], D(2026, 11, 11), "reached", conversation=True)
    video = workbook.log_activity(ids["Dee"], "meeting", D(2026, 11, 12), channel="video")
    log_conversation_referrals(workbook, video, [{"name": f"F{n}"} for n in range(1, 7)])
    workbook.log_activity(ids["Gus"], "outreach", D(2026, 11, 14))
    return ids


def test_growth_rates_from_a_hand_worked_history(workbook, two_weeks):
    figures = network_figures(workbook, D(2026, 11, 15))
    # People in the network: Ann, Bo, Cy, Dee, Gus (written to or talked with) = 5.
    # Names not yet contacted: Eli and F1..F6 = 7. They are reported apart.
    assert (figures["size"], figures["names_not_contacted"]) == (5, 7)
    # 3 conversations (Ann, Bo, Dee) and 8 names: 8/3 = 2.67 names per conversation.
    assert (figures["conversations"], figures["referrals"]) == (3, 8)
    assert figures["referral_yield"] == 2.67
    rates = figures["rates"]
    assert rates["weeks_lived"] == 2.0  # 2 to 15 November: 14 days
    assert rates["conversations_per_week"] == 1.5  # 3 / 2
    assert rates["own_conversations_per_week"] == 1.0  # Ann and Bo, whom nobody referred
    assert rates["new_contacts_per_week"] == 2.0  # Ann, Bo, Cy, Gus / 2
    assert rates["share_contacted"] == 0.12  # of 8 names, only Dee was written to: 1/8
    assert rates["conversation_rate"] == 0.6  # 3 of the 5 people in the network talked
    assert rates["growth_factor"] == 0.2  # 8/3 x 1/8 x 0.6: each conversation leads to 0.2


def test_growth_projection_worked_by_hand(workbook, two_weeks):
    """With c = 1.5, c_own = 1, n = 2, y = 8/3, s = 1/8, r = 0.6 (so s*y = 1/3):

    week 1: names written to F1 = s*y*C0 = 1.5/3 = 0.5; conversations C1 = 1 + 0.6*0.5 = 1.3;
            people N1 = 5 + 2 + 0.5 = 7.5; names waiting W1 = 7 + 8/3*1.3 - 0.5 = 9.967
    week 2: F2 = 1.3/3 = 0.433; C2 = 1 + 0.26 = 1.26; N2 = 7.5 + 2 + 0.433 = 9.933;
            W2 = 9.967 + 8/3*1.26 - 0.433 = 12.893
    band, 1 name a conversation: F1 = 1.5/8 = 0.1875, N1 = 7.1875 (7.2); 5 names: F1 =
    1.5*5/8 = 0.9375, N1 = 7.9375 (7.9).
    """
    figures = network_figures(workbook, D(2026, 11, 15))
    # Today is Sunday of 2026-W46: the history stops there, the projection starts a week on.
    assert [h["week"] for h in figures["history"]] == ["2026-W45", "2026-W46"]
    # End of W45: Ann, Bo, Cy; Dee and Eli named, not contacted. End of W46 (today): + Dee, Gus.
    assert [(h["size"], h["names_not_contacted"]) for h in figures["history"]] == [
        (3, 2),
        (5, 7),
    ]
    week1, week2 = figures["projection"][:2]
    assert (week1["week"], week2["week"]) == ("2026-W47", "2026-W48")
    assert (week1["people"], week1["names_not_contacted"]) == (7.5, 10.0)
    assert (week2["people"], week2["names_not_contacted"]) == (9.9, 12.9)
    assert (week1["low"], week1["high"]) == (7.2, 7.9)
    assert len(figures["projection"]) == 8
    assert figures["projected_size"] == round(figures["projection"][-1]["people"])


def test_growth_compounds_only_when_each_conversation_leads_to_more_than_one(workbook, today):
    """One week lived: Bo (written to, met) names Cy and Di; both met, each names two; the
    four are written to today. So c = 3, c_own = 1 (Bo), n = 1, y = 2, s = 6/6 = 1,
    r = 3 talked / 7 people = 3/7, and g = y*s*r = 6/7 = 0.86.

    g below 1: each week adds a little more, tending to a steady pace (C -> 1/(1-g) = 7
    conversations, 15 people a week). At the method's high end (5 names) g = 15/7 = 2.14:
    the weekly gain multiplies by about 2.14, which is what "exponential" means.
    """
    bo = workbook.add_contact("Bo")
    workbook.log_activity(bo, "outreach", today - dt.timedelta(days=6))
    talk = workbook.log_activity(bo, "meeting", today - dt.timedelta(days=5))
    for person in log_conversation_referrals(workbook, talk, [{"name": "Cy"}, {"name": "Di"}]):
        meeting = workbook.log_activity(person, "meeting", today - dt.timedelta(days=3))
        for named in log_conversation_referrals(
            workbook, meeting, [{"name": f"{person}-a"}, {"name": f"{person}-b"}]
        ):
            workbook.log_activity(named, "outreach", today)
    figures = network_figures(workbook, today)
    assert figures["rates"]["growth_factor"] == 0.86
    assert (figures["size"], figures["names_not_contacted"]) == (7, 0)

    def gains(series):
        people = [figures["size"]] + [p[series] for p in figures["projection"]]
        return [b - a for a, b in itertools.pairwise(people)]

    own = gains("people")
    # Week 1 adds n + s*y*C0 = 1 + 2*3 = 7; week 8 adds 15 - 8*(6/7)**7 = 12.3.
    assert own[0] == pytest.approx(7, abs=0.05) and own[-1] == pytest.approx(12.3, abs=0.1)
    assert all(later > earlier for earlier, later in itertools.pairwise(own))
    assert own[-1] / own[-2] < 1.1  # slowing down: not exponential at g < 1
    high = gains("high")
    assert high[0] == pytest.approx(16, abs=0.05)  # 1 + 5*3
    assert high[-1] / high[-2] > 2  # multiplying: exponential at g > 1


def test_no_week_after_today_is_counted(workbook, two_weeks):
    # On Monday 16 November nothing new has happened yet: the history gains a week only as
    # lived (W47 to date) and the rates are over 15 days, not 21.
    figures = network_figures(workbook, D(2026, 11, 16))
    assert figures["history"][-1] == {"week": "2026-W47", "size": 5, "names_not_contacted": 7}
    assert figures["rates"]["weeks_lived"] == round(15 / 7, 2)
    assert figures["projection"][0]["week"] == "2026-W48"  # a week from today


def test_conversations_with_no_names_or_more_than_five_are_flagged(workbook, two_weeks):
    flagged = network_figures(workbook, D(2026, 11, 15))["flagged_conversations"]
    assert [(f["date"], f["contact"], f["names"]) for f in flagged] == [
        ("2026-11-11", "Bo", 0),
        ("2026-11-12", "Dee", 6),
    ]
    assert "no names" in flagged[0]["note"] and "more than 5" in flagged[1]["note"]


def test_only_the_ten_most_recent_flagged_conversations_are_listed(workbook):
    bo = workbook.add_contact("Bo")
    for day in range(1, 13):  # twelve conversations with Bo, 1 to 12 November, no names
        workbook.log_activity(bo, "meeting", D(2026, 11, day), channel="call")
    figures = network_figures(workbook, D(2026, 11, 15))
    assert figures["conversations_flagged"] == 12
    assert [f["date"][-2:] for f in figures["flagged_conversations"]] == [
        f"{day:02d}" for day in range(3, 13)
    ]
