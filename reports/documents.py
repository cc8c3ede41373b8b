"""Printable documents: the certificate, the pledge, the handover record, the published
disclosure statement, the inspection record, the hearing minutes and the decision record
(四议两公开).

Each kind says which rows it prints, what its template needs, and its canonical content: the
JSON of the record's fields (or, for a disclosure, its frozen statement) that the check code on
the paper is taken from. The same record gives the same code until the record changes, so a
copy can be checked against the system at any time.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cadres.choices import PledgeState, PromiseAudience
from cadres.models import Pledge, QualificationCertificate
from core.masking import mask_id_number, mask_phone
from core.rates import format_percent, share
from ledgers.choices import DecisionState, HandoverState
from ledgers.models import Account, Decision, DecisionStep, Disclosure, Handover
from ledgers.quorum import minimum_present, rule_for
from ledgers.selectors import statement_display
from ledgers.services import book_amount, canonical_statement
from supervision.choices import RecordState
from supervision.models import Hearing, HearingQuestion, Inspection, PromiseRedemption
from supervision.periods import Period
from supervision.selectors import inspection_sheet
from villages.templatetags.cunjian import yuan

from .pdf import qr_svg, short_hash

__all__ = [
    "DOCUMENTS",
    "Document",
    "canonical_bytes",
    "check_code",
    "content_hash",
    "document_context",
    "public_content",
]


def canonical_bytes(data: Any) -> bytes:
    """JSON with sorted keys and no spaces; dates, decimals and lazy strings as text."""
    return json.dumps(
        data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    ).encode()


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _dec(value) -> str | None:
    return None if value is None else str(Decimal(value))


def _post(post) -> dict:
    return {
        "cadre": post.cadre.name,
        "kind": post.kind,
        "village": post.village.code,
        "start_date": _iso(post.start_date),
        "term_ends": _iso(post.term_ends),
        "end_date": _iso(post.end_date),
    }


def _places(village) -> dict:
    """The village, its township and county, as printed in every document's head."""
    township = village.township
    return {
        "village": village,
        "township": township,
        "county": township.parent if township else None,
    }


# ------------------------------------------------------------------ qualification certificate


def certificate_content(c: QualificationCertificate) -> dict:
    return {
        "number": c.number,
        "post": _post(c.post),
        "issued_on": _iso(c.issued_on),
        "state": c.state,
        "state_changed_on": _iso(c.state_changed_on),
        "state_reason": c.state_reason,
    }


def certificate_context(c: QualificationCertificate) -> dict:
    return {"certificate": c, "post": c.post, "cadre": c.post.cadre, **_places(c.post.village)}


# ------------------------------------------------------------------ pledge


def _promise(p) -> dict:
    return {
        "position": p.position,
        "audience": p.audience,
        "category": p.category,
        "text": p.text,
        "target": p.target,
        "due_date": _iso(p.due_date),
    }


def pledge_content(p: Pledge) -> dict:
    return {
        "post": _post(p.post),
        "version": p.version,
        "amends": p.amends_id,
        "state": p.state,
        "drafted_on": _iso(p.drafted_on),
        "promises": [_promise(x) for x in p.promises.all()],
        "clauses": p.clauses,
        "cadre_signed_on": _iso(p.cadre_signed_on),
        "party_countersigner": p.party_countersigner,
        "party_countersigned_on": _iso(p.party_countersigned_on),
        "government_countersigner": p.government_countersigner,
        "government_countersigned_on": _iso(p.government_countersigned_on),
        "in_force_on": _iso(p.in_force_on),
        "closed_on": _iso(p.closed_on),
    }


def pledge_context(p: Pledge) -> dict:
    promises = list(p.promises.all())
    return {
        "pledge": p,
        "post": p.post,
        "cadre": p.post.cadre,
        "to_villagers": [x for x in promises if x.audience == PromiseAudience.VILLAGERS],
        "to_organization": [x for x in promises if x.audience == PromiseAudience.ORGANIZATION],
        "signatures": [
            (_("Cadre (signature)"), p.post.cadre.name, p.cadre_signed_on),
            (_("Township party committee"), p.party_countersigner, p.party_countersigned_on),
            (_("Township government"), p.government_countersigner, p.government_countersigned_on),
        ],
        **_places(p.post.village),
    }


