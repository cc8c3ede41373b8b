"""Writes of the cadres app: people, posts and term changes, certificates, pledges, 劝辞.

Every state change is an explicit service with its allowed transitions checked here, and every
service refuses an actor who may not change the village (township staff and county supervisors).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import NotRequired, TypedDict

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _

from core.public_cache import public_changed
from core.rights import Right, require, scope_for
from core.types import Actor
from core.validators import check_not_before, check_reason
from villages.models import Region, Village
from villages.signals import bulk_written

from .choices import (
    CERTIFIED_POSTS,
    CHAIR_SEAT,
    DEFAULT_CLAUSES,
    RESERVE_POSTS,
    SECRETARY_SEAT,
    AdviceOutcome,
    AdviceState,
    CertificateState,
    EndReason,
    PledgeState,
    PostKind,
)
from .identity import (
    birth_date_of,
    id_number_hash,
    is_male,
    normalize_id_number,
    validate_id_number,
)
from .models import (
    TERM_YEARS,
    Cadre,
    Pledge,
    PledgeClause,
    Post,
    Promise,
    QualificationCertificate,
    ReserveCadre,
    ResignationAdvice,
    TermChange,
    Training,
)

logger = logging.getLogger(__name__)

CADRE_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "id_number",
    "phone",
    "is_party_member",
    "party_joined_on",
    "education",
    "notes",
)
PROMISE_FIELDS = ("audience", "category", "text", "target", "due_date")


class PersonalData(TypedDict):
    """A cadre's full ID number and phone, as revealed to staff who may see them."""

    id_number: str
    phone: str


class NewPost(TypedDict):
    """One elected post of a term change, as the form and the API give it."""

    cadre: Cadre
    kind: str
    term_ends: NotRequired[dt.date | None]


class PromiseInput(TypedDict):
    """One promise of a pledge, as the form and the API give it (the `PROMISE_FIELDS`)."""

    audience: str
    category: str
    text: str
    target: str
    due_date: dt.date


#: the models whose `state` moves through `_transition`
_Stateful = QualificationCertificate | Pledge | ResignationAdvice


def _transition(obj: _Stateful, allowed_from: Iterable[str], message: str) -> None:
    """Refuse a state change from any state outside `allowed_from`."""
    if obj.state not in set(allowed_from):
        raise ValidationError(message % {"state": obj.get_state_display()})


# ------------------------------------------------------------------ people


def _prepare_identity(cadre: Cadre) -> None:
    """Normalize the ID number, derive birth date and gender from it, refuse contradictions."""
    validate_id_number(cadre.id_number)
    cadre.id_number = normalize_id_number(cadre.id_number)
    born = birth_date_of(cadre.id_number)
    if cadre.birth_date is None:
        cadre.birth_date = born
    elif cadre.birth_date != born:
        raise ValidationError(
            {
                "birth_date": _("The birth date differs from the one in the ID number (%(d)s).")
                % {"d": born.isoformat()}
            }
        )
    gender = "male" if is_male(cadre.id_number) else "female"
    if not cadre.gender:
        cadre.gender = gender
    elif cadre.gender != gender:
        raise ValidationError({"gender": _("The gender differs from the one in the ID number.")})
    if cadre.party_joined_on and not cadre.is_party_member:
        raise ValidationError(
            {"party_joined_on": _("Only a party member has a date of joining the party.")}
        )
    cadre.id_number_hash = id_number_hash(cadre.id_number)
    registered = (
        Cadre.objects.filter(id_number_hash=cadre.id_number_hash)
        .exclude(pk=cadre.pk)
        .select_related("village")
        .first()
    )
    if registered is not None:
        raise _DuplicateIdNumber(registered)


class _DuplicateIdNumber(Exception):
    """The ID number belongs to `registered`: answered by `_refuse_duplicate`, outside the
    service's transaction so that the attempt's log entry stays."""

    def __init__(self, registered: Cadre):
        self.registered = registered
        super().__init__(registered.pk)


