"""Enumerations of the supervision app (双监督)."""

import datetime as dt
import enum

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", _("Quarter")
    HALF = "half", _("Half-year")
    YEAR = "year", _("Year")


class TaskKind(models.TextChoices):
    """The recurring duties of the cycle (seed 000): each is planned per village and period."""

    INSPECTION = "inspection", _("Quarterly inspection")
    HEARING = "hearing", _("Village-affairs hearing")
    REVIEW = "review", _("Semi-annual review")
    PUBLIC_REPORT = "public_report", _("Public report and vote")
    REDEMPTION = "redemption", _("Pledge redemption")
    ANNUAL_INSPECTION = "annual_inspection", _("Annual certificate inspection")


#: the period each duty recurs on
TASK_PERIOD = {
    TaskKind.INSPECTION: PeriodKind.QUARTER,
    TaskKind.HEARING: PeriodKind.QUARTER,
    TaskKind.REVIEW: PeriodKind.HALF,
    TaskKind.PUBLIC_REPORT: PeriodKind.HALF,
    TaskKind.REDEMPTION: PeriodKind.YEAR,
    TaskKind.ANNUAL_INSPECTION: PeriodKind.YEAR,
}
#: duties organized by the township (top-down); the rest by the contact cadre (bottom-up)
TOP_DOWN = {TaskKind.INSPECTION, TaskKind.REVIEW, TaskKind.ANNUAL_INSPECTION}
#: months after the period's first month whose last day is the default due date
DEFAULT_DUE_MONTHS: dict[str, int] = {
    TaskKind.INSPECTION: 2,  # by the end of the quarter's second month
    TaskKind.HEARING: 3,
    TaskKind.REVIEW: 6,
    TaskKind.PUBLIC_REPORT: 6,
    TaskKind.REDEMPTION: 12,
    TaskKind.ANNUAL_INSPECTION: 13,  # by the end of January of the next year
}


class TaskState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OVERDUE = "overdue", _("Overdue")
    DONE = "done", _("Done")


class RecordState(models.TextChoices):
    """A supervision record is drafted, then completed; completed records are frozen."""

    DRAFT = "draft", _("Draft")
    COMPLETED = "completed", _("Completed")


class TemplateState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("In use")
    RETIRED = "retired", _("Retired")


class ParticipantKind(models.TextChoices):
    TOWNSHIP_OFFICIAL = "township_official", _("Township official")
    STATION = "station", _("Township station or office")
    PARTY_REP = "party_rep", _("Party congress representative")
    NPC_REP = "npc_rep", _("People's congress deputy")
    CPPCC = "cppcc", _("CPPCC member")
    OTHER = "other", _("Other")


class Grade(models.TextChoices):
    """The grades of a cadre's semi-annual review (评议等次)."""

    EXCELLENT = "excellent", _("Excellent")
    COMPETENT = "competent", _("Competent")
    BASIC = "basic", _("Basically competent")
    INCOMPETENT = "incompetent", _("Incompetent")


DEFAULT_REVIEW_DIMENSIONS = ["德", "能", "勤", "绩", "廉"]
#: the lowest average score of each grade, best first
DEFAULT_GRADE_FLOORS = {"excellent": 90, "competent": 75, "basic": 60, "incompetent": 0}


class Verdict(models.TextChoices):
    PASS = "pass", _("Pass")
    BASIC_PASS = "basic_pass", _("Basic pass")
    FAIL = "fail", _("Fail")


class AskerKind(models.TextChoices):
    PARTY_MEMBER = "party_member", _("Party member")
    REPRESENTATIVE = "representative", _("Villager representative")
    VILLAGER = "villager", _("Villager")


class QuestionCategory(models.TextChoices):
    FINANCE = "finance", _("Finances and collective property")
    LAND = "land", _("Land and resources")
    PROJECTS = "projects", _("Projects and construction")
    WELFARE = "welfare", _("Subsidies and welfare")
    AFFAIRS = "affairs", _("Village affairs and openness")
    CONDUCT = "conduct", _("Cadres' conduct")
    OTHER = "other", _("Other")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class Fulfilment(models.TextChoices):
    """A promise's outcome at a yearly redemption. A promise due by the redemption's year is
    judged (兑现, 部分兑现, 未兑现); one due in a later year is kept early (兑现), on
    schedule (按计划推进) or not yet due (未到期), and only a kept one counts in the rate."""

    FULFILLED = "fulfilled", _("Fulfilled")
    PARTLY = "partly", _("Partly fulfilled")
    NOT = "not", _("Not fulfilled")
    ON_TRACK = "on_track", _("On schedule")
    NOT_DUE = "not_due", _("Not yet due")


