"""Demo data of the signing day (联签) and the financial review meetings (财务报审会), for the
villages of the first county (`ledgers.demo` calls it while writing the books: a voucher is
signed while it is still a draft, before it posts).

Each village gets a village affairs supervision committee chair (the cadres demo has none), who
reviews; the county signs on the 21st. Most villages sign every month: more than half of the two
committees sitting that day sign the vouchers dated since the last signing. A few gaps, as a
county finds them: about one village in ten skipped a month (its vouchers signed the month
after), about one in twenty never signs (its vouchers posted unsigned, before the county's rule).
Each finished quarter has its 财务报审会, quorate and approving, except in the villages that never
sign.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from cadres.choices import SUPERVISION_POSTS, TWO_COMMITTEE_POSTS, PostKind
from cadres.demo import _insert, _Row
from cadres.identity import check_character, id_number_hash
from cadres.models import Cadre, Post
from villages.demo import SURNAMES, troubled

from .models import FinancialReview, SignedVoucher, SigningSession, SigningSignature
from .selectors.signing import signing_date_in

__all__ = ["SIGNING_DAY", "plan_signings", "write_signings"]

#: the first county's signing day of the month
SIGNING_DAY = 21
GIVEN = "建国志强秀英桂兰海燕国华玉梅德明"


def plan_signings(*, seed: int, village, plan, on: dt.date) -> None:
    """Choose the village's signing days (`plan.signings`) and its quarters' meetings
    (`plan.reviews`: year, quarter, held on)."""
    rng = random.Random(f"ledgers-signing:{seed}:{village.code}")
    profile = rng.random()
    behind = troubled(village.code, seed)  # only a village that falls behind has a gap
    if behind and profile < 0.5:
        return  # never signs: the gap the county's warning finds every month
    finished = [m for m in range(1, 13) if signing_date_in(SIGNING_DAY, on.year, m) < on]
    skipped = rng.choice(finished) if behind and finished else None  # misses a month
    plan.signings = [signing_date_in(SIGNING_DAY, on.year, m) for m in finished if m != skipped]
    for quarter in range(1, 5):
        held = dt.date(on.year, 3 * quarter, 1) + dt.timedelta(days=rng.randint(35, 45))
        if held < on:
            plan.reviews.append((on.year, quarter, held))


def _supervision_chairs(villages, posts, seed: int) -> dict[int, int]:
    """The post id of each village's supervision committee chair, appointed with the village's
    last 换届 where the village has none."""
    chairs = {p["village_id"]: p["id"] for p in posts if p["kind"] in SUPERVISION_POSTS}
    starts: dict[int, dt.date] = {}
    for p in posts:
        if p["kind"] in TWO_COMMITTEE_POSTS:
            starts[p["village_id"]] = min(
                starts.get(p["village_id"], p["start_date"]), p["start_date"]
            )
    used = set(Cadre.objects.values_list("id_number_hash", flat=True))
    cadres, new_posts = [], []
    for village in villages:
        if village.pk in chairs or village.pk not in starts:
            continue
        rng = random.Random(f"ledgers-supervision:{seed}:{village.code}")
        while True:
            born = dt.date(rng.randint(1960, 1985), rng.randint(1, 12), rng.randint(1, 28))
            first17 = (
                f"{village.code[:6]}{born:%Y%m%d}{rng.randrange(100):02d}{rng.randrange(1, 10, 2)}"
            )
            number = first17 + check_character(first17)
            if id_number_hash(number) not in used:
                used.add(id_number_hash(number))
                break
        cadre = _Row(
            village_id=village.pk,
            name=rng.choice(SURNAMES) + rng.choice(GIVEN[::2]) + rng.choice(GIVEN[1::2]),
            gender="male",
            birth_date=born,
            id_number=number,
            id_number_hash=id_number_hash(number),
            is_party_member=True,
            area_code=village.code,
        )
        cadres.append(cadre)
        start = starts[village.pk]
        new_posts.append(
            _Row(
                village_id=village.pk,
                cadre_id=cadre,
                kind=PostKind.SUPERVISION_CHAIR,
                start_date=start,
                term_ends=start.replace(year=start.year + 5),
                end_date=None,
                end_reason="",
                area_code=village.code,
            )
        )
    _insert(Cadre, cadres)
    _insert(Post, new_posts)
    chairs.update({p.village_id: p.id for p in new_posts})
    return chairs


def write_signings(plans, seed: int) -> None:
    """Insert the signing days of `plans` [(village, plan)] while their vouchers are drafts,
    then the financial review meetings."""
    plans = [(v, p) for v, p in plans if p.signings or p.reviews]
    if not plans:
        return
    posts = list(
        Post.objects.filter(village_id__in=[v.pk for v, _p in plans]).values(
            "id", "village_id", "cadre_id", "kind", "start_date", "end_date"
        )
    )
    chairs = _supervision_chairs([v for v, _p in plans], posts, seed)
    committee = defaultdict(list)
    for p in posts:
        if p["kind"] in TWO_COMMITTEE_POSTS:
            committee[p["village_id"]].append(p)
    sessions, signatures, signed, reviews = [], [], [], []
    for village, plan in plans:
        rng = random.Random(f"ledgers-signatures:{seed}:{village.code}")
        reviewer = chairs.get(village.pk)
        previous = dt.date.min
        for day in plan.signings if reviewer else []:
            sitting: dict[int, int] = {}
            for p in committee[village.pk]:
                if p["start_date"] <= day and (p["end_date"] is None or p["end_date"] >= day):
                    sitting.setdefault(p["cadre_id"], p["id"])
            vouchers = [v for v in plan.vouchers if previous < v.date <= day]
            previous = day
            if not sitting or not vouchers:
                continue
            need = len(sitting) // 2 + 1
            chosen = rng.sample(sorted(sitting), rng.randint(need, len(sitting)))
            session = _Row(
                village_id=village.pk,
                signed_on=day,
                members=len(sitting),
                reviewer_id=reviewer,
                review_opinion=rng.choice(
                    ["票据真实齐全，同意报账。", "经审核，支出符合规定，同意入账。"]
                ),
                notes="",
                recorded_by_id=plan.vouchers[0].made_by_id,
                area_code=village.code,
            )
            sessions.append(session)
            signatures += [
                _Row(session_id=session, post_id=sitting[c], cadre_id=c, area_code=village.code)
                for c in chosen
            ]
            signed += [
                _Row(session_id=session, voucher_id=v, area_code=village.code) for v in vouchers
            ]
        for year, quarter, held in plan.reviews if plan.signings else []:
            representatives = rng.randint(25, 45)
            reviews.append(
                _Row(
                    village_id=village.pk,
                    year=year,
                    quarter=quarter,
                    held_on=held,
                    representatives=representatives,
                    present=representatives - rng.randint(0, representatives // 4),
                    quorate=True,
                    approved=True,
                    opinion="本季度联签票据经村民代表审核，无异议，同意报销。",
                    minutes="",
                    recorded_by_id=plan.vouchers[0].made_by_id if plan.vouchers else None,
                    area_code=village.code,
                )
            )
    _insert(SigningSession, sessions)
    _insert(SigningSignature, signatures)
    _insert(SignedVoucher, signed)
    _insert(FinancialReview, [r for r in reviews if r.recorded_by_id is not None])