def _refuse_duplicate(actor: Actor, registered: Cadre, area_code: str) -> ValidationError:
    """Log an attempt to register a registered person's ID number and say what to do.

    Inside the actor's scope the answer names the record. Outside it, it says neither whether
    nor where the person is registered (an ID number typed in must not locate a person in
    another county): the county organization department, which sees every county's record and
    the logged attempt, resolves it.
    """
    with transaction.atomic(), pghistory.context(user=actor.pk, attempted_in=area_code):
        # In the registered person's change log, which their county sees.
        pghistory.create_event(registered, label="duplicate_id_number")
    logger.warning(
        "duplicate ID number: user %s tried to register in %s the ID number of cadre %s (%s)",
        actor.pk,
        area_code,
        registered.pk,
        registered.area_code,
    )
    if scope_for(actor).allows(Right.SEE, registered.area_code):
        message = _("A cadre with this ID number is already registered: %(name)s, %(village)s.") % {
            "name": registered.name,
            "village": registered.village.name,
        }
    else:
        message = _(
            "This ID number cannot be registered here. Please contact the county organization "
            "department."
        )
    return ValidationError({"id_number": message})


def cadre_create(
    *, actor: Actor, village: Village, name: str, id_number: str, **fields: object
) -> Cadre:
    """Register a person in a village the actor manages."""
    require(actor, Right.EDIT, village.code)
    unknown = set(fields) - set(CADRE_FIELDS)
    if unknown:
        raise ValueError(f"not cadre fields: {sorted(unknown)}")
    cadre = Cadre(village=village, area_code=village.code, name=name, id_number=id_number)
    for field, value in fields.items():
        setattr(cadre, field, value)
    try:
        with transaction.atomic():
            _prepare_identity(cadre)
            cadre.full_clean()
            cadre.save()
    except _DuplicateIdNumber as duplicate:
        raise _refuse_duplicate(actor, duplicate.registered, village.code) from None
    return cadre


def cadre_update(*, actor: Actor, cadre: Cadre, **fields: object) -> Cadre:
    """Correct a person's data; a corrected ID number is validated and re-hashed."""
    require(actor, Right.EDIT, cadre.area_code)
    unknown = set(fields) - set(CADRE_FIELDS)
    if unknown:
        raise ValueError(f"not cadre fields: {sorted(unknown)}")
    changed = [f for f, v in fields.items() if getattr(cadre, f) != v]
    if not changed:
        return cadre
    for field in changed:
        setattr(cadre, field, fields[field])
    try:
        with transaction.atomic():
            _prepare_identity(cadre)
            cadre.full_clean()
            extra = ["id_number_hash"] if "id_number" in changed else []
            for derived in ("birth_date", "gender"):
                if derived not in changed:
                    extra.append(derived)
            cadre.save(update_fields=[*changed, *extra, "updated_at"])
    except _DuplicateIdNumber as duplicate:
        raise _refuse_duplicate(actor, duplicate.registered, cadre.area_code) from None
    public_changed(all_of=cadre.posts.values_list("area_code", flat=True))
    return cadre


def cadre_reveal_personal_data(*, actor: Actor, cadre: Cadre) -> PersonalData:
    """The full ID number and phone, for staff who may see them; every look is logged."""
    if not scope_for(actor).allows(Right.REVEAL, cadre.area_code):
        raise PermissionDenied(_("Your role may not see full ID numbers and phone numbers."))
    with pghistory.context(user=actor.pk):
        pghistory.create_event(cadre, label="personal_data_viewed")
    return {"id_number": cadre.id_number, "phone": cadre.phone}


# ------------------------------------------------------------------ posts and term changes


def _check_seat_is_free(village: Village, kind: str, exclude: Sequence[int] = ()) -> None:
    open_posts = Post.objects.filter(village=village, end_date__isnull=True).exclude(pk__in=exclude)
    for seat, label in (
        (SECRETARY_SEAT, _("party secretary")),
        (CHAIR_SEAT, _("chair")),
        ({PostKind.SUPERVISION_CHAIR}, _("chair of the supervision committee")),
    ):
        if kind in seat and open_posts.filter(kind__in=seat).exists():
            raise ValidationError(
                {
                    "kind": _("The village already has a sitting %(seat)s; end that post first.")
                    % {"seat": label}
                }
            )