#: the outcomes a promise due by the redemption's year may have (all count in the rate)
DUE_OUTCOMES = (Fulfilment.FULFILLED, Fulfilment.PARTLY, Fulfilment.NOT)
#: the outcomes a promise due in a later year may have (only 兑现 counts in the rate)
LATER_OUTCOMES = (Fulfilment.FULFILLED, Fulfilment.ON_TRACK, Fulfilment.NOT_DUE)


def is_due(due_date: dt.date, year: int) -> bool:
    """Whether a promise due on `due_date` is due at the redemption of `year`: due in that very
    year (even on 31 December, after the meeting) or before it."""
    return due_date.year <= year


def outcomes_for(due_date: dt.date, year: int) -> tuple[Fulfilment, ...]:
    """The outcomes a promise due on `due_date` may have at the redemption of `year`."""
    return DUE_OUTCOMES if is_due(due_date, year) else LATER_OUTCOMES


class ProblemSource(models.TextChoices):
    INSPECTION = "inspection", _("Inspection finding")
    HEARING = "hearing", _("Hearing follow-up")
    QUESTION = "question", _("Unsatisfied question")
    AUDIT = "audit", _("Audit finding")
    DISCLOSURE = "disclosure", _("Disclosure question")
    SCREENING = "screening", _("Screening")
    OTHER = "other", _("Other")


class ProblemCategory(models.TextChoices):
    FINANCE = "finance", _("Finances and collective property")
    PARTY = "party", _("Party organization")
    AFFAIRS = "affairs", _("Village affairs and openness")
    CONDUCT = "conduct", _("Cadres' conduct")
    SERVICES = "services", _("Services to villagers")
    STABILITY = "stability", _("Stability and disputes")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    GENERAL = "general", _("General")
    SERIOUS = "serious", _("Serious")
    CRITICAL = "critical", _("Critical")


class ProblemState(models.TextChoices):
    OPEN = "open", _("Awaiting rectification")
    RECTIFYING = "rectifying", _("Being rectified")
    SUBMITTED = "submitted", _("Awaiting verification")
    CLOSED = "closed", _("Struck off")
    # A struck-off problem that came back: open again, and showing that it was closed once.
    REOPENED = "reopened", _("Reopened")


class Escalation(models.TextChoices):
    NONE = "none", _("Not escalated")
    TOWNSHIP = "township", _("Supervised by the township")
    COUNTY = "county", _("Supervised by the county")


class ProblemAction(models.TextChoices):
    OPEN = "open", _("Registered")
    START = "start", _("Rectification started")
    SUBMIT = "submit", _("Sent for verification")
    CLOSE = "close", _("Struck off")
    REJECT = "reject", _("Sent back")
    REOPEN = "reopen", _("Reopened")
    ESCALATE = "escalate", _("Escalated")
    EDIT = "edit", _("Edited")


class WarningLevel(models.IntegerChoices):
    NONE = 0, _("No warning")
    YELLOW = 1, _("Yellow")
    ORANGE = 2, _("Orange")
    RED = 3, _("Red")


class WarningRule(models.TextChoices):
    """The explainable rules of the warning (预警); each reason names one."""

    TASK_OVERDUE = "task_overdue", _("Supervision overdue")
    PROBLEM_OVERDUE = "problem_overdue", _("Problems past their deadline")
    LOW_SATISFACTION = "low_satisfaction", _("Low satisfaction in the vote")
    NO_DISCLOSURE = "no_disclosure", _("No published disclosure for the last quarter")
    HANDOVER_OVERDUE = "handover_overdue", _("Handover overdue")
    CERTIFICATE_SUSPENDED = "certificate_suspended", _("Certificate suspended")
    LOW_REDEMPTION = "low_redemption", _("Low pledge redemption")
    BACKWARD = "backward", _("Backward village")
    PRESENCE_SHORT = "presence_short", _("Contact cadres below the presence norm")
    DECISION_RESULT_LATE = "decision_result_late", _("Decision results not made public")
    RESERVE_SHORT = "reserve_short", _("Reserve cadres below the norm")
    APPRAISAL_POOR = "appraisal_poor", _("Secretary graded poor in the yearly appraisal")
    YELLOW_CARD = "yellow_card", _("Township under a yellow card")
    NO_SIGNING = "no_signing", _("A month without a signing day (联签)")
    UNSIGNED_VOUCHERS = "unsigned_vouchers", _("Vouchers waiting for signatures (联签)")
    QUARTERLY_MISSING = "quarterly_missing", _("Cadres without their quarterly report")
    LEADER_IDLE = "leader_idle", _("A linked leader did not visit in the last quarter")