# ------------------------------------------------------------------ handover


def handover_content(h: Handover) -> dict:
    return {
        "village": h.village.code,
        "ended_post": _post(h.ended_post),
        "incoming": h.incoming.name if h.incoming else None,
        "as_of": _iso(h.as_of),
        "state": h.state,
        "book_balances": h.book_balances,
        "cash_counted": _dec(h.cash_counted),
        "bank_counted": _dec(h.bank_counted),
        "differences": h.differences,
        "documents": h.documents,
        "outgoing_signed_on": _iso(h.outgoing_signed_on),
        "incoming_signed_on": _iso(h.incoming_signed_on),
        "supervisor": h.supervisor,
        "supervisor_signed_on": _iso(h.supervisor_signed_on),
    }


def handover_context(h: Handover) -> dict:
    balances = h.book_balances or {}
    accounts = balances.get("accounts") or {}
    names = dict(
        Account.objects.usable_in(h.area_code[:6])
        .filter(code__in=list(accounts))
        .values_list("code", "name")
    )
    book_cash, book_bank = book_amount(balances, "101"), book_amount(balances, "102")
    return {
        "handover": h,
        "accounts": [
            (code, names.get(code, ""), Decimal(v)) for code, v in sorted(accounts.items())
        ],
        "assets": balances.get("assets") or {},
        "resources": balances.get("resources") or {},
        "count_rows": [
            (_("Cash"), book_cash, h.cash_counted, h.cash_counted - book_cash),
            (_("Bank"), book_bank, h.bank_counted, h.bank_counted - book_bank),
        ],
        "documents": [line.strip() for line in h.documents.splitlines() if line.strip()],
        "signatures": [
            (_("Outgoing cadre"), h.ended_post.cadre.name, h.outgoing_signed_on),
            (_("Incoming cadre"), h.incoming.name if h.incoming else "", h.incoming_signed_on),
            (_("Township supervisor"), h.supervisor, h.supervisor_signed_on),
        ],
        **_places(h.village),
    }


# ------------------------------------------------------------------ disclosure statement


def disclosure_content(d: Disclosure) -> bytes:
    """The very bytes the published SHA-256 is taken of: the check code is its first 12 digits."""
    return canonical_statement(d.content)


def disclosure_context(d: Disclosure) -> dict:
    return {"disclosure": d, "s": statement_display(d.content), **_places(d.village)}


# ------------------------------------------------------------------ inspection record


def inspection_content(i: Inspection, rows=None) -> dict:
    rows = inspection_sheet(i) if rows is None else rows
    return {
        "village": i.village.code,
        "period": i.period,
        "checklist": {"name": i.template.name, "version": i.template.version},
        "date": _iso(i.date),
        "summary": i.summary,
        "total_score": _dec(i.total_score),
        "state": i.state,
        "scores": [
            [
                r.item.position,
                r.item.section,
                r.item.text,
                _dec(r.item.weight),
                _dec(r.score),
                r.note,
            ]
            for r in rows
        ],
        "participants": [[p.name, p.kind, p.organization] for p in i.participants.all()],
        "findings": [
            [f.description, f.category, f.severity, f.owner_name, _iso(f.deadline)]
            for f in i.findings.all()
        ],
        "completed_at": _iso(i.completed_at),
    }


def inspection_context(i: Inspection) -> dict:
    rows = inspection_sheet(i)
    return {
        "inspection": i,
        "period_label": Period.parse(i.period).label(),
        "rows": rows,
        "points": sum(r.score for r in rows if r.score is not None),
        "total_weight": sum(r.item.weight for r in rows),
        "participants": list(i.participants.all()),
        "findings": list(i.findings.all()),
        **_places(i.village),
    }


# ------------------------------------------------------------------ hearing minutes


def hearing_content(h: Hearing) -> dict:
    return {
        "village": h.village.code,
        "period": h.period,
        "date": _iso(h.date),
        "place": h.place,
        "present": [h.party_members_present, h.representatives_present, h.others_present],
        "agenda": h.agenda,
        "follow_ups": h.follow_ups,
        "state": h.state,
        "questions": [
            {
                "asker": q.asker_name,
                "asker_kind": q.asker_kind,
                "category": q.category,
                "question": q.question,
                "answered_by": q.answered_by.name if q.answered_by else None,
                "answer": q.answer,
                "satisfied": q.satisfied,
                "follow_up": q.follow_up,
            }
            for q in h.questions.all()
        ],
        "completed_at": _iso(h.completed_at),
    }