def _open_post(
    *,
    village: Village,
    cadre: Cadre,
    kind: str,
    start_date: dt.date,
    term_ends: dt.date | None,
    notes: str = "",
    term_change: TermChange | None = None,
    closing: Sequence[int] = (),
) -> Post:
    if cadre.village_id != village.pk:
        still_open = cadre.posts.filter(end_date__isnull=True).exclude(pk__in=closing)
        if still_open.exists():
            raise ValidationError(
                {
                    "cadre": _(
                        "%(name)s still holds a post in another village; a person serves "
                        "one village at a time."
                    )
                    % {"name": cadre.name}
                }
            )
        # The person moves to this village: their record follows them.
        cadre.village = village
        cadre.area_code = village.code
        cadre.save(update_fields=["village", "area_code", "updated_at"])
    if cadre.posts.filter(end_date__isnull=True, kind=kind).exclude(pk__in=closing).exists():
        raise ValidationError(
            {"kind": _("%(name)s already holds this post.") % {"name": cadre.name}}
        )
    _check_seat_is_free(village, kind, exclude=closing)
    post = Post(
        village=village,
        cadre=cadre,
        kind=kind,
        start_date=start_date,
        term_ends=term_ends or _add_years(start_date, TERM_YEARS),
        notes=notes,
        opened_by_change=term_change,
        area_code=village.code,
    )
    post.full_clean()
    post.save()
    public_changed(post.area_code)
    return post


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def post_open(
    *,
    actor: Actor,
    village: Village,
    cadre: Cadre,
    kind: str,
    start_date: dt.date,
    term_ends: dt.date | None = None,
    notes: str = "",
) -> Post:
    """Appoint a cadre to a post outside a term change (a by-election, a new member)."""
    require(actor, Right.EDIT, village.code)
    Village.objects.select_for_update().filter(pk=village.pk).first()
    return _open_post(
        village=village,
        cadre=cadre,
        kind=kind,
        start_date=start_date,
        term_ends=term_ends,
        notes=notes,
    )


def _close_post(
    post: Post, *, end_date: dt.date, end_reason: str, term_change: TermChange | None = None
) -> Post:
    if post.end_date is not None:
        raise ValidationError(_("This post has already ended."))
    if end_date < post.start_date:
        raise ValidationError({"end_date": _("The end date is before the start date.")})
    if end_reason not in EndReason.values:
        raise ValidationError({"end_reason": _("Choose why the post ends.")})
    # The certificate expires on the end date, which cannot precede its issue.
    certificate = QualificationCertificate.objects.filter(post=post).first()
    if certificate is not None:
        check_not_before(
            end_date, certificate.issued_on, field="end_date", what=_("the certificate's issue")
        )
    post.end_date = end_date
    post.end_reason = end_reason
    post.closed_by_change = term_change
    post.full_clean()
    post.save(update_fields=["end_date", "end_reason", "closed_by_change"])
    # The certificate expires and the pledges close with the post.
    QualificationCertificate.objects.filter(
        post=post, state__in=[CertificateState.VALID, CertificateState.SUSPENDED]
    ).update(state=CertificateState.EXPIRED, state_changed_on=end_date)
    bulk_written.send(QualificationCertificate, area_codes=[post.area_code])
    Pledge.objects.filter(
        post=post, state__in=[PledgeState.DRAFT, PledgeState.SIGNED, PledgeState.IN_FORCE]
    ).update(state=PledgeState.CLOSED, closed_on=end_date)
    public_changed(post.area_code)
    return post


@transaction.atomic
def post_close(*, actor: Actor, post: Post, end_date: dt.date, end_reason: str) -> Post:
    """End a post (resignation, transfer, death, ...); its certificate and pledges end too."""
    require(actor, Right.EDIT, post.area_code)
    if end_reason == EndReason.ADVISED:
        raise ValidationError(
            {"end_reason": _("An advised resignation is recorded through its advice.")}
        )
    return _close_post(post, end_date=end_date, end_reason=end_reason)


