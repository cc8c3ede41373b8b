"""Demo data of the supervision app: four finished quarters of the cycle and the current one.

`build_supervision_demo()` gives every village without duties:

* the duties (SupervisionTask) of the last four finished quarters (or `quarters=`: the benchmark
  asks for twenty) and the current quarter, of the half-years and years they fall in, with the
  default due dates: most done on time, some late, some overdue (never done), the current ones
  planned;
* for each duty done, its completed record: the inspection scored on the county's checklist
  (version 1 until the window's third quarter, version 2 after: both kept), with participants and
  sometimes a finding; the hearing with questions (a few unsatisfied); the review of every sitting
  cadre; the public report with votes adding up to the ballots returned (a few villages vote
  low); last year's redemption of every promise in force (a promise due that year mostly kept,
  a later one mostly on schedule) and the annual inspection of every certificate;
* the problems those findings and unsatisfied questions registered, with their steps: older ones
  mostly closed, recent ones open, being rectified or submitted, overdue ones escalated;
* in the first county, two backward villages under rectification (one accepted and visited, one
  still working through its plan);
* then the warnings of every village, evaluated by the service the daily job runs.

Like the ledger demo it decides everything in memory (seeded by the village's code) and inserts in
bulk through `cadres.demo._insert`; records are inserted as drafts and then completed, because the
database refuses details of a completed record. Runs above `LIGHT_ABOVE` villages skip the detail
rows (scores, questions, votes, promise results) so a province still loads in minutes.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pghistory
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cadres.choices import CERTIFIED_POSTS, CertificateState, PledgeState
from cadres.demo import _insert, _Row
from cadres.models import Post, Promise, QualificationCertificate
from core.dates import today as local_today
from ledgers.demo import LIGHT_ABOVE, _people, _person
from villages.demo import first_county, troubled
from villages.models import ContactAssignment, Village

from .choices import (
    DEFAULT_DUE_MONTHS,
    DEFAULT_GRADE_FLOORS,
    DEFAULT_REVIEW_DIMENSIONS,
    HALF_DAYS_A_DAY,
    TASK_PERIOD,
    AskerKind,
    Escalation,
    Fulfilment,
    Grade,
    ParticipantKind,
    PeriodKind,
    ProblemAction,
    ProblemCategory,
    ProblemSource,
    ProblemState,
    QuestionCategory,
    RecordState,
    RectificationState,
    Satisfaction,
    Severity,
    TaskKind,
    TaskState,
    TemplateState,
    Verdict,
    is_due,
)
from .demo_quarterly import build_quarterly_demo
from .models import (
    CertificateInspection,
    FollowUpVisit,
    Hearing,
    HearingQuestion,
    Inspection,
    InspectionFinding,
    InspectionParticipant,
    InspectionScore,
    InspectionTemplate,
    InspectionTemplateItem,
    PresenceVisit,
    Problem,
    ProblemStep,
    PromiseRedemption,
    PublicReport,
    PublicReportVote,
    Rectification,
    RectificationProgress,
    Redemption,
    Review,
    ReviewScore,
    SupervisionTask,
)
from .periods import Period, week_start

__all__ = ["SupervisionDemoResult", "build_supervision_demo"]

TENTH = Decimal("0.1")
#: duties about the sitting cadres: planned only for periods in which the committee sat
ON_CADRES = {
    TaskKind.REVIEW,
    TaskKind.PUBLIC_REPORT,
    TaskKind.REDEMPTION,
    TaskKind.ANNUAL_INSPECTION,
}
CHECKLIST = [
    ("组织建设", "“三会一课”按期开展，党员活动记录完整", 15),
    ("组织建设", "党员发展和教育管理规范", 10),
    ("村务管理", "村务、财务按季公开，公开栏内容与台账一致", 15),
    ("村务管理", "重大事项执行“四议两公开”", 15),
    ("三资管理", "资金收支有凭证、有审批，账实相符", 15),
    ("三资管理", "资产资源合同规范，承包费按时收缴", 10),
    ("为民服务", "便民服务代办事项办理及时", 10),
    ("平安稳定", "矛盾纠纷排查化解及时，无越级上访", 10),
]
# Version 2 splits one item and reweighs: what a county's revision usually looks like.
CHECKLIST_V2 = [
    *CHECKLIST[:4],
    ("三资管理", "资金收支有凭证、有审批，账实相符", 10),
    ("三资管理", "资产资源合同规范，承包费按时收缴", 10),
    ("三资管理", "村级债务不新增，化债措施落实", 5),
    *CHECKLIST[6:],
]
FINDINGS = [
    ("公开栏第二季度财务公开内容不全，缺少大额支出明细", ProblemCategory.AFFAIRS),
    ("部分支出凭证缺少经办人签字", ProblemCategory.FINANCE),
    ("党员活动室台账记录不及时", ProblemCategory.PARTY),
    ("坑塘承包合同到期未及时续签", ProblemCategory.FINANCE),
    ("便民服务代办登记簿未按要求填写", ProblemCategory.SERVICES),
]
QUESTIONS = [
    (
        "村里的路灯坏了半年了，什么时候修？",
        QuestionCategory.PROJECTS,
        "已列入本季度维修计划，月底前修好。",
    ),
    (
        "低保评定是怎么评的？名单公开了吗？",
        QuestionCategory.WELFARE,
        "经村民代表会议评议，名单已在公开栏公示七天。",
    ),
    (
        "集体土地流转费什么时候分？",
        QuestionCategory.LAND,
        "年底结算后按户发放，具体方案提交村民代表会议讨论。",
    ),
    (
        "村委会的招待费是不是太多了？",
        QuestionCategory.FINANCE,
        "本季度无招待支出，管理费用明细已公开。",
    ),
    ("东头的排水沟什么时候清？", QuestionCategory.PROJECTS, "已安排保洁员下周清理。"),
    (
        "村干部坐班时间能不能固定下来？",
        QuestionCategory.CONDUCT,
        "实行每天轮流值班，值班表已张贴。",
    ),
]
PARTICIPANTS = [
    ("包村干部", ParticipantKind.TOWNSHIP_OFFICIAL, "乡镇党委"),
    ("经管站站长", ParticipantKind.STATION, "乡镇农村经济管理站"),
    ("人大代表", ParticipantKind.NPC_REP, "驻乡镇县人大代表"),
]


@dataclass(frozen=True)
class SupervisionDemoResult:
    """What `build_supervision_demo` created, and how long it took."""

    villages: int = 0
    duties: int = 0
    done: int = 0
    overdue: int = 0
    problems: int = 0
    closed: int = 0
    rectifications: int = 0
    presence_visits: int = 0
    five_good_ratings: int = 0
    quarterly_reports: int = 0
    leader_links: int = 0
    warnings: int = 0
    light: bool = False
    seconds: float = 0.0

    def summary(self) -> str:
        """One line for seed_demo's output."""
        return (
            _(
                "Supervision loaded in %(seconds).1f s: %(duties)d duties in %(villages)d villages "
                "(%(done)d done, %(overdue)d overdue), %(problems)d problems (%(closed)d closed), "
                "%(rectifications)d backward villages under rectification, %(warnings)d villages "
                "with a warning."
            )
            % {
                "seconds": self.seconds,
                "duties": self.duties,
                "villages": self.villages,
                "done": self.done,
                "overdue": self.overdue,
                "problems": self.problems,
                "closed": self.closed,
                "rectifications": self.rectifications,
                "warnings": self.warnings,
            }
            + " "
            + _("%(n)d visits of contact cadres, work teams and leaders in the villages.")
            % {"n": self.presence_visits}
            + " "
            + _("%(n)d quarterly reports of cadres to their townships.")
            % {"n": self.quarterly_reports}
            + " "
            + _("%(n)d villages linked to county and township leaders.") % {"n": self.leader_links}
        )