def hearing_context(h: Hearing) -> dict:
    questions = list(h.questions.all())
    satisfied = sum(1 for q in questions if q.satisfied)
    return {
        "hearing": h,
        "period_label": Period.parse(h.period).label(),
        "questions": questions,
        "satisfied": satisfied,
        "satisfaction": format_percent(share(satisfied, len(questions))),
        **_places(h.village),
    }


# ------------------------------------------------------------------ public projection
# What a villager holding a printout may read of it on the verification page (issue #20): a
# whitelist per kind, as sections of labelled text. Names and posts, promises, figures, dates;
# never an ID number, a phone, a birth date or an address, and never the name of a villager who
# asked a question. Free text typed by staff is scanned too: an ID number or a mobile number in
# it is masked.

#: an 18-character resident ID number, and a mainland mobile number, standing alone
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")


def public_text(value) -> str:
    """Free text for the public: an ID number or a mobile number in it masked."""
    text = "" if value is None else str(value)
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text)
    return _MOBILE.sub(lambda m: mask_phone(m.group()), text)


def _day(value) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def _rows(title, rows) -> dict:
    """A section of labelled values (empty values left out)."""
    return {
        "title": str(title),
        "rows": [
            [str(label), public_text(value)] for label, value in rows if value not in ("", None)
        ],
    }


def _table(title, columns, rows) -> dict:
    """A section of a table: its column names and its rows of text."""
    return {
        "title": str(title),
        "columns": [str(c) for c in columns],
        "table": [[public_text(v) for v in row] for row in rows],
    }


def _post_rows(post) -> list:
    return [
        (pgettext_lazy("printout", "Name"), post.cadre.name),
        (_("Post"), post.get_kind_display()),
        (_("Term from"), _day(post.start_date)),
        (_("Term to"), _day(post.term_ends)),
        (_("Post ended on"), _day(post.end_date)),
    ]


def certificate_public(c: QualificationCertificate) -> list[dict]:
    return [
        _rows(
            _("Certificate"),
            [
                (_("Certificate number"), c.number),
                (_("Issued on"), _day(c.issued_on)),
                (_("State"), c.get_state_display()),
                (_("State changed on"), _day(c.state_changed_on)),
            ],
        ),
        _rows(_("Holder"), _post_rows(c.post)),
    ]


def _redemptions(promises) -> dict[int, list[str]]:
    """Each promise's yearly redemptions before the villagers, newest first (one query)."""
    found: dict[int, list[str]] = {p.pk: [] for p in promises}
    for r in (
        PromiseRedemption.objects.filter(
            promise__in=list(found), redemption__state=RecordState.COMPLETED
        )
        .select_related("redemption")
        .only("promise", "result", "appraisal", "redemption__period", "redemption__date")
        .order_by("-redemption__period", "pk")
    ):
        found[r.promise_id].append(
            _("%(year)s: %(result)s (villagers' appraisal: %(appraisal)s)")
            % {
                "year": r.redemption.period,
                "result": r.get_result_display(),
                "appraisal": r.get_appraisal_display(),
            }
        )
    return found


def pledge_public(p: Pledge) -> list[dict]:
    promises = list(p.promises.all())
    redeemed = _redemptions(promises)
    return [
        _rows(
            _("Pledge"),
            [
                (_("Version"), p.version),
                (_("State"), p.get_state_display()),
                (_("Signed by the cadre on"), _day(p.cadre_signed_on)),
                (_("Countersigned by the township party committee"), p.party_countersigner),
                (_("Party committee countersigned on"), _day(p.party_countersigned_on)),
                (_("Countersigned by the township government"), p.government_countersigner),
                (_("Government countersigned on"), _day(p.government_countersigned_on)),
                (_("In force since"), _day(p.in_force_on)),
                (pgettext_lazy("printout", "Ended on"), _day(p.closed_on)),
            ],
        ),
        _rows(_("Cadre"), _post_rows(p.post)),
        _table(
            _("Promises and their yearly redemption"),
            [
                pgettext_lazy("printout", "No."),
                _("To whom"),
                _("Promise"),
                _("Target"),
                pgettext_lazy("printout", "Due"),
                pgettext_lazy("printout", "Redemption"),
            ],
            [
                [
                    x.position,
                    x.get_audience_display(),
                    x.text,
                    x.target,
                    _day(x.due_date),
                    "；".join(redeemed[x.pk]) or _("Not yet redeemed before the villagers."),
                ]
                for x in promises
            ],
        ),
        _table(_("Clauses"), [_("Clause")], [[c] for c in p.clauses or []]),
    ]


