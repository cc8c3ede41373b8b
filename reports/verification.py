"""What the page a printed copy's QR code leads to tells anyone (issue #20 item 2): whether the
check code on the paper is the record's as it is now or as it was earlier (from the record's
history), and then the document's public content to compare the paper with, the differences
since it was printed, and whether it was superseded, revoked or corrected, with the way to
the current one. A code that matches no version of the record shows nothing at all."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cadres.choices import CertificateState, PledgeState
from cadres.models import Pledge, Post, QualificationCertificate
from supervision.models import Hearing, Inspection, RecordReopening
from supervision.selectors import inspection_sheet

from .documents import (
    DOCUMENTS,
    Document,
    canonical_bytes,
    check_code,
    content_hash,
    inspection_content,
    public_content,
)
from .pdf import short_hash

__all__ = ["Verification", "verify_document"]

#: how far back a record's history is searched for the version a copy was printed from
OWN_VERSIONS = 30
POST_VERSIONS = 5


@dataclass
class Verification:
    """The answer of the verification page (and nothing more leaves it for the public)."""

    doc: Document
    code: str
    #: the record, when the code is the one of some version of it (else None: nothing shown)
    record: Any = None
    current_code: str = ""
    #: the copy's code is the record's code now
    matches: bool = False
    #: when the copy matches an earlier version: since when that version stood
    earlier_since: dt.datetime | None = None
    #: the copy was printed from a draft
    printed_draft: bool = False
    #: the record is a draft now: no content for the public
    is_draft: bool = False
    content: dict | None = None
    #: the full SHA-256 of the record's text now (the check code is its first 12 digits)
    sha256: str = ""
    #: what changed between the printed version and the record now
    differences: list[dict] = field(default_factory=list)
    #: (text, url or "") of what became of the document: superseded, revoked, corrected
    notices: list[tuple[str, str]] = field(default_factory=list)

    @property
    def genuine(self) -> bool:
        """The code belongs to this record, now or earlier."""
        return self.record is not None


def _day(value) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def verify_url_of(doc: Document, obj) -> str:
    """The public verification page of a record as it is now (the path, for links)."""
    return reverse("reports:verify", args=[doc.kind, obj.pk, check_code(doc, obj)])


# ------------------------------------------------------------------ earlier versions


def _versions(obj, limit: int):
    """The record as it is, then as each of its recorded versions (newest first): copies with
    the fields of the history rows (the related rows and children as they are now)."""
    yield None, obj
    fields = [f.attname for f in obj._meta.concrete_fields if f.attname != "id"]
    for event in obj.events.order_by("-pgh_id")[:limit]:
        version = copy.copy(obj)
        for name in fields:
            if hasattr(event, name):
                setattr(version, name, getattr(event, name))
        yield event.pgh_created_at, version


def _post_field(doc: Document) -> str | None:
    return {"certificate": "post", "pledge": "post", "handover": "ended_post"}.get(doc.kind)


def _code_of(doc: Document, obj, rows) -> str:
    if doc.kind == "inspection":
        # The sheet is read once for all versions (the scores are children, as they are now).
        content = inspection_content(obj, rows)
        return short_hash(canonical_bytes({"kind": doc.kind, "pk": obj.pk, "content": content}))
    return check_code(doc, obj)


def _earlier_version(doc: Document, obj, code: str):
    """(since when, the version) of the record whose check code is `code`, or (None, None)."""
    if doc.kind == "disclosure":
        return None, None  # a published statement never changes: it has one version
    rows = inspection_sheet(obj) if doc.kind == "inspection" else None
    post_name = _post_field(doc)
    posts = [None]
    if post_name:
        posts = [p for _when, p in _versions(getattr(obj, post_name), POST_VERSIONS)]
    for since, version in _versions(obj, OWN_VERSIONS):
        for post in posts:
            if post_name:
                version = copy.copy(version)
                setattr(version, post_name, post)
            if _code_of(doc, version, rows) == code:
                return since, version
    return None, None


# ------------------------------------------------------------------ what became of it


def _current_pledge(pledge: Pledge) -> Pledge | None:
    """The amendment in force that replaced a superseded pledge (following the chain)."""
    current = pledge
    for _step in range(20):
        amendment = Pledge.objects.filter(amends=current).first()
        if amendment is None:
            break
        current = amendment
    if current.pk == pledge.pk or current.state != PledgeState.IN_FORCE:
        return None
    return current


def _current_certificate(c: QualificationCertificate) -> QualificationCertificate | None:
    """The valid certificate of whoever sits in the same kind of post in the village now."""
    post = (
        Post.objects.current()
        .filter(village=c.post.village_id, kind=c.post.kind, certificate__isnull=False)
        .exclude(pk=c.post_id)
        .first()
    )
    if post is None:
        return None
    return QualificationCertificate.objects.filter(post=post, state=CertificateState.VALID).first()


def _notices(doc: Document, obj) -> list[tuple[str, str]]:
    notices: list[tuple[str, str]] = []
    if doc.kind == "pledge":
        if obj.state == PledgeState.SUPERSEDED:
            current = _current_pledge(obj)
            text = _("This pledge was superseded by an amendment on %(d)s.") % {
                "d": _day(obj.closed_on)
            }
            url = ""
            if current is not None:
                current = DOCUMENTS["pledge"].rows().get(pk=current.pk)
                url = verify_url_of(doc, current)
                text += " " + _("The pledge in force now is version %(v)d.") % {
                    "v": current.version
                }
            notices.append((text, url))
        elif obj.state == PledgeState.CLOSED:
            notices.append(
                (_("This pledge ended with the term on %(d)s.") % {"d": _day(obj.closed_on)}, "")
            )
    elif doc.kind == "certificate":
        if obj.state != CertificateState.VALID:
            text = _("This certificate is %(state)s since %(d)s.") % {
                "state": obj.get_state_display(),
                "d": _day(obj.state_changed_on),
            }
            url = ""
            current = _current_certificate(obj) if obj.state != CertificateState.SUSPENDED else None
            if current is not None:
                current = DOCUMENTS["certificate"].rows().get(pk=current.pk)
                url = verify_url_of(doc, current)
                text += " " + _("The valid certificate of this post now is %(n)s.") % {
                    "n": current.number
                }
            notices.append((text, url))
    elif isinstance(obj, Hearing | Inspection):
        reopened = (
            RecordReopening.objects.filter(record_table=obj._meta.db_table, record_id=obj.pk)
            .order_by("-reopened_at")
            .first()
        )
        if reopened is not None:
            notices.append(
                (
                    _("This record was reopened for correction on %(d)s.")
                    % {"d": _day(timezone.localdate(reopened.reopened_at))},
                    "",
                )
            )
    return notices


# ------------------------------------------------------------------ differences


def _flat(content: dict) -> dict[tuple[str, str], str]:
    """The content as {(section, item): text}: a labelled value, or a table's numbered row."""
    flat: dict[tuple[str, str], str] = {}
    for section in content["sections"]:
        for label, value in section.get("rows", []):
            flat[(section["title"], label)] = value
        for n, row in enumerate(section.get("table", []), 1):
            flat[(section["title"], _("row %(n)d") % {"n": n})] = " · ".join(v for v in row if v)
    return flat


