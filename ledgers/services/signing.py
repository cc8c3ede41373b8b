"""Writes of the signing day (联签) and the quarter's financial review meeting (财务报审会).

On the village's signing day, more than half of the two committees' members sitting that day
sign the vouchers together and a member of the village affairs supervision committee reviews
them with an opinion; the clerk records it once ("on 2026-12-05 these 5 of 7 members signed
these 12 vouchers"). Where the county's policy says so (`posting_needs_signing`, off by
default), the township posts only a signed voucher (`require_voucher_signed`, and the guard of
migration ledgers 0016). A signed draft no longer changes: what was signed is what posts.

Recording needs `Right.KEEP_BOOKS` on the village (its clerk, the township, the county).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cadres.models import Post
from core.dates import today
from core.rights import Right, require
from core.types import Actor
from villages.models import Village

from ..choices import VoucherState
from ..models import FinancialReview, SignedVoucher, SigningSession, SigningSignature, Voucher
from ..quorum import REPRESENTATIVES, more_than_half
from ..selectors.disclosure import supervisors_on
from ..selectors.signing import committee_members_on, committee_posts_on, signing_required

__all__ = [
    "check_co_signatures",
    "financial_review_record",
    "require_unsigned",
    "require_voucher_signed",
    "signing_record",
]


def _names(posts: Sequence[Post]) -> str:
    return "、".join(p.cadre.name for p in posts)


def check_co_signatures(village: Village, signed_on: dt.date, posts: Sequence[Post]) -> int:
    """The one rule of the co-signatures: each signer sat on the village's two committees on
    the date, nobody signs twice (one person in two posts included), and the signers are more
    than half of the people sitting that day. Returns how many sat."""
    sitting = {p.pk: p for p in committee_posts_on(village, signed_on)}
    outsiders = [p for p in posts if p.pk not in sitting]
    if outsiders:
        raise ValidationError(
            {
                "posts": _("%(names)s did not sit on this village's two committees on %(d)s.")
                % {"names": _names(outsiders), "d": signed_on.isoformat()}
            }
        )
    seen: set[int] = set()
    twice = []
    for post in posts:
        if post.cadre_id in seen:
            twice.append(post)
        seen.add(post.cadre_id)
    if twice:
        raise ValidationError(
            {"posts": _("%(names)s cannot sign twice.") % {"names": _names(twice)}}
        )
    members = committee_members_on(village, signed_on)
    if not more_than_half(len(seen), members):
        raise ValidationError(
            {
                "posts": _(
                    "More than half of the two committees' %(n)d sitting members must sign "
                    "(%(k)d signed)."
                )
                % {"n": members, "k": len(seen)}
            }
        )
    return members


@transaction.atomic
def signing_record(
    *,
    actor: Actor,
    village: Village,
    signed_on: dt.date,
    posts: Sequence[Post],
    vouchers: Sequence[Voucher],
    reviewer: Post,
    review_opinion: str,
    notes: str = "",
) -> SigningSession:
    """Record the village's signing day: the members of the two committees who signed (more
    than half of those sitting that day), the draft vouchers they signed, and the supervision
    committee member who reviewed them with an opinion. Once recorded it is final."""
    require(actor, Right.KEEP_BOOKS, village.code)
    Village.objects.select_for_update().filter(pk=village.pk).first()
    errors: dict[str, str] = {}
    if signed_on > today():
        errors["signed_on"] = _("The date cannot be in the future.")
    review_opinion = (review_opinion or "").strip()
    if not review_opinion:
        errors["review_opinion"] = _("Write the supervision committee's opinion.")
    if not vouchers:
        errors["vouchers"] = _("Choose the vouchers signed.")
    if errors:
        raise ValidationError(errors)
    if SigningSession.objects.filter(village=village, signed_on=signed_on).exists():
        raise ValidationError(
            {"signed_on": _("The signing of %(d)s is already recorded.") % {"d": signed_on}}
        )
    if reviewer.pk not in {p.pk for p in supervisors_on(village, signed_on)}:
        raise ValidationError(
            {
                "reviewer": _(
                    "%(name)s did not sit on this village's supervision committee on %(d)s."
                )
                % {"name": reviewer.cadre.name, "d": signed_on.isoformat()}
            }
        )
    members = check_co_signatures(village, signed_on, posts)
    locked = list(
        Voucher.objects.select_for_update().filter(pk__in=[v.pk for v in vouchers]).order_by("pk")
    )
    signed = set(
        SignedVoucher.objects.filter(voucher__in=locked).values_list("voucher_id", flat=True)
    )
    for voucher in locked:
        problem = None
        if voucher.village_id != village.pk:
            problem = _("%(n)s is not a voucher of this village.")
        elif voucher.state != VoucherState.DRAFT:
            problem = _("%(n)s is already posted.")
        elif voucher.pk in signed:
            problem = _("%(n)s has already been signed.")
        elif voucher.date > signed_on:
            problem = _("%(n)s is dated after the signing.")
        if problem:
            raise ValidationError({"vouchers": problem % {"n": voucher.display_number}})
    session = SigningSession(
        village=village,
        signed_on=signed_on,
        members=members,
        reviewer=reviewer,
        review_opinion=review_opinion,
        notes=(notes or "").strip(),
        recorded_by=actor,
        area_code=village.code,
    )
    session.full_clean()
    session.save()
    SigningSignature.objects.bulk_create(
        SigningSignature(session=session, post=p, cadre_id=p.cadre_id, area_code=village.code)
        for p in posts
    )
    SignedVoucher.objects.bulk_create(
        SignedVoucher(session=session, voucher=v, area_code=village.code) for v in locked
    )
    return session


def require_voucher_signed(voucher: Voucher) -> None:
    """Posting `voucher` where the county makes posting wait for the signing day: it was
    signed by more than half of the two committees sitting that day (recounted: a post
    recorded since counts) and reviewed by the supervision committee. Reversals need none."""
    if voucher.reverses_id is not None or not signing_required(voucher.area_code):
        return
    signing = SignedVoucher.objects.filter(voucher=voucher).select_related("session").first()
    if signing is None:
        raise ValidationError(
            _(
                "Voucher %(n)s has not been co-signed: the county requires the signatures of "
                "more than half of the two committees on the signing day (联签) and the "
                "supervision committee's review before posting."
            )
            % {"n": voucher.display_number}
        )
    session = signing.session
    signers = session.signatures.values("cadre").distinct().count()
    members = committee_members_on(session.village, session.signed_on)
    if not more_than_half(signers, members):
        raise ValidationError(
            _(
                "Voucher %(n)s was signed on %(d)s by %(k)d of the two committees' %(m)d "
                "members: not more than half."
            )
            % {"n": voucher.display_number, "d": session.signed_on, "k": signers, "m": members}
        )


def require_unsigned(voucher: Voucher) -> None:
    """A signed draft no longer changes or goes: what the committees signed is what posts."""
    signing = SignedVoucher.objects.filter(voucher=voucher).select_related("session").first()
    if signing is not None:
        raise ValidationError(
            _("Voucher %(n)s was co-signed on %(d)s: it no longer changes.")
            % {"n": voucher.display_number, "d": signing.session.signed_on.isoformat()}
        )


@transaction.atomic
def financial_review_record(
    *,
    actor: Actor,
    village: Village,
    year: int,
    quarter: int,
    held_on: dt.date,
    representatives: int,
    present: int,
    approved: bool,
    opinion: str,
    minutes: str = "",
) -> FinancialReview:
    """Record the quarter's 财务报审会 of the villager representatives: attendance against the
    representatives (two thirds or more make it quorate), whether they approved, their
    opinion. One per village and quarter; final once recorded."""
    require(actor, Right.KEEP_BOOKS, village.code)
    errors: dict[str, str] = {}
    if not 1 <= (quarter or 0) <= 4:
        errors["quarter"] = _("Choose a quarter.")
    if held_on > today():
        errors["held_on"] = _("The date cannot be in the future.")
    elif 1 <= (quarter or 0) <= 4 and held_on < dt.date(year, 3 * quarter - 2, 1):
        errors["held_on"] = _("The meeting reviews the quarter: it is held once it has begun.")
    if not representatives or representatives < 1:
        errors["representatives"] = _("Enter how many villager representatives there are.")
    elif present is None or present < 0 or present > representatives:
        errors["present"] = _("Those present are between none and all of the representatives.")
    opinion = (opinion or "").strip()
    if not opinion:
        errors["opinion"] = _("Write the meeting's opinion.")
    if errors:
        raise ValidationError(errors)
    quorate = REPRESENTATIVES.quorate(representatives, present)
    if approved and not quorate:
        raise ValidationError(
            {
                "present": _(
                    "%(p)d of %(r)d representatives is fewer than two thirds: the meeting "
                    "cannot approve."
                )
                % {"p": present, "r": representatives}
            }
        )
    if FinancialReview.objects.filter(village=village, year=year, quarter=quarter).exists():
        raise ValidationError(
            _("The financial review of %(y)d Q%(q)d is already recorded.")
            % {"y": year, "q": quarter}
        )
    review = FinancialReview(
        village=village,
        year=year,
        quarter=quarter,
        held_on=held_on,
        representatives=representatives,
        present=present,
        quorate=quorate,
        approved=approved,
        opinion=opinion,
        minutes=(minutes or "").strip(),
        recorded_by=actor,
        area_code=village.code,
    )
    review.full_clean()
    review.save()
    return review