def handover_public(h: Handover) -> list[dict]:
    ctx = handover_context(h)
    return [
        _rows(
            _("Handover"),
            [
                (_("Outgoing cadre"), h.ended_post.cadre.name),
                (_("Post"), h.ended_post.get_kind_display()),
                (_("Incoming cadre"), h.incoming.name if h.incoming else ""),
                (_("As of"), _day(h.as_of)),
                (_("State"), h.get_state_display()),
                (_("Collective assets"), ctx["assets"].get("count")),
                (_("Value of the assets"), yuan(ctx["assets"].get("value"))),
                (_("Resources"), ctx["resources"].get("count")),
                (_("Area of the resources (mu)"), ctx["resources"].get("area_mu")),
                (_("Differences"), h.differences),
            ],
        ),
        _table(
            _("Cash and bank counted"),
            [pgettext_lazy("printout", "Item"), _("Book balance"), _("Counted"), _("Difference")],
            [[n, yuan(b), yuan(c), yuan(d)] for n, b, c, d in ctx["count_rows"]],
        ),
        _table(
            _("Account balances"),
            [pgettext_lazy("printout", "Account"), pgettext_lazy("printout", "Name"), _("Balance")],
            [[code, name, yuan(v)] for code, name, v in ctx["accounts"]],
        ),
        _table(_("Documents handed over"), [_("Document")], [[d] for d in ctx["documents"]]),
        _table(
            _("Signatures"),
            [_("Who"), pgettext_lazy("printout", "Name"), _("Signed on")],
            [[who, name, _day(on)] for who, name, on in ctx["signatures"]],
        ),
    ]


def disclosure_public(d: Disclosure) -> list[dict]:
    s = d.content or {}
    totals = s.get("totals") or {}
    head = s.get("chain_head") or {}
    period = s.get("period") or {}
    return [
        _rows(
            _("Statement"),
            [
                (_("Period"), d.title),
                (_("From"), period.get("start")),
                (_("To"), period.get("end")),
                (_("Published on"), _day(d.published_at)),
                (_("Income"), yuan(totals.get("income"))),
                (_("Expense"), yuan(totals.get("expense"))),
                (_("Net"), yuan(totals.get("net"))),
                (_("SHA-256 of the published statement"), d.sha256),
                (_("Chain head: voucher"), head.get("seq")),
                (_("Chain head: hash"), head.get("hash")),
            ],
        ),
        _table(
            _("Balances"),
            [
                pgettext_lazy("printout", "Account"),
                pgettext_lazy("printout", "Name"),
                _("Opening"),
                _("Debit"),
                _("Credit"),
                _("Closing"),
            ],
            [
                [
                    b.get("code"),
                    b.get("name"),
                    yuan(b.get("opening")),
                    yuan(b.get("debit")),
                    yuan(b.get("credit")),
                    yuan(b.get("closing")),
                ]
                for b in s.get("balances") or []
            ],
        ),
        _table(
            _("Large items"),
            [_("Voucher"), _("Date"), _("Summary"), _("Amount")],
            [
                [v.get("number"), v.get("date"), v.get("summary"), yuan(v.get("amount"))]
                for v in (s.get("large_items") or {}).get("vouchers") or []
            ],
        ),
    ]