@transaction.atomic
def term_change_record(
    *,
    actor: Actor,
    village: Village,
    held_on: dt.date,
    new_posts: Sequence[NewPost],
    notes: str = "",
) -> TermChange:
    """换届 in one step: close every sitting post (term ended) and open the elected ones."""
    require(actor, Right.EDIT, village.code)
    Village.objects.select_for_update().filter(pk=village.pk).first()
    if not new_posts:
        raise ValidationError(_("List at least one elected post."))
    kinds = [p["kind"] for p in new_posts]
    if sum(k in SECRETARY_SEAT for k in kinds) > 1 or sum(k in CHAIR_SEAT for k in kinds) > 1:
        raise ValidationError(_("The secretary's seat and the chair's seat have one holder each."))
    pairs = [(p["cadre"].pk, p["kind"]) for p in new_posts]
    if len(set(pairs)) != len(pairs):
        raise ValidationError(_("The same person is listed twice for the same post."))
    change = TermChange(
        village=village, held_on=held_on, notes=notes, recorded_by=actor, area_code=village.code
    )
    change.full_clean()
    change.save()
    sitting = list(Post.objects.filter(village=village, end_date__isnull=True))
    for post in sitting:
        if post.start_date > held_on:
            raise ValidationError(
                _("%(post)s started after the term change date.") % {"post": post}
            )
        _close_post(post, end_date=held_on, end_reason=EndReason.TERM_ENDED, term_change=change)
    closing = [p.pk for p in sitting]
    for item in new_posts:
        _open_post(
            village=village,
            cadre=item["cadre"],
            kind=item["kind"],
            start_date=held_on,
            term_ends=item.get("term_ends"),
            term_change=change,
            closing=closing,
        )
    return change


# ------------------------------------------------------------------ certificates


@transaction.atomic
def certificate_issue(*, actor: Actor, post: Post, issued_on: dt.date) -> QualificationCertificate:
    """Issue the qualification certificate of a sitting secretary or chair, numbered
    <county>-<year>-<sequence>; a post gets one certificate only."""
    require(actor, Right.EDIT, post.area_code)
    if post.kind not in CERTIFIED_POSTS:
        raise ValidationError(_("Only a party secretary or a chair receives a certificate."))
    if post.end_date is not None:
        raise ValidationError(_("This post has ended."))
    if QualificationCertificate.objects.filter(post=post).exists():
        raise ValidationError(_("A certificate has already been issued for this post."))
    check_not_before(issued_on, post.start_date, field="issued_on", what=_("the post's start"))
    county_code = post.area_code[:6]
    # Lock the county row: numbers are handed out one at a time per county.
    Region.objects.select_for_update().filter(code=county_code).first()
    year = issued_on.year
    last: int | None = QualificationCertificate.objects.filter(
        county_code=county_code, year=year
    ).aggregate(n=Max("sequence"))["n"]
    sequence = (last or 0) + 1
    certificate = QualificationCertificate(
        post=post,
        number=f"{county_code}-{year}-{sequence:04d}",
        county_code=county_code,
        year=year,
        sequence=sequence,
        issued_on=issued_on,
        area_code=post.area_code,
    )
    certificate.full_clean(exclude=["post"])
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError:
        raise ValidationError(_("A certificate has already been issued for this post.")) from None
    public_changed(certificate.area_code)
    return certificate


def _lock_in_place(record: QualificationCertificate | ResignationAdvice) -> None:
    """Lock the row for the rest of the transaction and bring the caller's object up to date, so
    two concurrent changes run one after the other and the second sees what the first did."""
    list(type(record).objects.select_for_update().filter(pk=record.pk).values_list("pk"))
    record.refresh_from_db()


def _change_certificate(
    certificate: QualificationCertificate,
    *,
    actor: Actor,
    to: str,
    allowed: Iterable[str],
    on: dt.date,
    reason: str,
) -> QualificationCertificate:
    require(actor, Right.EDIT, certificate.area_code)
    _lock_in_place(certificate)
    _transition(certificate, allowed, _("A certificate that is %(state)s cannot do this."))
    reason = check_reason(reason)
    # A certificate's life runs from its issue through its changes of state, in order.
    check_not_before(on, certificate.issued_on, field="on", what=_("the certificate's issue"))
    if certificate.state_changed_on:
        check_not_before(
            on, certificate.state_changed_on, field="on", what=_("the certificate's last change")
        )
    certificate.state = to
    certificate.state_changed_on = on
    certificate.state_reason = reason
    certificate.save(update_fields=["state", "state_changed_on", "state_reason"])
    public_changed(certificate.area_code)
    return certificate