#: the level each rule raises by default; a county may change them
DEFAULT_RULE_LEVELS = {
    WarningRule.TASK_OVERDUE: WarningLevel.YELLOW,
    WarningRule.PROBLEM_OVERDUE: WarningLevel.YELLOW,
    WarningRule.LOW_SATISFACTION: WarningLevel.ORANGE,
    WarningRule.NO_DISCLOSURE: WarningLevel.YELLOW,
    WarningRule.HANDOVER_OVERDUE: WarningLevel.ORANGE,
    WarningRule.CERTIFICATE_SUSPENDED: WarningLevel.RED,
    WarningRule.LOW_REDEMPTION: WarningLevel.ORANGE,
    WarningRule.BACKWARD: WarningLevel.ORANGE,
    WarningRule.PRESENCE_SHORT: WarningLevel.YELLOW,
    WarningRule.DECISION_RESULT_LATE: WarningLevel.YELLOW,
    WarningRule.RESERVE_SHORT: WarningLevel.YELLOW,
    WarningRule.APPRAISAL_POOR: WarningLevel.ORANGE,
    WarningRule.YELLOW_CARD: WarningLevel.YELLOW,
    WarningRule.NO_SIGNING: WarningLevel.YELLOW,
    WarningRule.UNSIGNED_VOUCHERS: WarningLevel.YELLOW,
    WarningRule.QUARTERLY_MISSING: WarningLevel.YELLOW,
    WarningRule.LEADER_IDLE: WarningLevel.YELLOW,
}


class RectificationState(models.TextChoices):
    DESIGNATED = "designated", _("Designated as backward")
    PLANNED = "planned", _("Plan made")
    APPLIED = "applied", _("Applied for acceptance")
    PASSED = "passed", _("Passed acceptance")
    FAILED = "failed", _("Failed acceptance")


class PresenceRole(models.TextChoices):
    """Whose presence norm applies to a contact cadre in a village: the township's contact
    cadre (seed 001: half a day a week) or, in a designated backward village, the work team
    (seed 002: at least one day a week)."""

    CONTACT_CADRE = "contact_cadre", _("Contact cadre")
    WORK_TEAM = "work_team", _("Backward-village work team")


#: a day has two halves: the half days one person records on one date, across all villages
HALF_DAYS_A_DAY = 2
#: a visit may be recorded this many days after it (a phone offline, a busy week); older
#: visits are the township's to explain, not to add
PRESENCE_BACKDATE_DAYS = 30
#: the norms of a county without its own (half days a week per village)
DEFAULT_PRESENCE_NORMS = {PresenceRole.CONTACT_CADRE: 1, PresenceRole.WORK_TEAM: 2}
#: a visit's photo: at most this many bytes, of these types
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


class FiveGood(models.TextChoices):
    """The five 好 of a village party organization the county rates yearly ("五好"村党组织):
    a good leadership team, a good leader (the secretary), good rules followed, good results,
    and the people's good opinion."""

    TEAM = "team", _("Good leadership team")
    LEADER = "leader", _("Good leader")
    SYSTEM = "system", _("Good rules and practice")
    RESULTS = "results", _("Good results")
    REPUTATION = "reputation", _("Good standing with the people")


class RatingState(models.TextChoices):
    """A 五好 rating: proposed by the township, returned to it or confirmed by the county
    (final: a change is a correction, a new confirmed rating)."""

    PROPOSED = "proposed", _("Proposed by the township")
    RETURNED = "returned", _("Returned to the township")
    CONFIRMED = "confirmed", _("Confirmed by the county")