def inspection_public(i: Inspection, rows=None) -> list[dict]:
    rows = inspection_sheet(i) if rows is None else rows
    return [
        _rows(
            _("Inspection"),
            [
                (_("Quarter"), Period.parse(i.period).label()),
                (_("Date of the inspection"), _day(i.date)),
                (_("Checklist"), f"{i.template.name} v{i.template.version}"),
                (_("Score"), _dec(i.total_score)),
                (_("State"), i.get_state_display()),
                (_("Summary"), i.summary),
            ],
        ),
        _table(
            _("Scores"),
            [
                pgettext_lazy("printout", "No."),
                pgettext_lazy("printout", "Item"),
                _("Weight"),
                _("Score"),
                _("Note"),
            ],
            [
                [r.item.position, r.item.text, _dec(r.item.weight), _dec(r.score), r.note]
                for r in rows
            ],
        ),
        _table(
            _("Findings"),
            [_("What the inspection found"), _("Category"), _("Severity"), _("Deadline")],
            [
                [
                    f.description,
                    f.get_category_display(),
                    f.get_severity_display(),
                    _day(f.deadline),
                ]
                for f in i.findings.all()
            ],
        ),
        _table(
            _("Participants"),
            [pgettext_lazy("printout", "Name"), _("Taking part as"), _("Organization or post")],
            [[p.name, p.get_kind_display(), p.organization] for p in i.participants.all()],
        ),
    ]


def hearing_public(h: Hearing) -> list[dict]:
    questions = list(h.questions.all())
    satisfied = sum(1 for q in questions if q.satisfied)
    return [
        _rows(
            _("Hearing"),
            [
                (_("Quarter"), Period.parse(h.period).label()),
                (_("Date of the hearing"), _day(h.date)),
                (_("Place"), h.place),
                (_("Party members present"), h.party_members_present),
                (_("Villager representatives present"), h.representatives_present),
                (_("Others present"), h.others_present),
                (_("Agenda"), h.agenda),
                (_("Follow-ups agreed"), h.follow_ups),
                (_("State"), h.get_state_display()),
                (_("Askers satisfied"), format_percent(share(satisfied, len(questions)))),
            ],
        ),
        # The asker is a party member, a representative or a villager: never named in public.
        _table(
            _("Questions and answers"),
            [
                _("Asker is a"),
                _("Category"),
                _("Question"),
                _("Answered by"),
                _("Answer"),
                _("Asker satisfied"),
                _("Follow-up"),
            ],
            [
                [
                    q.get_asker_kind_display(),
                    q.get_category_display(),
                    q.question,
                    q.answered_by.name if q.answered_by else "",
                    q.answer,
                    _("Yes") if q.satisfied else _("No"),
                    q.follow_up,
                ]
                for q in questions
            ],
        ),
    ]


def decision_public(d: Decision) -> list[dict]:
    steps = list(d.steps.all())
    return [
        _rows(
            _("Decision record (四议两公开)"),
            [
                (_("Subject"), d.subject),
                (_("Kind of matter"), d.get_kind_display()),
                (_("Amount"), yuan(d.amount)),
                (_("Particulars of the matter"), d.description),
                (_("state"), d.get_state_display()),
            ],
        ),
        # Attendance and votes are counts; the minutes are staff's text, scanned by public_text.
        _table(
            _("Four steps (四议)"),
            [
                _("Step"),
                _("Date of the meeting"),
                _("Attendance"),
                _("Votes"),
                _("Passed or not"),
                _("Minutes"),
            ],
            [
                [
                    s.get_kind_display(),
                    _day(s.held_on),
                    f"{s.present} / {s.entitled}",
                    f"{s.votes_for} / {s.votes_against} / {s.votes_abstain}",
                    _("passed")
                    if s.passed
                    else (_("not quorate") if not s.quorate else _("not passed")),
                    s.minutes,
                ]
                for s in steps
            ],
        ),
        _rows(
            _("Made public (两公开)"),
            [
                (_("Resolution made public on"), _day(d.resolution_published_on)),
                (_("Resolution as made public"), d.resolution_text),
                (_("Implementation completed on"), _day(d.implemented_on)),
                (_("Result made public on"), _day(d.result_published_on)),
                (_("Result of the implementation"), d.result_text),
            ],
        ),
    ]


def _village_of(obj):
    if isinstance(obj, QualificationCertificate | Pledge):
        return obj.post.village
    return obj.village


