"""Reading a workshop roster: the shapes spreadsheets save, and every refusal located."""

from __future__ import annotations

import re

import pytest

from coachkit.errors import ValidationError
from coachkit.workshop.roster import Participant, parse_roster, start_links, unsafe_username

pytestmark = pytest.mark.unit


def test_excel_csv_utf8_shape_with_crlf_and_header_in_another_order():
    # Excel's "CSV UTF-8" writes CRLF line ends; the BOM is removed by the decoder before
    # this point, but a stray one in the first header cell must still be tolerated.
    text = "\ufeffE-mail,Username,Name\r\n".replace("E-mail", "email")
    text += "ana@example.org,ana,Ana Lima\r\n,bruno,  Bruno Costa \r\n\r\n"
    assert parse_roster(text, "roster.csv") == [
        Participant("Ana Lima", "ana", "ana@example.org", 2),
        Participant("Bruno Costa", "bruno", "", 3),
    ]


def test_email_column_is_optional_and_a_quoted_name_may_hold_a_comma():
    text = 'name,username\n"Lima, Ana",ana\n'
    assert parse_roster(text) == [Participant("Lima, Ana", "ana", "", 2)]


@pytest.mark.parametrize(
    ("username", "why"),
    [
        ("Ana", "capital letters (logins are lower-case: ana)"),
        ("root", "keeps for itself"),
        ("Root", "not a safe login"),  # lower-cased it would be root: no suggestion
        ("ana lima", "not a safe login"),
        ("../etc", "not a safe login"),
        ("1ana", "not a safe login"),
        ("a" * 33, "not a safe login"),
        ("", "is empty"),
        ("josé", "not a safe login"),
    ],
)
def test_unsafe_usernames_are_refused_with_the_reason(username, why):
    assert why in (unsafe_username(username) or "")


@pytest.mark.parametrize("username", ["ana", "a", "ana-lima", "ana_2", "a" * 32])
def test_safe_usernames_pass(username):
    assert unsafe_username(username) is None


def test_duplicate_username_names_both_lines_and_the_column():
    text = "name,username\nAna Lima,ana\nBruno Costa,bruno\nAna Other,ana\n"
    with pytest.raises(ValidationError) as caught:
        parse_roster(text, "roster.csv")
    assert str(caught.value).startswith(
        "roster.csv, line 4, username: 'ana' is already used on line 2"
    )


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("name,login\nAna,ana\n", "roster.csv, line 1: no 'username' column"),
        ("name,username\n,ana\n", "roster.csv, line 2, name: is empty"),
        ("name,username\nAna,ana\nBo,BO\n", "roster.csv, line 3, username: 'BO' has capital"),
        ("name,username,email\nAna,ana,ana.example.org\n", "line 2, email: 'ana.example.org'"),
        ("name,username\n", "roster.csv: the roster names nobody"),
        ("", "roster.csv: the roster is empty"),
        ('name,username\n"Ana,ana\n', "roster.csv, line 2: this is not a well-formed CSV"),
    ],
)
def test_bad_rosters_are_refused_naming_file_line_and_field(text, where):
    with pytest.raises(ValidationError) as caught:
        parse_roster(text, "roster.csv")
    assert where in str(caught.value)


def test_start_links_are_personal_and_quoted():
    people = [Participant("Ana Lima", "ana"), Participant("Bo", "bo_2")]
    links = start_links(people, "https://hub.example.org/ ")
    assert [link for _, link in links] == [
        "https://hub.example.org/user/ana/voila/render/coachkit-notebooks/01_start_here.ipynb",
        "https://hub.example.org/user/bo_2/voila/render/coachkit-notebooks/01_start_here.ipynb",
    ]
    with pytest.raises(
        ValidationError, match=re.escape("--hub-url: 'hub.example.org' is not a web")
    ):
        start_links(people, "hub.example.org")
