"""Reads of the top-down part of 双监督: who sits in a village on a date, an inspection's score
sheet and a review's table of cadres by dimension."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, Value, When

from cadres.choices import PostKind
from cadres.models import Post

__all__ = ["SheetRow", "blank_sheet", "inspection_sheet", "review_sheet", "sitting_posts"]

_KIND_ORDER = Case(
    *[When(kind=k, then=Value(n)) for n, k in enumerate(PostKind.values)],
    output_field=IntegerField(),
)


def sitting_posts(village, on: dt.date):
    """The two committees' posts held on `on` (secretary, chair and members), senior first."""
    return (
        Post.objects.two_committees()
        .filter(village=village, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("cadre")
        .annotate(kind_order=_KIND_ORDER)
        .order_by("kind_order", "pk")
    )


@dataclass
class SheetRow:
    """One checklist item of an inspection with its score (None until scored)."""

    item: object
    score: object = None
    note: str = ""


def blank_sheet(template) -> list[SheetRow]:
    """A checklist's items in order, none scored (a score sheet sent with the start)."""
    return [SheetRow(item) for item in template.items.order_by("position")]


def inspection_sheet(inspection) -> list[SheetRow]:
    """The inspection's checklist items in order, each with its score and note (two queries)."""
    scores = {s.item_id: s for s in inspection.scores.all()}
    rows = []
    for item in inspection.template.items.order_by("position"):
        s = scores.get(item.pk)
        rows.append(SheetRow(item, s.score if s else None, s.note if s else ""))
    return rows


@dataclass
class ReviewRow:
    """One cadre of a review: the post, its score row (None until scored) and the values in
    the order of the review's dimensions."""

    post: object
    score: object
    values: list
    sitting: bool = True


def review_sheet(review) -> list[ReviewRow]:
    """A row per cadre sitting on the review's date, plus any scored post no longer sitting."""
    scores = {s.post_id: s for s in review.scores.select_related("post__cadre")}
    rows = []
    for post in sitting_posts(review.village, review.date):
        s = scores.pop(post.pk, None)
        values = (
            [s.scores.get(d) for d in review.dimensions] if s else [None] * len(review.dimensions)
        )
        rows.append(ReviewRow(post, s, values))
    for s in scores.values():
        rows.append(ReviewRow(s.post, s, [s.scores.get(d) for d in review.dimensions], False))
    return rows