def window(on: dt.date, quarters: int = 4) -> list[Period]:
    """The periods the demo fills: the last `quarters` finished quarters and the current one,
    and the half-years and years they touch."""
    if quarters < 1:
        raise ValueError("the demo needs at least one finished quarter")
    filled = [Period.containing(PeriodKind.QUARTER, on)]
    for _i in range(quarters):
        filled.insert(0, filled[0].previous())
    halves = sorted({Period.containing(PeriodKind.HALF, q.start) for q in filled})
    years = sorted({Period.containing(PeriodKind.YEAR, q.start) for q in filled})
    return filled + halves + years


# ------------------------------------------------------------------ pledge redemption outcomes

# (outcome, cumulative probability, villagers' appraisal, evidence)
_DUE_OUTCOMES = (
    (Fulfilment.FULFILLED, 0.93, Satisfaction.SATISFIED, "现场查看、群众代表核实。"),
    (Fulfilment.PARTLY, 0.98, Satisfaction.BASIC, "已完成大部分目标，剩余部分列入下年度计划。"),
    (Fulfilment.NOT, 1.0, Satisfaction.DISSATISFIED, "未按期完成，群众代表提出意见。"),
)
_LOW_DUE_OUTCOMES = (
    (Fulfilment.FULFILLED, 0.6, Satisfaction.SATISFIED, "现场查看、群众代表核实。"),
    (Fulfilment.PARTLY, 0.85, Satisfaction.BASIC, "已完成大部分目标，剩余部分列入下年度计划。"),
    (Fulfilment.NOT, 1.0, Satisfaction.DISSATISFIED, "未按期完成，群众代表提出意见。"),
)
_LATER_OUTCOMES = (
    (Fulfilment.FULFILLED, 0.08, Satisfaction.SATISFIED, "提前完成，现场查看、群众代表核实。"),
    (Fulfilment.ON_TRACK, 0.85, Satisfaction.SATISFIED, "按年度计划推进，阶段目标已完成。"),
    (Fulfilment.NOT_DUE, 1.0, Satisfaction.BASIC, "尚未到期，已列入下年度工作计划。"),
)