def public_content(doc: Document, obj) -> dict:
    """The public projection of a printed document: its places by name and its sections."""
    places = _places(_village_of(obj))
    return {
        "kind": doc.kind,
        "title": str(doc.title),
        "county": places["county"].name if places["county"] else "",
        "township": places["township"].name if places["township"] else "",
        "village": places["village"].name,
        "sections": [s for s in doc.public(obj) if s.get("rows") or s.get("table")],
    }


# ------------------------------------------------------------------ decision record (四议两公开)


def decision_content(d: Decision) -> dict:
    return {
        "village": d.village.code,
        "number": d.display_number,
        "subject": d.subject,
        "kind": d.kind,
        "amount": _dec(d.amount),
        "description": d.description,
        "attachments": d.attachments,
        "state": d.state,
        "steps": [
            {
                "kind": s.kind,
                "assembly": s.assembly,
                "held_on": _iso(s.held_on),
                "entitled": s.entitled,
                "present": s.present,
                "votes": [s.votes_for, s.votes_against, s.votes_abstain],
                "quorate": s.quorate,
                "passed": s.passed,
                "minutes": s.minutes,
            }
            for s in d.steps.all()
        ],
        "resolution_published_on": _iso(d.resolution_published_on),
        "resolution_text": d.resolution_text,
        "implemented_on": _iso(d.implemented_on),
        "result_published_on": _iso(d.result_published_on),
        "result_text": d.result_text,
    }


def decision_context(d: Decision) -> dict:
    steps = list(d.steps.all())
    for s in steps:
        s.needed = minimum_present(rule_for(s.kind, s.assembly), s.entitled)
    return {"decision": d, "steps": steps, **_places(d.village)}


# Before the fourth step has passed the record is not final: printed, it is marked 草稿.
_DECISION_UNFINISHED = {
    DecisionState.DRAFTED,
    DecisionState.PROPOSED,
    DecisionState.DISCUSSED,
    DecisionState.REVIEWED,
}


# ------------------------------------------------------------------ the kinds


@dataclass(frozen=True)
class Document:
    """One kind of printed document: its rows, its template, its content and its marks."""

    kind: str
    title: Any
    model: type
    template: str
    queryset: Callable[[], Any]
    content: Callable[[Any], Any]
    context: Callable[[Any], dict]
    is_draft: Callable[[Any], bool]
    filename: Callable[[Any], str]
    #: the public projection: sections of what anyone holding the printout may read
    public: Callable[[Any], list[dict]]

    def rows(self):
        """The unscoped rows that may be printed, with their joins; callers scope them."""
        return self.queryset()


def _certificates():
    return QualificationCertificate.objects.select_related(
        "post__cadre", "post__village__township__parent"
    )


def _pledges():
    return Pledge.objects.select_related(
        "post__cadre", "post__village__township__parent"
    ).prefetch_related("promises")


def _handovers():
    return Handover.objects.select_related(
        "village__township__parent", "ended_post__cadre", "ended_post__village", "incoming"
    )


def _disclosures():
    # Only a published statement is a public document; drafts are not printed at all.
    return Disclosure.objects.published().select_related("village__township__parent")


def _inspections():
    return Inspection.objects.select_related(
        "village__township__parent", "template"
    ).prefetch_related("participants", "findings")


def _hearings():
    return Hearing.objects.select_related("village__township__parent").prefetch_related(
        Prefetch(
            "questions",
            queryset=HearingQuestion.objects.select_related("answered_by").order_by("pk"),
        )
    )


def _decisions():
    return Decision.objects.select_related("village__township__parent").prefetch_related(
        Prefetch("steps", queryset=DecisionStep.objects.order_by("held_on", "pk"))
    )