@transaction.atomic
def certificate_suspend(
    *, actor: Actor, certificate: QualificationCertificate, on: dt.date, reason: str
) -> QualificationCertificate:
    """Suspend a valid certificate (e.g. a failed annual inspection)."""
    return _change_certificate(
        certificate,
        actor=actor,
        to=CertificateState.SUSPENDED,
        allowed=[CertificateState.VALID],
        on=on,
        reason=reason,
    )


@transaction.atomic
def certificate_reinstate(
    *, actor: Actor, certificate: QualificationCertificate, on: dt.date, reason: str
) -> QualificationCertificate:
    """Make a suspended certificate valid again."""
    return _change_certificate(
        certificate,
        actor=actor,
        to=CertificateState.VALID,
        allowed=[CertificateState.SUSPENDED],
        on=on,
        reason=reason,
    )


@transaction.atomic
def certificate_revoke(
    *, actor: Actor, certificate: QualificationCertificate, on: dt.date, reason: str
) -> QualificationCertificate:
    """Revoke a valid or suspended certificate for good."""
    return _change_certificate(
        certificate,
        actor=actor,
        to=CertificateState.REVOKED,
        allowed=[CertificateState.VALID, CertificateState.SUSPENDED],
        on=on,
        reason=reason,
    )


# ------------------------------------------------------------------ pledges


def standard_clauses(county_code: str) -> list[str]:
    """The county's standard clauses, or the built-in four, always in Chinese."""
    configured = list(
        PledgeClause.objects.filter(county__code=county_code).values_list("text", flat=True)
    )
    if configured:
        return configured
    with translation.override("zh-hans"):
        return [str(clause) for clause in DEFAULT_CLAUSES]


def _write_promises(pledge: Pledge, promises: Sequence[PromiseInput]) -> None:
    if not promises:
        raise ValidationError(_("A pledge needs at least one promise."))
    pledge.promises.all().delete()
    rows = []
    for position, data in enumerate(promises, start=1):
        unknown = set(data) - set(PROMISE_FIELDS)
        if unknown:
            raise ValueError(f"not promise fields: {sorted(unknown)}")
        promise = Promise(pledge=pledge, position=position, area_code=pledge.area_code, **data)
        promise.full_clean(exclude=["pledge"])
        rows.append(promise)
    Promise.objects.bulk_create(rows)


def _require_draft(pledge: Pledge) -> None:
    if pledge.state != PledgeState.DRAFT:
        raise ValidationError(
            _("The pledge was signed: its text is frozen. Draft an amendment instead.")
        )


@transaction.atomic
def pledge_draft(
    *, actor: Actor, post: Post, drafted_on: dt.date, promises: Sequence[PromiseInput]
) -> Pledge:
    """Draft the pledge of a sitting secretary or chair with its promises."""
    require(actor, Right.EDIT, post.area_code)
    if post.kind not in CERTIFIED_POSTS:
        raise ValidationError(_("Only a party secretary or a chair signs a pledge."))
    if post.end_date is not None:
        raise ValidationError(_("This post has ended."))
    if post.pledges.exists():
        raise ValidationError(_("This post already has a pledge; change it through an amendment."))
    pledge = Pledge(
        post=post,
        version=1,
        drafted_on=drafted_on,
        clauses=standard_clauses(post.area_code[:6]),
        area_code=post.area_code,
    )
    pledge.full_clean()
    pledge.save()
    _write_promises(pledge, promises)
    return pledge


@transaction.atomic
def pledge_update_draft(
    *, actor: Actor, pledge: Pledge, promises: Sequence[PromiseInput]
) -> Pledge:
    """Replace the promises of a draft; refused from the first signature on."""
    require(actor, Right.EDIT, pledge.area_code)
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    _require_draft(pledge)
    _write_promises(pledge, promises)
    return pledge


