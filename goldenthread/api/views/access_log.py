"""Who looked at or changed a person's record (#15, SEC-3): the access log, for the team
leader of the person's team and the worker allocated to them (Permission.VIEW_ACCESS_LOG),
never through break-glass. The rows are the person's own "who looked" page's, in staff
words (portal.selectors.look_row). Reading it is itself one row of the log (the gate)."""

from __future__ import annotations

import datetime
import uuid

from django.http import HttpRequest
from ninja import Query, Router, Schema

from goldenthread.core.permissions import Permission
from goldenthread.portal.selectors import access_log_of, look_row

from ..pagination import page_of, paginate
from .common import PageParams, answers, person_allowed

router = Router(tags=["Who looked"])


class AccessRowOut(Schema):
    id: uuid.UUID
    at: datetime.datetime
    who: str
    role: str
    action: str
    what_they_did: str
    page: str
    reason: str
    break_glass: bool
    api_token_name: str | None
    api_token_prefix: str | None


def _row(row) -> dict:
    words = look_row(row, for_staff=True)
    return {
        "id": row.pk,
        "at": row.at,
        "who": words.who,
        "role": words.role,
        "action": row.action,
        "what_they_did": words.what,
        "page": row.what,
        "reason": row.reason,
        "break_glass": row.break_glass,
        "api_token_name": row.api_token_name,
        "api_token_prefix": row.api_token_prefix,
    }


@router.get(
    "/people/{uuid:person_id}/access-log",
    response=answers({200: page_of(AccessRowOut)}),
    url_name="access_log",
    summary="Who looked at, changed, exported or was refused the record, newest first: for "
    "the team leader of the person's team and the worker allocated to them",
)
def access_log_list(request: HttpRequest, person_id: uuid.UUID, params: Query[PageParams]):
    person = person_allowed(
        request,
        Permission.VIEW_ACCESS_LOG,
        "Only the team leader of the person's team and the worker allocated to them see "
        "who looked at the record.",
    )
    return paginate(
        request,
        access_log_of(person),
        order=("seq",),
        limit=params.limit,
        cursor=params.cursor,
        serialize=_row,
        descending=True,
    )
