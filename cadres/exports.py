"""Excel export of the current cadres and posts: one row per sitting post, personal data masked.

The columns are those of the import template (so staff recognise them), plus the post's
qualification certificate and the state of its pledge. ID numbers and phones are masked for
everyone: a workbook travels by e-mail and USB stick, where nobody can log who reads it.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from core.cells import yes_no_words
from core.dates import today as local_today
from core.excel import TEXT_FORMAT, Column, new_workbook, workbook_bytes, write_header, write_row
from core.rights import Right, scope_for
from villages.models import Region

from .choices import CertificateState, PledgeState, PostKind
from .imports import CADRE_COLUMNS, CADRE_SHEET, DATE_FORMAT
from .models import Pledge, Post, PostQuerySet, ReserveCadreQuerySet, SecretaryAppraisalQuerySet

__all__ = [
    "APPRAISAL_COLUMNS",
    "EXPORT_COLUMNS",
    "RESERVE_COLUMNS",
    "export_appraisals",
    "export_cadres",
    "export_reserves",
]

EXPORT_COLUMNS = (
    *CADRE_COLUMNS,
    Column("certificate", gettext_lazy("Certificate number"), "", width=24),
    Column("pledge", gettext_lazy("Pledge state"), "", width=14),
)
# Seats first, then the other posts, in the order of the choices.
POST_ORDER = {kind: i for i, kind in enumerate([PostKind.SECRETARY_AND_CHAIR, *PostKind])}
HEADER_ROW = 2


def export_cadres(
    *,
    actor,
    township: Region | None = None,
    queryset: PostQuerySet | None = None,
    on: dt.date | None = None,
) -> bytes:
    """An .xlsx of the sitting posts the actor may see, in `township` and/or `queryset` (a Post
    queryset, e.g. a filtered list); a constant number of queries whatever the number of rows.

    Raises PermissionDenied if the actor may see no village of the township.
    """
    if township is None and queryset is None:
        raise ValueError("export_cadres needs a township or a queryset")
    posts = queryset if queryset is not None else Post.objects.all()
    if township is not None:
        if not _may_see(actor, township):
            raise PermissionDenied(_("You may not see the cadres of this township."))
        posts = posts.filter(area_code__startswith=township.code)
    posts = (
        posts.visible_to(actor)
        .current()
        .select_related("village", "cadre", "certificate")
        .prefetch_related(
            Prefetch(
                "pledges",
                queryset=Pledge.objects.order_by("-version").only("id", "post_id", "state"),
            )
        )
    )
    rows = sorted(posts, key=lambda p: (p.area_code, POST_ORDER.get(p.kind, 99), p.cadre.name))
    on = on or local_today()

    wb = new_workbook()
    ws = wb.active
    ws.title = str(CADRE_SHEET)
    day = date_format(on, "DATE_FORMAT")
    if township is not None:
        title = _("Cadres of %(area)s, exported on %(date)s") % {"area": township.name, "date": day}
    else:
        title = _("Cadres, exported on %(date)s") % {"date": day}
    write_row(ws, [title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(EXPORT_COLUMNS))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    write_header(ws, EXPORT_COLUMNS)  # on HEADER_ROW, under the title

    yes, no = yes_no_words()
    for post in rows:
        cadre = post.cadre
        write_row(
            ws,
            [
                post.village.code,
                post.village.name,
                cadre.name,
                cadre.masked_id_number,
                cadre.masked_phone,
                yes if cadre.is_party_member else no,
                cadre.party_joined_on,
                cadre.get_education_display(),
                post.get_kind_display(),
                post.start_date,
                post.term_ends,
                post.notes,
                _certificate(post),
                _pledge_state(post),
            ],
        )
    dates = {i for i, c in enumerate(EXPORT_COLUMNS, start=1) if c.key in _DATE_KEYS}
    texts = {i for i, c in enumerate(EXPORT_COLUMNS, start=1) if c.is_code}
    for row in ws.iter_rows(min_row=HEADER_ROW + 1):
        for cell in row:
            if cell.column in dates:
                cell.number_format = DATE_FORMAT
            elif cell.column in texts:
                cell.number_format = TEXT_FORMAT
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(EXPORT_COLUMNS))}{ws.max_row}"
    return workbook_bytes(wb)


_DATE_KEYS = {"party_joined_on", "start_date", "term_ends"}


def _may_see(actor, township: Region) -> bool:
    scope = scope_for(actor)
    return scope.allows(Right.SEE, township.code) or any(
        code.startswith(township.code) for code in scope.areas(Right.SEE)
    )


def _certificate(post: Post) -> str:
    certificate = getattr(post, "certificate", None)
    if certificate is None:
        return ""
    if certificate.state == CertificateState.VALID:
        return certificate.number
    return _("%(number)s (%(state)s)") % {
        "number": certificate.number,
        "state": certificate.get_state_display(),
    }


def _pledge_state(post: Post) -> str:
    """The pledge in force, else the latest version's state; blank for posts without pledges."""
    if not post.is_certified:
        return ""
    pledges = list(post.pledges.all())
    if not pledges:
        return _("None yet")
    current = next((p for p in pledges if p.state == PledgeState.IN_FORCE), pledges[0])
    return current.get_state_display()


