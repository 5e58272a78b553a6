"""The coach's live board and weekly summary, from published figures (pure functions).

:func:`board` turns the store's rows and the hub's list of participants into the board's
JSON (one row per participant, the room's totals); :func:`render_board` makes the page the
coach projects, which refreshes itself with a small inline script (no external script, no
reload flash); :func:`weekly_summary` builds the cohort summary of one week as ``coachkit
cohort report`` does, from the figures participants' servers published.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Iterable, Mapping
from typing import Any

from ..weeks import week_label
from .figures import LIVE_FIELDS

__all__ = ["COLUMNS", "board", "current_weeks", "render_board", "weekly_summary"]

# (figure, column heading, room-total wording) in the board's order.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("contacts", "Contacts imported", "have imported their contacts"),
    ("goals_set", "Goals set", "have set their goals"),
    ("firms_tagged", "Firms tagged", "have tagged firms"),
    ("shortlist", "Shortlist", "have a mentor shortlist"),
    ("schedule_saved", "Schedule saved", "have saved their schedule"),
    ("targets_set", "Targets set", "have set their targets"),
    ("drafts", "Drafts prepared", "have prepared a draft"),
    ("outreach_this_week", "Outreach this week", "have logged outreach this week"),
)
assert {c[0] for c in COLUMNS} | {"week"} == set(LIVE_FIELDS)


def current_weeks(today: dt.date) -> frozenset[str]:
    """The names ``today``'s week can have, whatever day a participant's week starts on."""
    return frozenset(week_label(today, start) for start in range(7))


def board(
    live: Iterable[Any],
    *,
    today: dt.date,
    participants: Iterable[str] = (),
    coaches: Iterable[str] = (),
    names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The board's figures: a row per participant and the room's totals.

    Parameters
    ----------
    live
        The store's :class:`~coachkit.workshop.store.LiveRow` objects.
    today
        The day: outreach published in an earlier week counts as none this week.
    participants
        Hub usernames expected on the board (a row shows even before they publish).
    coaches
        Hub usernames left off the board (a coach trying the notebooks is no participant).
    names
        Username -> display name (from the roster); the username otherwise.
    """
    names = names or {}
    coaches = set(coaches)
    weeks = current_weeks(today)
    published = {row.username: row for row in live if row.username not in coaches}
    everyone = (set(participants) - coaches) | set(published)
    rows = []
    for username in everyone:
        row = published.get(username)
        figures: dict[str, Any] | None = None
        updated = None
        if row is not None:
            figures = {name: row.figures.get(name) for name in LIVE_FIELDS}
            if figures["week"] not in weeks:  # last published in an earlier week
                figures["outreach_this_week"] = 0
            updated = row.updated_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append(
            {
                "username": username,
                "name": names.get(username) or username,
                "figures": figures,
                "updated_at": updated,
            }
        )
    rows.sort(key=lambda r: (r["name"].casefold(), r["username"]))
    done = [r["figures"] for r in rows if r["figures"] is not None]
    totals = {
        "participants": len(rows),
        "published": len(done),
        **{name: sum(bool(f[name]) for f in done) for name, _, _ in COLUMNS},
        "outreach_sum": sum(int(f["outreach_this_week"]) for f in done),
        "contacts_sum": sum(int(f["contacts"]) for f in done),
    }
    return {"today": today.isoformat(), "rows": rows, "totals": totals}