@transaction.atomic
def pledge_sign(*, actor: Actor, pledge: Pledge, signed_on: dt.date) -> Pledge:
    """Record the cadre's signature: from now on the text is frozen."""
    require(actor, Right.EDIT, pledge.area_code)
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    _transition(pledge, [PledgeState.DRAFT], _("A pledge that is %(state)s cannot be signed."))
    if not pledge.promises.exists():
        raise ValidationError(_("A pledge needs at least one promise."))
    if signed_on < pledge.drafted_on:
        raise ValidationError({"signed_on": _("The signature cannot precede the draft.")})
    pledge.state = PledgeState.SIGNED
    pledge.cadre_signed_on = signed_on
    pledge.save(update_fields=["state", "cadre_signed_on"])
    public_changed(pledge.area_code)
    return pledge


COUNTERSIGNING_BODIES = ("party", "government")


@transaction.atomic
def pledge_countersign(
    *, actor: Actor, pledge: Pledge, body: str, signer: str, signed_on: dt.date
) -> Pledge:
    """Record the countersignature of the township party committee or government; with both,
    the pledge is in force (and the version it amends is superseded)."""
    require(actor, Right.EDIT, pledge.area_code)
    if body not in COUNTERSIGNING_BODIES:
        raise ValueError(f"unknown body {body!r}")
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    _transition(
        pledge,
        [PledgeState.SIGNED],
        _("A pledge that is %(state)s cannot be countersigned; the cadre signs first."),
    )
    if not signer.strip():
        raise ValidationError({"signer": _("Name who countersigned.")})
    if pledge.cadre_signed_on and signed_on < pledge.cadre_signed_on:
        raise ValidationError({"signed_on": _("A countersignature follows the cadre's.")})
    if getattr(pledge, f"{body}_countersigned_on"):
        raise ValidationError(_("This body has already countersigned."))
    setattr(pledge, f"{body}_countersigner", signer.strip())
    setattr(pledge, f"{body}_countersigned_on", signed_on)
    fields = [f"{body}_countersigner", f"{body}_countersigned_on"]
    if pledge.party_countersigned_on and pledge.government_countersigned_on:
        pledge.state = PledgeState.IN_FORCE
        pledge.in_force_on = max(pledge.party_countersigned_on, pledge.government_countersigned_on)
        fields += ["state", "in_force_on"]
        if pledge.amends_id:
            Pledge.objects.filter(pk=pledge.amends_id, state=PledgeState.IN_FORCE).update(
                state=PledgeState.SUPERSEDED, closed_on=pledge.in_force_on
            )
    pledge.save(update_fields=fields)
    public_changed(pledge.area_code)
    return pledge


@transaction.atomic
def pledge_amend(
    *,
    actor: Actor,
    pledge: Pledge,
    reason: str,
    drafted_on: dt.date,
    promises: Sequence[PromiseInput] | None = None,
) -> Pledge:
    """Start an amendment: a new draft version linked to the pledge in force, starting from its
    promises; it needs the same three signatures before it replaces the old one."""
    require(actor, Right.EDIT, pledge.area_code)
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    _transition(
        pledge,
        [PledgeState.IN_FORCE],
        _("Only a pledge in force can be amended; this one is %(state)s."),
    )
    if Pledge.objects.filter(amends=pledge).exists():
        raise ValidationError(_("An amendment of this pledge is already under way."))
    reason = check_reason(reason)
    if pledge.in_force_on:
        check_not_before(
            drafted_on, pledge.in_force_on, field="drafted_on", what=_("the pledge in force")
        )
    if promises is None:
        promises = [
            PromiseInput(
                audience=p.audience,
                category=p.category,
                text=p.text,
                target=p.target,
                due_date=p.due_date,
            )
            for p in pledge.promises.order_by("position")
        ]
    amendment = Pledge(
        post=pledge.post,
        version=pledge.version + 1,
        amends=pledge,
        amendment_reason=reason,
        drafted_on=drafted_on,
        clauses=list(pledge.clauses),
        area_code=pledge.area_code,
    )
    amendment.full_clean()
    amendment.save()
    _write_promises(amendment, promises)
    public_changed(pledge.area_code)
    return amendment