def _redemption_outcome(
    rng: random.Random, *, later: bool, low: bool
) -> tuple[Fulfilment, Satisfaction, str]:
    """A promise's outcome at the demo's redemption: its result, appraisal and evidence."""
    table = _LATER_OUTCOMES if later else _LOW_DUE_OUTCOMES if low else _DUE_OUTCOMES
    roll = rng.random()
    for result, upto, appraisal, evidence in table:
        if roll < upto:
            return result, appraisal, evidence
    return table[-1][0], table[-1][2], table[-1][3]


# ------------------------------------------------------------------ the facts the demo reads


@dataclass
class _Facts:
    """The cadres' rows the records refer to, by village id."""

    posts: dict[int, list[tuple]]  # (post id, kind, cadre id, start, end)
    certificates: dict[int, list[tuple]]  # post id → (certificate id, issued_on, state)
    promises: dict[int, list[tuple]]  # post id → (promise id, pledge in force since, due date)
    contacts: dict[int, int]  # village id → contact cadre's user id


def _facts(village_ids: list[int]) -> _Facts:
    posts = defaultdict(list)
    for row in Post.objects.filter(village_id__in=village_ids).values_list(
        "village_id", "pk", "kind", "cadre_id", "start_date", "end_date"
    ):
        posts[row[0]].append(row[1:])
    certificates = defaultdict(list)
    for post_id, pk, issued, state in QualificationCertificate.objects.filter(
        post__village_id__in=village_ids
    ).values_list("post_id", "pk", "issued_on", "state"):
        certificates[post_id].append((pk, issued, state))
    promises = defaultdict(list)
    for post_id, pk, since, due in Promise.objects.filter(
        pledge__post__village_id__in=village_ids, pledge__state=PledgeState.IN_FORCE
    ).values_list("pledge__post_id", "pk", "pledge__in_force_on", "due_date"):
        promises[post_id].append((pk, since, due))
    contacts = dict(
        ContactAssignment.objects.filter(village_id__in=village_ids)
        .order_by("village_id", "-start_date")
        .distinct("village_id")
        .values_list("village_id", "cadre_id")
    )
    return _Facts(posts, certificates, promises, contacts)


def _sitting(facts: _Facts, village_id: int, on: dt.date) -> list[tuple]:
    return [p for p in facts.posts[village_id] if p[3] <= on and (p[4] is None or p[4] >= on)]


# ------------------------------------------------------------------ building


