"""Referrals logged against conversations, the referral tree and the network figures."""

from __future__ import annotations

import datetime as dt

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
    call = workbook.log_activity(cy, "call", D(2026, 11, 20), outcome="reached")
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
    call = workbook.log_activity(cy, "call", D(2026, 11, 20), outcome="reached")
    log_conversation_referrals(workbook, call, [{"name": "Ed Fox"}])
    figures = network_figures(workbook, D(2026, 11, 25))
    assert {k: v for k, v in figures.items() if k != "history"} == {
        "size": 4,  # Bo (engaged) + Cy, Di, Ed (referred)
        "referrals": 3,
        "conversations": 2,
        "referral_yield": 1.5,
        "generations": 2,
        "target_firms": 3,
        "firms_with_contact": 2,
        "firms_with_conversation": 2,
        # 5 weeks (W44..W48) at 5 new contacts + 4 meetings/month (12/52 a week) x 1.5 yield:
        # 5 * (5 + 4 * 12 / 52 * 1.5) = 31.9
        "projected_size": 32,
    }
    assert [h["week"] for h in figures["history"]] == [f"2026-W{w}" for w in range(44, 49)]
    assert [h["size"] for h in figures["history"]] == [1, 1, 3, 4, 4]
    # As of 15 November, Ed's referral has not happened yet.
    assert network_figures(workbook, D(2026, 11, 15))["referrals"] == 2


def test_empty_workbook_figures(workbook, today):
    figures = network_figures(workbook, today)
    assert (figures["size"], figures["referral_yield"], figures["history"]) == (0, 0.0, [])


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
    call = workbook.log_activity(cy, "call", D(2026, 11, 20), outcome="reached")
    before = _state(workbook)
    with pytest.raises(ValidationError, match="loop"):  # Cy would refer Bo, who referred Cy
        log_conversation_referrals(workbook, call, [{"name": "Ed"}, {"contact_id": bo}])
    assert _state(workbook) == before


@pytest.mark.parametrize("kind", ["outreach", "voicemail"])
def test_only_a_conversation_can_refer(workbook, talk, kind):
    bo, _ = talk
    if kind == "outreach":
        activity = workbook.log_activity(bo, "outreach", D(2026, 11, 2))
    else:
        activity = workbook.log_activity(bo, "call", D(2026, 11, 2), outcome="voicemail")
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