def differences(printed: dict, now: dict) -> list[dict]:
    """What differs between the printed version's public content and the record's now."""
    old, new = _flat(printed), _flat(now)
    keys = list(old) + [k for k in new if k not in old]
    return [
        {"section": s, "item": i, "printed": old.get((s, i), ""), "now": new.get((s, i), "")}
        for s, i in keys
        if old.get((s, i), "") != new.get((s, i), "")
    ]


# ------------------------------------------------------------------ the answer


def verify_document(doc: Document, pk: int, code: str) -> Verification:
    """Check a printed copy's code against the record `pk` of `doc`'s kind (unscoped on
    purpose: what leaves here is the public projection, and only for a genuine code)."""
    answer = Verification(doc=doc, code=code)
    obj = doc.rows().filter(pk=pk).first()
    if obj is None:
        return answer
    current = check_code(doc, obj)
    printed = obj
    if current != code:
        since, printed = _earlier_version(doc, obj, code)
        if printed is None:
            return answer
        answer.earlier_since = since
    answer.record = obj
    answer.current_code = current
    answer.matches = current == code
    answer.printed_draft = doc.is_draft(printed)
    answer.is_draft = doc.is_draft(obj)
    if answer.is_draft:
        # Not in force: the public sees that it is a draft, nothing of its text.
        return answer
    answer.content = public_content(doc, obj)
    answer.sha256 = content_hash(doc, obj)
    if not answer.matches:
        answer.differences = differences(public_content(doc, printed), answer.content)
    answer.notices = _notices(doc, obj)
    if not answer.matches:
        answer.notices.append(
            (
                _("The record changed after this copy was printed. Its current version:"),
                verify_url_of(doc, obj),
            )
        )
    return answer
