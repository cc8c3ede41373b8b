"""What a phone caches for the field forms (issue 21): the user's own villages, their sitting
cadres (names and posts only: never an ID number or a phone), the promises to redeem, the
checklist in use and the forms' addresses. A fixed number of queries whatever the villages."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.urls import reverse

from cadres.choices import CERTIFIED_POSTS, PledgeState
from cadres.models import Post, Promise
from core.rights import AnyUser, Right, scope_for
from villages.models import Village

from ..choices import TaskKind, TaskState, TemplateState
from ..models import InspectionTemplate, SupervisionTask
from ..services.bottomup import post_order

__all__ = ["field_data", "field_villages"]

#: each duty's record (its reverse one-to-one name), its pages and the right it needs
_DUTY_FORMS: dict[str, tuple[str, str, str, Right]] = {
    TaskKind.INSPECTION: ("inspection", "inspection-create", "inspection-detail", Right.EDIT),
    TaskKind.HEARING: ("hearing", "hearing-create", "hearing-detail", Right.ORGANIZE),
    TaskKind.PUBLIC_REPORT: (
        "public_report",
        "public-report-create",
        "public-report-detail",
        Right.ORGANIZE,
    ),
    TaskKind.REDEMPTION: ("redemption", "redemption-create", "redemption-detail", Right.ORGANIZE),
}
#: the form that completes a duty's draft record (the one-page form of the record's page)
_RECORD_FORMS = {
    TaskKind.INSPECTION: "inspection-scores",
    TaskKind.HEARING: "hearing-complete",
    TaskKind.PUBLIC_REPORT: "public-report-complete",
    TaskKind.REDEMPTION: "redemption-complete",
}


def field_villages(user: AnyUser):
    """The villages whose field forms `user` fills: those whose supervision they organize (a
    contact cadre's own villages, a township's for its staff)."""
    return Village.objects.with_right(user, Right.ORGANIZE)


def _url(name: str, *args: Any) -> str:
    return reverse(f"supervision:{name}", args=args)


def _duty(task: SupervisionTask, may_edit: bool, may_organize: bool) -> dict[str, Any] | None:
    record_attr, create, detail, right = _DUTY_FORMS[task.kind]
    if not (may_edit if right == Right.EDIT else may_organize):
        return None
    record = getattr(task, record_attr, None)
    return {
        "id": task.pk,
        "kind": task.kind,
        "kind_label": str(TaskKind(task.kind).label),
        "period": task.period,
        "due_date": task.due_date.isoformat(),
        "start_url": "" if record is not None else _url(create, task.pk),
        "record_url": _url(detail, record.pk) if record is not None else "",
        "record_form_url": _url(_RECORD_FORMS[task.kind], record.pk) if record is not None else "",
        "record_state": record.state if record is not None else "",
    }


def field_data(user: AnyUser, on: dt.date) -> dict[str, Any]:
    """The phone's offline cache of `user`'s villages on `on` (JSON-ready)."""
    scope = scope_for(user)
    villages = list(field_villages(user).select_related("township").order_by("code"))
    ids = [v.pk for v in villages]
    posts: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for post in (
        Post.objects.visible_to(user)
        .two_committees()
        .sitting_on(on)
        .filter(village_id__in=ids)
        .select_related("cadre")
        .order_by("village_id", post_order(), "pk")
    ):
        posts[post.village_id].append(
            {
                "post_id": post.pk,  # a vote row's key
                "cadre_id": post.cadre_id,  # a hearing question's answered_by
                "name": post.cadre.name,
                "post": post.get_kind_display(),
            }
        )
    promises: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for promise in (
        Promise.objects.visible_to(user)
        .filter(
            pledge__state=PledgeState.IN_FORCE,
            pledge__post__end_date__isnull=True,
            pledge__post__kind__in=CERTIFIED_POSTS,
            pledge__post__village_id__in=ids,
        )
        .select_related("pledge__post__cadre")
        .order_by("pledge__post__village_id", "pledge_id", "position")
    ):
        post = promise.pledge.post
        promises[post.village_id].append(
            {
                "id": promise.pk,
                "cadre": post.cadre.name,
                "post": post.get_kind_display(),
                "audience": promise.get_audience_display(),
                "target": promise.target,
                "due_date": promise.due_date.isoformat(),
            }
        )
    checklists = {
        t.area_code: t
        for t in InspectionTemplate.objects.visible_to(user)
        .filter(state=TemplateState.ACTIVE, area_code__in={v.code[:6] for v in villages})
        .prefetch_related("items")
    }
    duties: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for task in (
        SupervisionTask.objects.visible_to(user)
        .filter(
            village_id__in=ids,
            kind__in=list(_DUTY_FORMS),
            state__in=[TaskState.PLANNED, TaskState.OVERDUE],
        )
        .select_related(*(attr for attr, *_rest in _DUTY_FORMS.values()))
        .order_by("village_id", "due_date", "pk")
    ):
        code = task.area_code
        duty = _duty(task, scope.allows(Right.EDIT, code), scope.allows(Right.ORGANIZE, code))
        if duty is not None:
            duties[task.village_id].append(duty)
    presence_url = _url("presence-record")
    return {
        "villages": [
            {
                "code": v.code,
                "name": v.name,
                "township": {"code": v.township.code, "name": v.township.name},
                "cadres": posts[v.pk],
                "promises": promises[v.pk],
                "checklist": _checklist(checklists.get(v.code[:6])),
                "duties": duties[v.pk],
                "forms": {"presence": f"{presence_url}?village={v.code}"},
            }
            for v in villages
        ],
    }


def _checklist(template: InspectionTemplate | None) -> dict[str, Any] | None:
    if template is None:
        return None
    items = sorted(template.items.all(), key=lambda i: i.position)
    return {
        "id": template.pk,
        "version": template.version,
        "name": template.name,
        "items": [
            {
                "id": i.pk,
                "position": i.position,
                "section": i.section,
                "text": i.text,
                "weight": str(i.weight),
            }
            for i in items
        ],
    }