class _Builder:
    """Builds the rows of a batch of villages in memory, then inserts them parents first."""

    def __init__(
        self,
        *,
        seed: int,
        on: dt.date,
        people,
        templates,
        facts: _Facts,
        light: bool,
        quarters: int = 4,
    ):
        self.seed, self.on, self.people, self.templates = seed, on, people, templates
        self.facts, self.light = facts, light
        self.periods = window(on, quarters)
        self.v2_from = self.periods[2]  # checklist version 2 from the window's third quarter
        self.rows: dict[type, list[_Row]] = defaultdict(list)
        self.problems: list[tuple[_Row, list[_Row]]] = []
        self.completed: dict[type, list[_Row]] = defaultdict(list)
        self.totals: dict[str, int] = defaultdict(int)

    # ---------------------------------------------------------------- duties

    def village(self, village: Village) -> None:
        rng = random.Random(f"supervision:{self.seed}:{village.code}")
        township_user = self.people.township_staff.get(village.code[:9]) or self.people.admin
        contact_user = self.facts.contacts.get(village.pk) or township_user
        # Only the villages that fall behind leave duties undone or vote their cadres down.
        self.behind = troubled(village.code, self.seed)
        low_votes = self.behind and rng.random() < 0.5
        for period in self.periods:
            for kind, period_kind in TASK_PERIOD.items():
                if period_kind != period.kind:
                    continue
                if kind in ON_CADRES and not _sitting(
                    self.facts, village.pk, min(period.end, self.on)
                ):
                    continue  # nobody to review yet: the committee was elected later
                due = period.due_date(DEFAULT_DUE_MONTHS[kind])
                task = _Row(
                    village_id=village.pk,
                    kind=kind,
                    period=str(period),
                    due_date=due,
                    state=TaskState.PLANNED,
                    done_on=None,
                    area_code=village.code,
                )
                self.rows[SupervisionTask].append(task)
                self.totals["duties"] += 1
                done_on = self._done_on(rng, period, due)
                if period.kind == PeriodKind.YEAR and due >= self.on:
                    done_on = None  # a year's redemption and inspection come at its end
                if done_on is None:
                    if due < self.on:
                        task.state = TaskState.OVERDUE
                        self.totals["overdue"] += 1
                    continue
                task.state, task.done_on = TaskState.DONE, done_on
                self.totals["done"] += 1
                user = (
                    contact_user
                    if kind in (TaskKind.HEARING, TaskKind.PUBLIC_REPORT, TaskKind.REDEMPTION)
                    else township_user
                )
                getattr(self, kind)(rng, village, task, period, done_on, user, low_votes)

    def _done_on(self, rng: random.Random, period: Period, due: dt.date) -> dt.date | None:
        """When the duty was done: mostly on time, some late, some never (overdue)."""
        lead = {PeriodKind.QUARTER: 80, PeriodKind.HALF: 50, PeriodKind.YEAR: 25}[period.kind]
        earliest = max(period.start, period.end - dt.timedelta(days=lead))
        if earliest >= self.on:
            return None
        if due >= self.on:  # still open: a third are done already
            if rng.random() < 0.35:
                return earliest + dt.timedelta(days=rng.randint(0, (self.on - earliest).days - 1))
            return None
        roll = rng.random()
        if roll < (0.7 if self.behind else 0.9):
            return earliest + dt.timedelta(days=rng.randint(0, max(0, (due - earliest).days)))
        if roll < 0.84 or not self.behind:  # the villages that keep up do it, if late
            late = due + dt.timedelta(days=rng.randint(3, 25))
            return late if late < self.on else due
        return None

    # ---------------------------------------------------------------- records

    def _record(self, model, task, village, period, date, user, **fields) -> _Row:
        row = _Row(
            task_id=task,
            village_id=village.pk,
            period=str(period),
            date=date,
            state=RecordState.DRAFT,
            created_by_id=user,
            completed_by_id=user,
            completed_at=_at(date),
            area_code=village.code,
            **fields,
        )
        self.rows[model].append(row)
        self.completed[model].append(row)
        return row

    def inspection(self, rng, village, task, period, date, user, _low):
        template = self.templates[village.code[:6]][2 if period >= self.v2_from else 1]
        record = self._record(
            Inspection,
            task,
            village,
            period,
            date,
            user,
            template_id=template.pk,
            summary="村“两委”班子运转正常，各项制度基本落实。",
        )
        scores = []
        for item_id, weight in template.item_weights:
            score = (weight * Decimal(rng.uniform(0.72, 1.0))).quantize(TENTH, ROUND_HALF_UP)
            scores.append((item_id, score, weight))
        total = sum(w for _i, _s, w in scores)
        record.total_score = (100 * sum(s for _i, s, _w in scores) / total).quantize(TENTH)
        if self.light:
            return
        for item_id, score, _w in scores:
            self.rows[InspectionScore].append(
                _Row(inspection_id=record, item_id=item_id, score=score, area_code=village.code)
            )
        for title, kind, organization in PARTICIPANTS:
            self.rows[InspectionParticipant].append(
                _Row(
                    inspection_id=record,
                    name=_person(rng),
                    kind=kind,
                    organization=f"{organization}（{title}）",
                    area_code=village.code,
                )
            )
        if rng.random() < 0.3:
            text, category = rng.choice(FINDINGS)
            finding = _Row(
                inspection_id=record,
                description=text,
                category=category,
                severity=Severity.GENERAL,
                owner_name=_person(rng),
                deadline=date + dt.timedelta(days=30),
                area_code=village.code,
            )
            self.rows[InspectionFinding].append(finding)
            self._problem(
                rng,
                village,
                date,
                text,
                category,
                finding.owner_name,
                user,
                source=ProblemSource.INSPECTION,
                inspection_finding_id=finding,
            )

    def hearing(self, rng, village, task, period, date, user, _low):
        record = self._record(
            Hearing,
            task,
            village,
            period,
            date,
            user,
            place="村党群服务中心",
            party_members_present=rng.randint(12, 35),
            representatives_present=rng.randint(8, 20),
            others_present=rng.randint(0, 15),
            agenda="通报本季度村务、财务收支情况；听取党员群众质询；研究解决群众关心的问题。",
            follow_ups="",
        )
        if self.light:
            return
        secretary = next(
            (p for p in _sitting(self.facts, village.pk, date) if p[1] in CERTIFIED_POSTS), None
        )
        for text, category, answer in rng.sample(QUESTIONS, rng.randint(2, 3)):
            satisfied = rng.random() > 0.15
            question = _Row(
                hearing_id=record,
                asker_name=_person(rng),
                asker_kind=rng.choice(AskerKind.values),
                category=category,
                question=text,
                answered_by_id=secretary[2] if secretary else None,
                answer=answer,
                satisfied=satisfied,
                follow_up="" if satisfied else "包村干部督促落实，下次听证会上通报",
                area_code=village.code,
            )
            self.rows[HearingQuestion].append(question)
            if not satisfied:
                self._problem(
                    rng,
                    village,
                    date,
                    text,
                    ProblemCategory.SERVICES,
                    _person(rng),
                    user,
                    source=ProblemSource.QUESTION,
                    hearing_question_id=question,
                )

    def review(self, rng, village, task, period, date, user, _low):
        dims = list(DEFAULT_REVIEW_DIMENSIONS)
        record = self._record(
            Review,
            task,
            village,
            period,
            date,
            user,
            panel="乡镇党委副书记、组织委员、包村干部、驻村第一书记",
            dimensions=dims,
        )
        if self.light:
            return
        for post_id, _kind, _cadre, _s, _e in _sitting(self.facts, village.pk, date):
            scores = {d: rng.randint(68, 98) for d in dims}
            average = (Decimal(sum(scores.values())) / len(dims)).quantize(TENTH)
            grade = next(g for g, floor in DEFAULT_GRADE_FLOORS.items() if average >= floor)
            self.rows[ReviewScore].append(
                _Row(
                    review_id=record,
                    post_id=post_id,
                    scores=scores,
                    average=average,
                    grade=Grade(grade),
                    comment="",
                    area_code=village.code,
                )
            )

    def public_report(self, rng, village, task, period, date, user, low):
        issued = rng.randint(40, 80)
        returned = issued - rng.randint(0, 3)
        record = self._record(
            PublicReport,
            task,
            village,
            period,
            date,
            user,
            ballots_issued=issued,
            ballots_returned=returned,
            notes="",
        )
        if self.light:
            return
        for post_id, _kind, _cadre, _s, _e in _sitting(self.facts, village.pk, date):
            bad = rng.randint(12, 20) if low else rng.randint(0, 4)
            basic = rng.randint(3, 10)
            self.rows[PublicReportVote].append(
                _Row(
                    report_id=record,
                    post_id=post_id,
                    summary="本半年履职情况述职。",
                    satisfied=returned - bad - basic,
                    basically_satisfied=basic,
                    dissatisfied=bad,
                    area_code=village.code,
                )
            )

    def redemption(self, rng, village, task, period, date, user, low):
        record = self._record(
            Redemption,
            task,
            village,
            period,
            date,
            user,
            attendance=rng.randint(40, 120),
            notes="",
        )
        if self.light:
            return
        for post_id, _kind, _cadre, _s, _e in _sitting(self.facts, village.pk, date):
            for promise_id, since, due in self.facts.promises.get(post_id, []):
                if since is None or since > date:
                    continue
                # A promise of a later year is mostly on schedule, not judged (a five-year
                # promise in the term's first year); one due this year is mostly kept, less so
                # in the few villages that vote their cadres down.
                later = not is_due(due, period.year)
                result, appraisal, evidence = _redemption_outcome(rng, later=later, low=low)
                self.rows[PromiseRedemption].append(
                    _Row(
                        redemption_id=record,
                        promise_id=promise_id,
                        result=result,
                        evidence=evidence,
                        appraisal=appraisal,
                        area_code=village.code,
                    )
                )

    def annual_inspection(self, rng, village, task, period, date, user, _low):
        year_end = period.end
        for post_id, _kind, _cadre, _s, _e in _sitting(self.facts, village.pk, year_end):
            for cert_id, issued, state in self.facts.certificates.get(post_id, []):
                if issued > year_end or state != CertificateState.VALID:
                    continue
                verdict = Verdict.PASS if rng.random() < 0.9 else Verdict.BASIC_PASS
                row = _Row(
                    task_id=task,
                    certificate_id=cert_id,
                    year=period.year,
                    evidence={"source": "seed_demo", "year": period.year},
                    verdict=verdict,
                    reasons="" if verdict == Verdict.PASS else "个别承诺事项推进较慢。",
                    state=RecordState.DRAFT,
                    created_by_id=user,
                    completed_by_id=user,
                    completed_at=_at(date),
                    area_code=village.code,
                )
                self.rows[CertificateInspection].append(row)
                self.completed[CertificateInspection].append(row)

    # ---------------------------------------------------------------- problems

    def _problem(self, rng, village, opened, title, category, owner, user, **source) -> None:
        deadline = opened + dt.timedelta(days=30)
        steps = [(ProblemAction.OPEN, "", ProblemState.OPEN, opened, user, "")]
        state, escalation, closed_on = ProblemState.OPEN, Escalation.NONE, None
        age = (self.on - opened).days
        roll = rng.random()
        if age > 20:
            steps.append(
                (
                    ProblemAction.START,
                    ProblemState.OPEN,
                    ProblemState.RECTIFYING,
                    opened + dt.timedelta(days=3),
                    user,
                    "",
                )
            )
            state = ProblemState.RECTIFYING
        keeps_up = not troubled(village.code, self.seed)
        if (age > 45 and roll < 0.85) or (keeps_up and deadline < self.on):
            # closed before its deadline by a village that keeps up
            submitted = opened + dt.timedelta(days=rng.randint(10, 20 if keeps_up else 28))
            closed_on = submitted + dt.timedelta(days=rng.randint(2, 8 if keeps_up else 10))
            steps += [
                (
                    ProblemAction.SUBMIT,
                    ProblemState.RECTIFYING,
                    ProblemState.SUBMITTED,
                    submitted,
                    user,
                    "已整改到位，相关资料已补齐。",
                ),
                (
                    ProblemAction.CLOSE,
                    ProblemState.SUBMITTED,
                    ProblemState.CLOSED,
                    closed_on,
                    user,
                    "经乡镇核查，整改到位，同意销号。",
                ),
            ]
            state = ProblemState.CLOSED
        elif deadline < self.on:
            overdue = (self.on - deadline).days
            escalation = Escalation.COUNTY if overdue >= 30 else Escalation.TOWNSHIP
            steps.append(
                (
                    ProblemAction.ESCALATE,
                    state,
                    state,
                    deadline + dt.timedelta(days=1),
                    None,
                    "逾期未整改，挂账督办。",
                )
            )
            if escalation == Escalation.COUNTY:
                steps.append(
                    (
                        ProblemAction.ESCALATE,
                        state,
                        state,
                        deadline + dt.timedelta(days=30),
                        None,
                        "逾期30日，报县督办。",
                    )
                )
        problem = _Row(
            village_id=village.pk,
            title=title[:100],
            description=title,
            category=category,
            severity=Severity.GENERAL,
            owner_name=owner,
            standard="整改到位、资料齐全、群众认可",
            deadline=deadline,
            state=state,
            escalation=escalation,
            rectification="已整改到位，相关资料已补齐。" if state == ProblemState.CLOSED else "",
            closure_evidence="乡镇核查记录" if state == ProblemState.CLOSED else "",
            opened_by_id=user,
            opened_on=opened,
            closed_by_id=user if state == ProblemState.CLOSED else None,
            closed_on=closed_on,
            area_code=village.code,
            **source,
        )
        step_rows = [
            _Row(
                problem_id=problem,
                action=a,
                from_state=f,
                to_state=t,
                note=n,
                actor_id=u,
                at=_at(d),
                area_code=village.code,
            )
            for a, f, t, d, u, n in steps
        ]
        self.problems.append((problem, step_rows))
        self.totals["problems"] += 1
        self.totals["closed"] += state == ProblemState.CLOSED

    # ---------------------------------------------------------------- writing

    def write(self) -> None:
        """Parents first; completed records are completed after their details are in."""
        order = [
            SupervisionTask,
            Inspection,
            InspectionScore,
            InspectionParticipant,
            InspectionFinding,
            Hearing,
            HearingQuestion,
            Review,
            ReviewScore,
            PublicReport,
            PublicReportVote,
            Redemption,
            PromiseRedemption,
            CertificateInspection,
        ]
        for model in order:
            _insert(model, self.rows[model])
        _insert(Problem, [p for p, _s in self.problems])
        # `at` is auto_now_add, but _insert writes the value a row carries: each step's date.
        _insert(ProblemStep, [s for _p, ss in self.problems for s in ss])
        for model, rows in self.completed.items():
            model.objects.filter(pk__in=[r.id for r in rows]).update(state=RecordState.COMPLETED)


