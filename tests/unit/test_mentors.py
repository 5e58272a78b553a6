"""Goals pick the potential mentors: ranking, explanations, the target-firm mosaic."""

from __future__ import annotations

import pytest

from coachkit.mentors import goal_matcher, rank_mentors, target_firms, uncovered_firms

pytestmark = pytest.mark.unit


@pytest.fixture
def tagged(workbook):
    workbook.set_goals(
        industries=["Health tech", "Fintech"], roles=["Product"], locations=["Paris"]
    )
    workbook.tag_firm("Doctolib", industry="Health tech", location="Paris")
    workbook.tag_firm("Qonto", industry="Fintech", location="Paris")
    workbook.tag_firm("Alan SAS", industry="Health tech, Insurance", location="Paris")
    workbook.tag_firm("Monzo", industry="Fintech", location="London")
    ids = {
        "ana": workbook.add_contact("Ana", firm="Doctolib", position="Senior Product Manager"),
        "cy": workbook.add_contact("Cy", firm="Qonto", position="Head of Products"),
        "bo": workbook.add_contact(
            "Bo", firm="Stripe, Inc.", position="Engineer", location="Paris, France"
        ),
        "di": workbook.add_contact("Di", firm="Nowhere", position="Chef", location="Lyon"),
    }
    return workbook, ids


def test_more_and_higher_ranked_goals_rank_higher(tagged):
    wb, ids = tagged
    shortlist = rank_mentors(wb)
    assert list(shortlist["contact_id"]) == [ids["ana"], ids["cy"], ids["bo"]]
    # Health tech is ranked above Fintech, so Ana (health tech) beats Cy (fintech).
    assert shortlist["score"].tolist() == [3.0, 2.9, 1.0]
    assert ids["di"] not in set(shortlist["contact_id"])  # matches nothing


def test_each_match_is_explained_in_words(tagged):
    wb, _ = tagged
    reasons = rank_mentors(wb).set_index("name")["reason"]
    assert reasons["Ana"] == (
        "Senior Product Manager at Doctolib, Paris: industry, role and location match"
    )
    assert reasons["Bo"] == "Engineer at Stripe, Inc., Paris, France: location matches"


def test_contacts_already_approached_come_after_equals(tagged):
    wb, _ = tagged
    twin = wb.add_contact("Aaron", firm="Doctolib", position="Product Lead")
    wb.log_activity(twin, "outreach", "2026-11-22", channel="email")
    shortlist = rank_mentors(wb)
    assert list(shortlist["name"][:2]) == ["Ana", "Aaron"]
    assert shortlist.set_index("name").loc["Aaron", "approached"]


def test_no_goals_means_no_shortlist(workbook):
    workbook.add_contact("Ana", position="Product manager")
    assert rank_mentors(workbook).empty


def test_goal_words_match_in_any_order_and_plural():
    pattern = goal_matcher(["Product Manager"])
    assert pattern.search("senior manager product")
    assert pattern.search("product managers")
    assert not pattern.search("production manager")


def test_target_firm_mosaic(tagged):
    wb, ids = tagged
    wb.log_activity(ids["cy"], "meeting", "2026-11-20", channel="video")
    mosaic = target_firms(wb).set_index("firm")["status"].to_dict()
    # Monzo is fintech but in London, outside the location goal.
    assert mosaic == {
        "Alan SAS": "no contact yet",
        "Doctolib": "no conversation yet",
        "Qonto": "covered",
    }
    assert list(uncovered_firms(wb)["firm"]) == ["Alan SAS", "Doctolib"]


def test_every_contact_with_a_shared_position_is_ranked(workbook):
    workbook.set_goals(roles=["Product"])
    workbook.add_contacts({"name": f"P{i}", "position": "Product Owner"} for i in range(300))
    assert len(rank_mentors(workbook)) == 300
    assert len(rank_mentors(workbook, limit=10)) == 10