@transaction.atomic
def pledge_discard_draft(*, actor: Actor, pledge: Pledge) -> None:
    """Throw away a draft that was never signed (its history stays in the change log)."""
    require(actor, Right.EDIT, pledge.area_code)
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    _require_draft(pledge)
    pledge.promises.all().delete()
    pledge.delete()


# ------------------------------------------------------------------ advised resignation


@transaction.atomic
def advice_open(*, actor: Actor, post: Post, grounds: str, opened_on: dt.date) -> ResignationAdvice:
    """Open an advised resignation (劝辞) against a sitting cadre's post."""
    require(actor, Right.EDIT, post.area_code)
    if post.end_date is not None:
        raise ValidationError(_("This post has ended."))
    if not grounds.strip():
        raise ValidationError({"grounds": _("State the grounds.")})
    if ResignationAdvice.objects.undecided().filter(post=post).exists():
        raise ValidationError(_("An advised resignation for this post is already open."))
    check_not_before(opened_on, post.start_date, field="opened_on", what=_("the post's start"))
    advice = ResignationAdvice(
        post=post, grounds=grounds, opened_on=opened_on, opened_by=actor, area_code=post.area_code
    )
    advice.full_clean()
    advice.save()
    return advice


@transaction.atomic
def advice_record_talk(
    *, actor: Actor, advice: ResignationAdvice, talk_on: dt.date, talk_by: str, talk_notes: str
) -> ResignationAdvice:
    """Record the talk in which the township advised the cadre to resign."""
    require(actor, Right.EDIT, advice.area_code)
    _lock_in_place(advice)
    _transition(
        advice,
        [AdviceState.OPEN, AdviceState.TALKED],
        _("An advice that is %(state)s takes no more talks."),
    )
    if talk_on < advice.opened_on:
        raise ValidationError({"talk_on": _("The talk cannot precede the opening.")})
    if not (talk_by.strip() and talk_notes.strip()):
        raise ValidationError(_("Record who held the talk and what was said."))
    advice.state = AdviceState.TALKED
    advice.talk_on, advice.talk_by, advice.talk_notes = talk_on, talk_by, talk_notes
    advice.save(update_fields=["state", "talk_on", "talk_by", "talk_notes"])
    return advice


@transaction.atomic
def advice_decide(
    *, actor: Actor, advice: ResignationAdvice, outcome: str, decided_on: dt.date, notes: str = ""
) -> ResignationAdvice:
    """Record the outcome; a resignation ends the post with the reason 劝辞."""
    require(actor, Right.EDIT, advice.area_code)
    _lock_in_place(advice)
    _transition(
        advice,
        [AdviceState.TALKED],
        _("An advice that is %(state)s cannot be decided; record the talk first."),
    )
    if outcome not in AdviceOutcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    # Only advice_record_talk makes an advice TALKED, and it sets the talk's date.
    assert advice.talk_on is not None
    if decided_on < advice.talk_on:
        raise ValidationError({"decided_on": _("The decision cannot precede the talk.")})
    advice.state = AdviceState.DECIDED
    advice.outcome, advice.decided_on, advice.decision_notes = outcome, decided_on, notes
    advice.save(update_fields=["state", "outcome", "decided_on", "decision_notes"])
    if outcome == AdviceOutcome.RESIGNED:
        _close_post(advice.post, end_date=decided_on, end_reason=EndReason.ADVISED)
    return advice


# ------------------------------------------------------------------ the cadre pipeline


def reserve_add(
    *,
    actor: Actor,
    village: Village,
    post: str,
    since: dt.date,
    cadre: Cadre | None = None,
    person: dict[str, object] | None = None,
    notes: str = "",
) -> ReserveCadre:
    """Name a reserve candidate for a village's key post: a person already registered in the
    village (`cadre`), or a new one registered from `person` (name, id_number, phone, ...).

    Not one transaction with the registration: a refused duplicate ID number keeps its log
    entry (cadre_create); everything else is checked before the person is registered."""
    require(actor, Right.EDIT, village.code)
    if post not in RESERVE_POSTS:
        raise ValidationError({"post": _("Reserve cadres are kept for the secretary and chair.")})
    if cadre is None:
        if not person:
            raise ValidationError(_("Choose a person or register a new one."))
        cadre = cadre_create(actor=actor, village=village, **person)  # type: ignore[arg-type]
    elif cadre.village_id != village.pk:
        raise ValidationError({"cadre": _("The person is registered in another village.")})
    elif ReserveCadre.objects.active().filter(cadre=cadre, post=post).exists():
        raise ValidationError({"cadre": _("This person is already a reserve for this post.")})
    reserve = ReserveCadre(
        village=village, area_code=village.code, cadre=cadre, post=post, since=since, notes=notes
    )
    with transaction.atomic():
        reserve.full_clean()
        reserve.save()
    return reserve