RESERVE_COLUMNS = (
    Column("village_code", gettext_lazy("Village code"), "", width=15, is_code=True),
    Column("village", gettext_lazy("Village"), "", width=14),
    Column("post", gettext_lazy("Reserve for the post of"), "", width=16),
    Column("name", gettext_lazy("Full name"), "", width=10),
    Column("id_number", gettext_lazy("ID number"), "", width=22, is_code=True),
    Column("phone", gettext_lazy("Phone"), "", width=14, is_code=True),
    Column("since", gettext_lazy("Reserve since"), "", width=12),
    Column("withdrawn_on", gettext_lazy("Withdrawn on"), "", width=12),
    Column("notes", gettext_lazy("Notes"), "", width=30),
)


def export_reserves(*, actor, queryset: ReserveCadreQuerySet) -> bytes:
    """An .xlsx of the reserve cadres the actor may see in `queryset` (a filtered list), ID
    numbers and phones masked as in the cadre export; two queries whatever the number of rows."""
    reserves = (
        queryset.visible_to(actor)
        .select_related("village", "cadre")
        .order_by("area_code", "post", "cadre__name", "pk")
    )
    wb = new_workbook()
    ws = wb.active
    ws.title = str(_("Reserve cadres"))
    write_row(
        ws,
        [
            _("Reserve cadres, exported on %(date)s")
            % {"date": date_format(local_today(), "DATE_FORMAT")}
        ],
    )
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(RESERVE_COLUMNS))
    ws["A1"].font = Font(bold=True, size=14)
    write_header(ws, RESERVE_COLUMNS)
    for reserve in reserves:
        cadre = reserve.cadre
        write_row(
            ws,
            [
                reserve.village.code,
                reserve.village.name,
                reserve.get_post_display(),
                cadre.name,
                cadre.masked_id_number,
                cadre.masked_phone,
                reserve.since,
                reserve.withdrawn_on,
                reserve.notes,
            ],
        )
    for row in ws.iter_rows(min_row=HEADER_ROW + 1):
        for cell in row:
            if RESERVE_COLUMNS[cell.column - 1].key in ("since", "withdrawn_on"):
                cell.number_format = DATE_FORMAT
            elif RESERVE_COLUMNS[cell.column - 1].is_code:
                cell.number_format = TEXT_FORMAT
    return workbook_bytes(wb)


APPRAISAL_COLUMNS = (
    Column("village_code", gettext_lazy("Village code"), "", width=15, is_code=True),
    Column("village", gettext_lazy("Village"), "", width=14),
    Column("year", gettext_lazy("Year"), "", width=8),
    Column("name", gettext_lazy("Secretary"), "", width=10),
    Column("report_date", gettext_lazy("Date of the report"), "", width=12),
    Column("summary", gettext_lazy("Summary of the report"), "", width=40),
    Column("appraised_on", gettext_lazy("Date of the appraisal"), "", width=12),
    Column("grade", gettext_lazy("Grade"), "", width=8),
    Column("score", gettext_lazy("Score"), "", width=8),
    Column("appraisers", gettext_lazy("Appraised by"), "", width=24),
    Column("state", gettext_lazy("State"), "", width=10),
    Column("corrects", gettext_lazy("Corrects"), "", width=20),
)


def export_appraisals(*, actor, queryset: SecretaryAppraisalQuerySet) -> bytes:
    """An .xlsx of the secretaries' reports and appraisals the actor may see in `queryset` (a
    filtered list); one query whatever the number of rows."""
    appraisals = (
        queryset.visible_to(actor)
        .select_related("village", "post__cadre")
        .order_by("-year", "area_code", "pk")
    )
    wb = new_workbook()
    ws = wb.active
    ws.title = str(_("Reports and appraisals"))
    write_row(
        ws,
        [
            _("Secretaries' reports and appraisals, exported on %(date)s")
            % {"date": date_format(local_today(), "DATE_FORMAT")}
        ],
    )
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(APPRAISAL_COLUMNS))
    ws["A1"].font = Font(bold=True, size=14)
    write_header(ws, APPRAISAL_COLUMNS)
    for a in appraisals:
        write_row(
            ws,
            [
                a.village.code,
                a.village.name,
                a.year,
                a.post.cadre.name,
                a.report_date,
                a.report_summary,
                a.appraised_on,
                a.get_grade_display(),
                a.score,
                a.appraisers,
                a.get_state_display(),
                _("correction of no. %(pk)d") % {"pk": a.corrects_id} if a.corrects_id else "",
            ],
        )
    for row in ws.iter_rows(min_row=HEADER_ROW + 1):
        for cell in row:
            key = APPRAISAL_COLUMNS[cell.column - 1].key
            if key in ("report_date", "appraised_on"):
                cell.number_format = DATE_FORMAT
            elif APPRAISAL_COLUMNS[cell.column - 1].is_code:
                cell.number_format = TEXT_FORMAT
    return workbook_bytes(wb)
