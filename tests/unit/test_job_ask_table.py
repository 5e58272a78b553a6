"""The job-ask check against a hand-written table of phrasings.

The method asks for information, never for a job. Each row below was written by hand, from
how people actually slip (and from what a sincere informational ask sounds like), before the
check was run: ``True`` means the sentence asks for a job and must be flagged, ``False`` means
it must not be. The check reads the email and the voicemail alike.
"""

from __future__ import annotations

import pytest

from coachkit.scripts import check_voicemail, job_ask_warnings

pytestmark = pytest.mark.unit

JOB_ASKS = [
    # -- asks: must be flagged ------------------------------------------------------------------
    ("I would love to join your team.", True),
    ("Is there any chance I could join the team at Qonto?", True),
    ("I'd be thrilled to be part of your team.", True),
    ("Are there any opportunities at Stripe for someone like me?", True),
    ("Do you know of any opportunities in your department?", True),
    ("I am keen to hear about job opportunities.", True),
    ("Could you put in a good word for me?", True),
    ("Would you mind putting in a good word with your manager?", True),
    ("If you could put a good word in for me, I would be grateful.", True),
    ("Please consider me for a role on your team.", True),
    ("Would you consider me for the analyst position?", True),
    ("Keep me in mind for any roles that open up.", True),
    ("Do you have any openings?", True),
    ("I saw the openings on your careers page.", True),
    ("Is there an opening in your team?", True),
    ("Are you hiring at the moment?", True),
    ("Is your team hiring this spring?", True),
    ("I heard Stripe is hiring product managers.", True),
    ("Could you refer me for the analyst role?", True),
    ("Would you be willing to refer me?", True),
    ("Could you give me a referral for the role?", True),
    ("Is there a position open in your team?", True),
    ("Are there open positions in Paris?", True),
    ("Do you have any roles available?", True),
    ("I am looking for a job in fintech.", True),
    ("I'm looking for a new role.", True),
    ("I would love to work for you.", True),
    ("I would love to work at Stripe one day.", True),
    ("Please hire me.", True),
    ("I have attached my CV.", True),
    ("Here is my résumé for your consideration.", True),
    ("I saw the vacancy on your site.", True),
    ("Are you recruiting for your data team?", True),
    ("Any job ideas for me?", True),
    ("I applied for the analyst role last week.", True),
    # -- informational: must not be flagged -----------------------------------------------------
    ("How did you get where you are?", False),
    ("I loved your opening keynote at Web Summit.", False),
    ("Your keynote on team leadership stayed with me.", False),
    ("I enjoyed your article on inclusive hiring.", False),
    ("Your talk about hiring practices changed how I think.", False),
    ("You did a great job on the product launch.", False),
    ("What was your first role in fintech?", False),
    ("How did your role change when the team grew?", False),
    ("You have been a role model for many of us.", False),
    ("Would you have 20 minutes for a short conversation?", False),
    ("I am exploring a path towards product management in fintech.", False),
    ("What opportunities do you see for the industry next year?", False),
    ("The opening paragraph of your post made me laugh.", False),
    ("I would love to hear how you moved from design to product.", False),
    ("Thank you for the referral programme you built for mentors.", False),
    ("Your team's work on payments inspired me.", False),
]


@pytest.mark.parametrize(("text", "is_ask"), JOB_ASKS)
def test_the_table(text, is_ask):
    warnings = job_ask_warnings(text)
    assert bool(warnings) is is_ask, warnings


@pytest.mark.parametrize(("text", "is_ask"), JOB_ASKS)
def test_the_voicemail_check_reads_the_same_table(text, is_ask):
    script = f"Hello Bo, this is Ana. {text} Thank you."
    asks = [w for w in check_voicemail(script).warnings if w.startswith("asks for a job")]
    assert bool(asks) is is_ask, asks


def test_the_table_is_big_and_balanced():
    asks = sum(1 for _, is_ask in JOB_ASKS if is_ask)
    assert len(JOB_ASKS) >= 40 and asks >= 20 and len(JOB_ASKS) - asks >= 15


@pytest.mark.parametrize(
    "goal_role", ["Recruiter", "Technical Recruiter", "Hiring Manager", "Jobs Programme Lead"]
)
def test_the_participants_goal_role_is_not_a_job_ask(goal_role):
    text = f"I am exploring a path towards {goal_role} in fintech: how did you get there?"
    assert job_ask_warnings(text, goal_roles=[goal_role]) == []
    # The same person asking for a job is still flagged.
    asked = job_ask_warnings(text + " Are you hiring?", goal_roles=[goal_role])
    assert len(asked) == 1 and '"hiring"' in asked[0]