def _cell(_name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✔" if value else "–"
    return str(int(value))


def _render_rows(data: Mapping[str, Any]) -> str:
    e = html.escape
    lines = []
    for row in data["rows"]:
        figures = row["figures"]
        if figures:
            cells = "".join(f"<td>{_cell(name, figures[name])}</td>" for name, _, _ in COLUMNS)
        else:
            cells = f"<td class='none' colspan='{len(COLUMNS)}'>not connected yet</td>"
        lines.append(f"<tr><th scope='row'>{e(row['name'])}</th>{cells}</tr>")
    return "".join(lines)


def _render_totals(totals: Mapping[str, Any]) -> str:
    n = totals["participants"]
    items = [f"<li><b>{totals[name]} of {n}</b> {words}</li>" for name, _, words in COLUMNS]
    items.append(f"<li><b>{totals['outreach_sum']}</b> outreach messages this week</li>")
    return "".join(items)


_BOARD_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<noscript><meta http-equiv="refresh" content="{refresh}"></noscript>
<title>coachkit board</title>
<style nonce="{nonce}">
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5rem;
  color: #1d2a33; }}
h1 {{ color: #14394f; margin: 0 0 .3rem; }}
.when {{ color: #5a6b76; margin: 0 0 1rem; }}
ul.totals {{ display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; padding: 0; list-style: none;
  font-size: 1.15rem; }}
table {{ border-collapse: collapse; font-size: 1.05rem; }}
th, td {{ border-bottom: 1px solid #d8e0e6; padding: .35rem .7rem; text-align: center; }}
thead th {{ background: #eef3f6; }}
tbody th {{ text-align: left; font-weight: 600; }}
td.none {{ color: #8a99a3; font-style: italic; }}
</style>
</head>
<body data-xsrf="{xsrf}">
<h1>The room, live</h1>
<p class="when">Figures only, as each participant saves. Updated <span id="updated">{today}</span>.
 <a href="weekly/">Weekly summaries</a></p>
<ul class="totals" id="totals">{totals}</ul>
<table>
<thead><tr><th>Participant</th>{heads}</tr></thead>
<tbody id="rows">{rows}</tbody>
</table>
<script nonce="{nonce}">
(function () {{
  var columns = {columns};
  function cell(v) {{
    var td = document.createElement("td");
    td.textContent = v === true ? "\\u2714" : v === false ? "\\u2013" : String(v);
    return td;
  }}
  function draw(data) {{
    var body = document.createElement("tbody");
    body.id = "rows";
    data.rows.forEach(function (row) {{
      var tr = document.createElement("tr");
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = row.name;
      tr.appendChild(th);
      if (row.figures) {{
        columns.forEach(function (c) {{ tr.appendChild(cell(row.figures[c[0]])); }});
      }} else {{
        var td = document.createElement("td");
        td.className = "none";
        td.colSpan = columns.length;
        td.textContent = "not connected yet";
        tr.appendChild(td);
      }}
      body.appendChild(tr);
    }});
    document.getElementById("rows").replaceWith(body);
    var totals = document.getElementById("totals");
    totals.textContent = "";
    var n = data.totals.participants;
    columns.forEach(function (c) {{
      var li = document.createElement("li");
      var b = document.createElement("b");
      b.textContent = data.totals[c[0]] + " of " + n;
      li.appendChild(b);
      li.appendChild(document.createTextNode(" " + c[2]));
      totals.appendChild(li);
    }});
    var sum = document.createElement("li");
    var sb = document.createElement("b");
    sb.textContent = String(data.totals.outreach_sum);
    sum.appendChild(sb);
    sum.appendChild(document.createTextNode(" outreach messages this week"));
    totals.appendChild(sum);
    document.getElementById("updated").textContent = new Date().toLocaleTimeString();
  }}
  function poll() {{
    // JupyterHub accepts the login cookie on a script's request only with the XSRF token.
    var headers = {{"X-XSRFToken": document.body.dataset.xsrf}};
    fetch("api/board", {{credentials: "same-origin", redirect: "manual", headers: headers}})
      .then(function (r) {{
        if (r.type === "opaqueredirect" || r.status === 403) {{ location.reload(); return; }}
        if (r.ok) {{ return r.json().then(draw); }}
      }})
      .catch(function () {{}})
      .then(function () {{ setTimeout(poll, {refresh_ms}); }});
  }}
  setTimeout(poll, {refresh_ms});
}})();
</script>
</body>
</html>
"""


def render_board(data: Mapping[str, Any], *, nonce: str, refresh: float = 3, xsrf: str = "") -> str:
    """The board page: the table and totals now, then redrawn every ``refresh`` seconds.

    The inline script carries ``nonce`` (the page's Content-Security-Policy allows only it)
    and writes every participant-supplied string with ``textContent``, never as HTML.
    ``xsrf`` is the service's XSRF token, which the script's requests carry.
    """
    e = html.escape
    return _BOARD_PAGE.format(
        nonce=e(nonce),
        xsrf=e(xsrf),
        refresh=max(1, round(refresh)),
        refresh_ms=int(refresh * 1000),
        today=e(data["today"]),
        totals=_render_totals(data["totals"]),
        heads="".join(f"<th>{e(head)}</th>" for _, head, _ in COLUMNS),
        rows=_render_rows(data),
        # json.dumps of fixed words; "</" cannot occur, so it cannot close the script early
        columns=json.dumps([list(c) for c in COLUMNS]),
    )


def weekly_summary(
    weekly: Iterable[Any],
    week: str,
    *,
    today: dt.date,
    participants: Iterable[str] = (),
    coaches: Iterable[str] = (),
    names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The cohort summary of ``week``, as ``coachkit cohort report`` makes it, from the
    weekly figures participants' servers published (:class:`~coachkit.workshop.store.WeeklyRow`).

    A participant with no report for the week is listed among the reports not made.
    """
    from ..cohort import Failure, summarise_figures

    names = names or {}
    coaches = set(coaches)
    published = {r.username: r for r in weekly if r.username not in coaches}
    rows = [
        {"participant": names.get(u) or u, "report": "", **published[u].figures} for u in published
    ]
    rows.sort(key=lambda r: str(r["participant"]).casefold())
    missing = sorted(
        (names.get(u) or u for u in set(participants) - coaches - set(published)),
        key=str.casefold,
    )
    failures = [
        Failure(name, "no report published for this week yet: it is made on the "
                "participant's first visit of the week, or from their reports page")
        for name in missing
    ]  # fmt: skip
    return summarise_figures(rows, week, today.isoformat(), failures)