#: a county without its own criteria rates against these: the description of each 好 and the
#: threshold (a rate 0-1) the evidence is held against (see supervision.selectors.fivegood)
DEFAULT_FIVE_GOOD_CRITERIA = {
    FiveGood.TEAM: (
        "两委班子团结协作，半年评议中称职以上（优秀、称职）的干部占比达到标准，无不称职干部。",
        "0.800",
    ),
    FiveGood.LEADER: (
        "党支部书记、主任两证年检合格，任职资格证书未被暂停，任职承诺兑现率达到标准。",
        "0.800",
    ),
    FiveGood.SYSTEM: (
        "一季一巡查、听证质询、半年评议、公开述职等制度按时落实，三资每季度公开。",
        "0.900",
    ),
    FiveGood.RESULTS: (
        "问题台账整改销号率达到标准，年底无逾期未整改问题。",
        "0.800",
    ),
    FiveGood.REPUTATION: (
        "公开述职民主测评满意率达到标准，村无橙色、红色预警。",
        "0.800",
    ),
}


# ------------------------------------------------------------------ 四述双评


class ReporterKind(models.TextChoices):
    """Who reports quarterly to the township party committee (seed 000, 四述双评): the village's
    two-committee cadres, and the leaders of the township's contact teams (包村工作队负责人)."""

    VILLAGE_CADRE = "village_cadre", _("Village cadre")
    CONTACT_LEADER = "contact_leader", _("Contact-team leader")


class QuarterlyReportState(models.TextChoices):
    """A quarterly report is heard (reported), then commented on the spot and scored: final."""

    REPORTED = "reported", _("Reported, awaiting the score")
    SCORED = "scored", _("Commented and scored")


#: the allowed transitions of a quarterly report, checked in one place (the services)
QUARTERLY_REPORT_TRANSITIONS: dict[str, set[str]] = {
    QuarterlyReportState.REPORTED: {QuarterlyReportState.SCORED},
    QuarterlyReportState.SCORED: set(),
}


class YearEndGrade(models.TextChoices):
    """The year-end overall evaluation's grade (年终总评), by the county's score bands."""

    EXCELLENT = "excellent", _("Excellent")
    COMPETENT = "competent", _("Competent")
    BASIC = "basic", _("Basically competent")
    INCOMPETENT = "incompetent", _("Incompetent")


#: the bands of a county that set none: the lowest overall score of each grade above the last
DEFAULT_GRADE_BANDS = {"excellent_min": 90, "competent_min": 75, "basic_min": 60}
#: a quarter's report is heard in the quarter or within this many days after it
QUARTERLY_REPORT_GRACE_DAYS = 31
#: the township confirms the year-end evaluation from this month of the year on
YEAR_END_FROM_MONTH = 12


class FieldFormKind(enum.StrEnum):
    """The field forms a phone may send offline (issue 21), each accepted once per key (the
    kind of a `Submission`: kept for the record, never shown, so without labels)."""

    PRESENCE = "presence"
    HEARING_START = "hearing_start"
    HEARING = "hearing"
    PUBLIC_REPORT_START = "public_report_start"
    PUBLIC_REPORT = "public_report"
    REDEMPTION_START = "redemption_start"
    REDEMPTION = "redemption"
    INSPECTION_START = "inspection_start"
    INSPECTION = "inspection"


# ------------------------------------------------------------------ 双联一带, 四包, work teams


class LeaderLevel(models.TextChoices):
    """A linked leader's level (seed 000: every county and township leader links villages)."""

    COUNTY = "county", _("County leader")
    TOWNSHIP = "township", _("Township leader")


class LinkKind(models.TextChoices):
    """What a leader's link to a village is for: 双联一带 (a model village and a backward branch)
    and 四包 (the county's leaders and departments take on the hard, disorderly, poor and weak
    villages)."""

    MODEL = "model", _("Model village (party-building)")
    BACKWARD = "backward", _("Backward branch")
    HARD = "hard", _("Hard village")
    DISORDERLY = "disorderly", _("Disorderly village")
    POOR = "poor", _("Poor village")
    WEAK = "weak", _("Weak village")


#: 一定三年不变: a link is made for three years
LINK_TERM_YEARS = 3


class WorkTeamRole(models.TextChoices):
    """A member's role in a village's work team (驻村工作队, 包村工作组)."""

    FIRST_SECRETARY = "first_secretary", _("First secretary")
    LEADER = "leader", _("Team leader")
    MEMBER = "member", _("Team member")


#: the roles that lead a team (they report quarterly as contact-team leaders, 四述双评)
WORK_TEAM_LEADS = (WorkTeamRole.FIRST_SECRETARY, WorkTeamRole.LEADER)