DOCUMENTS: dict[str, Document] = {
    d.kind: d
    for d in [
        Document(
            kind="certificate",
            title=_("qualification certificate"),
            model=QualificationCertificate,
            template="reports/documents/certificate.html",
            queryset=_certificates,
            content=certificate_content,
            context=certificate_context,
            public=certificate_public,
            is_draft=lambda c: False,
            filename=lambda c: f"certificate-{c.number}.pdf",
        ),
        Document(
            kind="pledge",
            title=_("Pledge on taking office"),
            model=Pledge,
            template="reports/documents/pledge.html",
            queryset=_pledges,
            content=pledge_content,
            context=pledge_context,
            public=pledge_public,
            is_draft=lambda p: p.state == PledgeState.DRAFT,
            filename=lambda p: f"pledge-{p.post.village.code}-{p.pk}-v{p.version}.pdf",
        ),
        Document(
            kind="handover",
            title=_("Handover record"),
            model=Handover,
            template="reports/documents/handover.html",
            queryset=_handovers,
            content=handover_content,
            context=handover_context,
            public=handover_public,
            is_draft=lambda h: h.state == HandoverState.DRAFT,
            filename=lambda h: f"handover-{h.village.code}-{h.as_of:%Y%m%d}.pdf",
        ),
        Document(
            kind="disclosure",
            title=_("Periodic disclosure statement"),
            model=Disclosure,
            template="reports/documents/disclosure.html",
            queryset=_disclosures,
            content=disclosure_content,
            context=disclosure_context,
            public=disclosure_public,
            is_draft=lambda d: False,
            filename=lambda d: f"disclosure-{d.village.code}-{d.year}-{d.kind}{d.number}.pdf",
        ),
        Document(
            kind="inspection",
            title=_("Inspection record"),
            model=Inspection,
            template="reports/documents/inspection.html",
            queryset=_inspections,
            content=inspection_content,
            context=inspection_context,
            public=inspection_public,
            is_draft=lambda i: i.state == RecordState.DRAFT,
            filename=lambda i: f"inspection-{i.village.code}-{i.period}.pdf",
        ),
        Document(
            kind="hearing",
            title=_("Hearing minutes"),
            model=Hearing,
            template="reports/documents/hearing.html",
            queryset=_hearings,
            content=hearing_content,
            context=hearing_context,
            public=hearing_public,
            is_draft=lambda h: h.state == RecordState.DRAFT,
            filename=lambda h: f"hearing-{h.village.code}-{h.period}.pdf",
        ),
        Document(
            kind="decision",
            title=_("Decision record (四议两公开)"),
            model=Decision,
            template="reports/documents/decision.html",
            queryset=_decisions,
            content=decision_content,
            context=decision_context,
            public=decision_public,
            is_draft=lambda d: d.state in _DECISION_UNFINISHED,
            filename=lambda d: f"decision-{d.village.code}-{d.year}-{d.number:03d}.pdf",
        ),
    ]
}


def _hashed_bytes(doc: Document, obj) -> bytes:
    content = doc.content(obj)
    if isinstance(content, bytes):
        return content  # a disclosure: the bytes of its published SHA-256
    return canonical_bytes({"kind": doc.kind, "pk": obj.pk, "content": content})


def check_code(doc: Document, obj) -> str:
    """The short code printed on the document: the hash of its canonical content, tied to the
    kind and the row so two records with equal fields never share a code."""
    return short_hash(_hashed_bytes(doc, obj))


def content_hash(doc: Document, obj) -> str:
    """The full SHA-256 (hex) the check code is the first 12 digits of."""
    return hashlib.sha256(_hashed_bytes(doc, obj)).hexdigest()


def verify_url(request, doc: Document, obj, code: str) -> str:
    """Where the QR code leads: a disclosure's public page, else this app's verification page."""
    if doc.kind == "disclosure":
        path = reverse("public:statement", args=[obj.pk])
    else:
        path = reverse("reports:verify", args=[doc.kind, obj.pk, code])
    return request.build_absolute_uri(path)


def record_url(obj) -> str:
    """The record's page in its own app."""
    if isinstance(obj, Handover):
        return reverse("ledgers:handover-detail", args=[obj.pk])
    if isinstance(obj, Inspection):
        return reverse("supervision:inspection-detail", args=[obj.pk])
    if isinstance(obj, Hearing):
        return reverse("supervision:hearing-detail", args=[obj.pk])
    return obj.get_absolute_url()


def document_context(request, doc: Document, obj) -> dict:
    """Everything the document's template needs, with the verification block's QR and code."""
    code = check_code(doc, obj)
    url = verify_url(request, doc, obj, code)
    return {
        **doc.context(obj),
        "document": doc,
        "doc_title": doc.title,
        "is_draft": doc.is_draft(obj),
        "object": obj,
        "verify_code": code,
        "verify_url": url,
        "verify_qr": qr_svg(url),
    }
