"""The route makers of views/routes.py (#17): what a PATCH sends, and one change through
`change_route` (If-Match) — a stale version writes nothing, a fresh one exactly one change
record, and null leaves a field as it is."""

from __future__ import annotations

import pytest

from goldenthread.api.tests.helpers import changes
from goldenthread.api.views.routes import patched
from goldenthread.audit.models import ChangeRecord


class _Sent:
    def __init__(self, **sent):
        self.sent = sent

    def dict(self, exclude_unset: bool = False):
        assert exclude_unset, "a PATCH reads only what was sent"
        return dict(self.sent)


def test_patched_keeps_what_was_sent_and_null_only_where_it_clears():
    sent = _Sent(why="Her son speaks for her.", offered_on=None, answer=None)
    assert patched(sent) == {"why": "Her son speaks for her."}
    assert patched(sent, {"offered_on"}) == {"why": "Her son speaks for her.", "offered_on": None}


@pytest.mark.django_db
def test_a_change_through_change_route_is_written_once_and_never_when_stale(api, practitioner):
    made = api("post", "/circle", {"name": "Bob", "relationship": "Neighbour"})
    assert made.status_code == 201 and made["ETag"] == '"1"'
    path = f"/circle/{made.json()['id']}"
    changed = api(
        "patch", path, {"is_unpaid_carer": True, "relationship": None}, if_match=made["ETag"]
    )
    assert changed.status_code == 200, changed.content
    assert changed["ETag"] == '"2"'
    assert changed.json()["is_unpaid_carer"] is True
    assert changed.json()["relationship"] == "Neighbour"  # null left it as it was
    assert changes("people.CircleMember", "update") == 1
    row = ChangeRecord.objects.get(object_type="people.CircleMember", action="update")
    assert row.actor == practitioner
    stale = api("patch", path, {"name": "Robert"}, if_match=made["ETag"])
    assert stale.status_code == 412, stale.content
    assert changes("people.CircleMember", "update") == 1
    assert api("get", path).json()["name"] == "Bob"
    assert (
        api("patch", "/circle/00000000-0000-0000-0000-000000000000", {}, if_match='"1"').status_code
        == 404
    )