@transaction.atomic
def reserve_update(
    *, actor: Actor, reserve: ReserveCadre, since: dt.date, notes: str
) -> ReserveCadre:
    """Correct the date a candidate was named and the notes; a withdrawn one stays as it was."""
    require(actor, Right.EDIT, reserve.area_code)
    reserve = ReserveCadre.objects.select_for_update().get(pk=reserve.pk)
    if not reserve.is_active:
        raise ValidationError(_("A withdrawn reserve cadre can no longer be changed."))
    reserve.since, reserve.notes = since, notes
    reserve.full_clean()
    reserve.save(update_fields=["since", "notes"])
    return reserve


@transaction.atomic
def reserve_withdraw(
    *, actor: Actor, reserve: ReserveCadre, withdrawn_on: dt.date, reason: str
) -> ReserveCadre:
    """Take a candidate off the bench (moved away, declined, unsuitable): kept in the history,
    no longer counted towards the norm."""
    require(actor, Right.EDIT, reserve.area_code)
    reserve = ReserveCadre.objects.select_for_update().get(pk=reserve.pk)
    if not reserve.is_active:
        raise ValidationError(_("This reserve cadre has already been withdrawn."))
    check_not_before(
        withdrawn_on, reserve.since, field="withdrawn_on", what=_("the day the reserve was named")
    )
    reserve.withdrawn_on = withdrawn_on
    reserve.withdrawal_reason = check_reason(reason, field="withdrawal_reason")
    reserve.save(update_fields=["withdrawn_on", "withdrawal_reason"])
    return reserve


@transaction.atomic
def training_record(
    *,
    actor: Actor,
    cadre: Cadre,
    course: str,
    start_date: dt.date,
    end_date: dt.date,
    hours: Decimal,
    organizer: str = "",
    notes: str = "",
) -> Training:
    """Record a course a reserve or sitting cadre attended."""
    require(actor, Right.EDIT, cadre.area_code)
    if end_date < start_date:
        raise ValidationError({"end_date": _("The course cannot end before it starts.")})
    training = Training(
        cadre=cadre,
        area_code=cadre.area_code,
        course=course,
        organizer=organizer,
        start_date=start_date,
        end_date=end_date,
        hours=hours,
        notes=notes,
    )
    training.full_clean()
    training.save()
    return training


@transaction.atomic
def training_update(
    *,
    actor: Actor,
    training: Training,
    reason: str,
    course: str,
    start_date: dt.date,
    end_date: dt.date,
    hours: Decimal,
    organizer: str = "",
    notes: str = "",
) -> Training:
    """Correct a training record; the reason goes with the change into its history."""
    require(actor, Right.EDIT, training.area_code)
    reason = check_reason(reason)
    training = Training.objects.select_for_update().get(pk=training.pk)
    if end_date < start_date:
        raise ValidationError({"end_date": _("The course cannot end before it starts.")})
    training.course, training.organizer, training.notes = course, organizer, notes
    training.start_date, training.end_date, training.hours = start_date, end_date, hours
    training.full_clean()
    with pghistory.context(reason=reason):
        training.save()
    return training


@transaction.atomic
def training_delete(*, actor: Actor, training: Training, reason: str) -> None:
    """Delete a training record entered by mistake; the row and the reason stay in the history."""
    require(actor, Right.EDIT, training.area_code)
    reason = check_reason(reason)
    training = Training.objects.select_for_update().get(pk=training.pk)
    with pghistory.context(reason=reason):
        training.delete()