def _at(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


@dataclass(frozen=True)
class _Template:
    pk: int
    item_weights: list[tuple[int, Decimal]]


def _checklists(county_codes: set[str], actor: int, v2_from: Period) -> dict[str, dict]:
    """Each county's checklist: version 1 (retired) and version 2 (in use since `v2_from`)."""
    from django.utils import timezone

    result = {}
    for code in sorted(county_codes):
        versions = {}
        for version, items in ((1, CHECKLIST), (2, CHECKLIST_V2)):
            template, created = InspectionTemplate.objects.get_or_create(
                area_code=code,
                version=version,
                defaults={"name": "村级季度巡查清单", "created_by_id": actor},
            )
            if created:
                InspectionTemplateItem.objects.bulk_create(
                    InspectionTemplateItem(
                        template=template,
                        position=n,
                        section=section,
                        text=text,
                        weight=Decimal(weight),
                        area_code=code,
                    )
                    for n, (section, text, weight) in enumerate(items, 1)
                )
            versions[version] = _Template(
                template.pk, list(template.items.order_by("position").values_list("pk", "weight"))
            )
        started = timezone.make_aware(dt.datetime.combine(v2_from.start, dt.time(9)))
        InspectionTemplate.objects.filter(
            area_code=code, version=1, state=TemplateState.DRAFT
        ).update(state=TemplateState.RETIRED, activated_at=started - dt.timedelta(days=365))
        InspectionTemplate.objects.filter(
            area_code=code, version=2, state=TemplateState.DRAFT
        ).update(state=TemplateState.ACTIVE, activated_at=started)
        result[code] = versions
    return result


def _rectifications(seed: int, villages: list[Village], on: dt.date, people) -> int:
    """Two backward villages of the first county under rectification this year: one accepted
    and visited, one still working through its plan."""
    backward = sorted(villages, key=lambda v: not v.is_backward)[:2]  # the designated first
    rng = random.Random(f"rectification:{seed}")
    year = on.year
    count = 0
    for n, village in enumerate(backward):
        user = people.township_staff.get(village.code[:9]) or people.admin
        passed = n == 0 and on.month >= 10
        rect = _Row(
            village_id=village.pk,
            year=year,
            reasons="村“两委”班子凝聚力不强，集体经济薄弱，群众信访较多。",
            state=RectificationState.PASSED if passed else RectificationState.PLANNED,
            measures="一村一策：调整充实班子；发展大棚蔬菜增加集体收入；建立矛盾纠纷周排查制度。",
            leader=_person(rng),
            work_team="县直部门帮扶工作队3人，乡镇包村干部2人",
            deadline=dt.date(year, 9, 30),
            applied_on=dt.date(year, 9, 5) if passed else None,
            accepted_on=dt.date(year, 9, 20) if passed else None,
            acceptance_by="县委组织部验收组" if passed else "",
            acceptance_notes="班子运转正常，集体收入达标，群众满意度提升。" if passed else "",
            designated_by_id=people.county_staff.get(village.code[:6]) or user,
            area_code=village.code,
        )
        _insert(Rectification, [rect])
        months = [dt.date(year, m, 1) for m in range(2, min(on.month, 10 if passed else 12) + 1)]
        _insert(
            RectificationProgress,
            [
                _Row(
                    rectification_id=rect,
                    month=m,
                    progress=rng.choice(
                        [
                            "召开把脉会诊会，梳理问题清单。",
                            "新建大棚6个，完成土地流转。",
                            "排查化解矛盾纠纷3起。",
                            "召开党员大会，开展集中学习。",
                        ]
                    ),
                    recorded_by_id=user,
                    area_code=village.code,
                )
                for m in months
                if m < on
            ],
        )
        if passed and on > dt.date(year, 10, 20):
            _insert(
                FollowUpVisit,
                [
                    _Row(
                        rectification_id=rect,
                        date=dt.date(year, 10, 20),
                        visitor=_person(rng),
                        findings="整顿成果巩固，未发现反弹。",
                        relapsed=False,
                        recorded_by_id=user,
                        area_code=village.code,
                    )
                ],
            )
        count += 1
    Village.objects.filter(pk__in=[v.pk for v in backward]).update(is_backward=True)
    return count


PRESENCE_WORK = [
    "入户走访困难群众，了解生产生活情况",
    "参加村“两委”会议，研究冬季防火工作",
    "督导村务公开栏更新，核对第四季度财务公开内容",
    "调解邻里宅基地纠纷",
    "检查村集体大棚项目进度",
    "召开党员大会，开展集中学习",
    "接待群众来访，登记反映问题",
    "指导村文书整理三资台账",
]
#: weeks of presence the demo gives: the finished ones before the current week
PRESENCE_WEEKS = 4
#: the share of (cadre, village, week) duties the demo leaves short of the norm
PRESENCE_SHORT_SHARE = 0.15


def _presence(seed: int, villages: list[Village], on: dt.date) -> int:
    """Visits of the first county's contact cadres and work teams over the last four finished
    weeks and the current one so far: most meet the county's norm (half a day; a day for a
    backward village's work team), about one duty in seven falls short; then the finished weeks
    are evaluated."""
    from . import services
    from .selectors.presence import presence_due

    rng = random.Random(f"presence:{seed}")
    current = week_start(on)
    mondays = [current - dt.timedelta(days=7 * n) for n in range(PRESENCE_WEEKS, -1, -1)]
    by_pk = {v.pk: v for v in villages}
    scope = Village.objects.filter(pk__in=by_pk)
    used: dict[tuple[int, dt.date], int] = defaultdict(int)
    rows = []
    for monday in mondays:
        # Who owes what that week, as the norm's rules say (contact cadres, work teams).
        dues = presence_due(monday, scope)
        # The week's share of duties left short, drawn as a number (a small county's week
        # always shows a few).
        # (only in the villages that fall behind)
        behind = [i for i, due in enumerate(dues) if troubled(by_pk[due.village_id].code, seed)]
        k = max(1, round(len(behind) * PRESENCE_SHORT_SHARE)) if behind else 0
        short = set(rng.sample(behind, k))
        for i, due in enumerate(dues):
            cadre_id, village_id, norm = due.person_id, due.village_id, due.required
            village = by_pk[village_id]
            owed = norm
            if i in short:
                owed = rng.randrange(norm)  # short: none, or one half day of a backward day
            days = [monday + dt.timedelta(days=d) for d in range(5)]  # the working days
            rng.shuffle(days)
            for day in days:
                if owed <= 0:
                    break
                if day > on:
                    continue
                half_days = min(owed, HALF_DAYS_A_DAY - used[(cadre_id, day)], rng.choice([1, 2]))
                if half_days <= 0:
                    continue
                used[(cadre_id, day)] += half_days
                owed -= half_days
                rows.append(
                    _Row(
                        person_id=cadre_id,
                        village_id=village_id,
                        date=day,
                        half_days=half_days,
                        work_done=rng.choice(PRESENCE_WORK),
                        photo="",
                        recorded_by_id=cadre_id,
                        area_code=village.code,
                    )
                )
    _insert(PresenceVisit, rows)
    codes = [v.code for v in villages]
    for monday in mondays[:-1]:
        services.presence_evaluate_week(week=monday, village_codes=codes)
    return len(rows)


@transaction.atomic
def build_supervision_demo(
    *,
    seed: int,
    villages: QuerySet[Village] | None = None,
    on: dt.date | None = None,
    quarters: int = 4,
) -> SupervisionDemoResult:
    """Give every village without duties `quarters` finished quarters of supervision (four by
    default; twenty make the five years of the benchmark) and the current one, then evaluate
    the warnings."""
    from . import services

    started = time.perf_counter()
    on = on or local_today()
    villages = Village.objects.all() if villages is None else villages
    todo = list(
        villages.exclude(pk__in=SupervisionTask.objects.values("village_id"))
        .order_by("code")
        .only("pk", "code", "name", "is_backward")
    )
    if not todo:
        return SupervisionDemoResult(seconds=time.perf_counter() - started)
    # Large runs are light except in the first county, the one a reader opens.
    light = len(todo) > LIGHT_ABOVE
    first = first_county(v.code for v in todo)
    people = _people()
    periods = window(on, quarters)
    templates = _checklists({v.code[:6] for v in todo}, people.admin or people.persona, periods[2])
    totals: dict[str, int] = defaultdict(int)
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
    with pghistory.context(source="seed_demo", seed=seed):
        for start in range(0, len(todo), 500):
            batch = todo[start : start + 500]
            builder = _Builder(
                seed=seed,
                on=on,
                people=people,
                templates=templates,
                facts=_facts([v.pk for v in batch]),
                light=light,
                quarters=quarters,
            )
            for village in batch:
                builder.light = light and village.code[:6] != first
                builder.village(village)
            builder.write()
            for key, value in builder.totals.items():
                totals[key] += value
        in_first = [v for v in todo if v.code[:6] == first]
        totals["rectifications"] = _rectifications(seed, in_first, on, people)
        # After the rectifications, which mark the backward villages whose norm is higher.
        for v in in_first:
            v.refresh_from_db(fields=["is_backward"])
        # Before the presence: the work teams of the backward villages owe the team's norm.
        from .demo_links import build_links_demo

        totals["leader_links"], leader_visits = build_links_demo(
            seed=seed, villages=in_first, on=on, actor=people.persona or people.admin
        )
        totals["presence_visits"] = _presence(seed, in_first, on) + leader_visits
        totals["quarterly_reports"] = build_quarterly_demo(
            seed=seed, villages=in_first, on=on, recorder=people.persona or people.admin
        )
        services.warnings_evaluate(on=on, village_codes=[v.code for v in todo])
        from .demo_fivegood import build_fivegood_demo

        totals["five_good_ratings"] = build_fivegood_demo(
            seed=seed, villages=in_first, on=on, people=people
        )
    from .models import VillageWarning

    totals["warnings"] = (
        VillageWarning.objects.filter(village__in=[v.pk for v in todo], level__gt=0).count()
        if len(todo) <= LIGHT_ABOVE
        else VillageWarning.objects.raised().count()
    )
    return SupervisionDemoResult(
        villages=len(todo), **totals, light=light, seconds=time.perf_counter() - started
    )
