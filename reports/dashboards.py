"""The county and township dashboards: who may open one, and every figure on it.

Everything comes from `reports.figures.period_figures` and `quarter_trend` plus two queries of
this module (problem ageing and the reasons of the raised warnings), so a dashboard costs the same
number of queries for 2 villages as for 250. The same `Dashboard` feeds the page, its charts
(`chart_data`), the Excel workbook and the API (`as_dict`).

Ranking: a township's (or village's) score is the weighted mean, on 0-100, of three rates of the
period: duties done on time (inspections, hearings, reviews and public reports pooled) 50%, vote
satisfaction 30%, villages without a warning 20%. A part without data (no vote counted yet) is left
out and the weights of the others are scaled up, so a quarter without votes is not a zero.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cadres.selectors import recent_yellow_cards
from core import rates
from core.dates import today
from core.rights import Right, scope_for
from supervision.choices import PeriodKind, ProblemState, TaskKind, WarningLevel
from supervision.models import Problem, VillageWarning
from supervision.periods import Period
from villages.choices import RegionLevel
from villages.models import Region

from .figures import ACTIVITIES, Figures, FigureSet, Row, period_figures, quarter_trend
from .freshness import recipe

COUNTY, TOWNSHIP = "county", "township"

ACTIVITY_LABELS = {
    TaskKind.INSPECTION: _("Inspections"),
    TaskKind.HEARING: _("Hearings"),
    TaskKind.REVIEW: _("Reviews"),
    TaskKind.PUBLIC_REPORT: _("Public reports"),
}
AGEING_BUCKETS = (
    ("not_due", _("Not yet due")),
    ("d1_30", _("1–30 days overdue")),
    ("d31_90", _("31–90 days overdue")),
    ("over_90", _("More than 90 days overdue")),
)
SATISFACTION_BANDS = (
    ("none", _("No vote counted")),
    ("lt60", _("Below 60%")),
    ("60_80", _("60% to 80%")),
    ("80_90", _("80% to 90%")),
    ("ge90", _("90% and above")),
)
RAISED = (WarningLevel.RED, WarningLevel.ORANGE, WarningLevel.YELLOW)
#: villages named per warning level on a dashboard; the others are on the list behind the count
WARNING_VILLAGES_SHOWN = 10
#: the parts of the ranking score and their weights (see the module's docstring)
RANK_WEIGHTS = (("on_time", 50), ("satisfaction", 30), ("no_warning", 20))
RANK_LABELS = {
    "on_time": _("Duties done on time"),
    "satisfaction": _("Satisfaction"),
    "no_warning": _("Villages without a warning"),
}


# ------------------------------------------------------------------ access


def may_view(user, level: str, code: str) -> bool:
    """County dashboards are for the county's supervisors; a township's for its staff too (not
    for a contact cadre, who sees single villages)."""
    return scope_for(user).allows(Right.SUPERVISE if level == COUNTY else Right.SEE_FIGURES, code)


def dashboard_area(user, code: str, level: str | None = None) -> Region:
    """The county or township of a dashboard: 404 if the user cannot see the region at all,
    403 if they see it but may not open its dashboard."""
    level = level or {6: COUNTY, 9: TOWNSHIP}.get(len(code))
    region_level = {COUNTY: RegionLevel.COUNTY, TOWNSHIP: RegionLevel.TOWNSHIP}.get(level)
    region = (
        Region.objects.visible_to(user)
        .select_related("parent")
        .filter(code=code, level=region_level)
        .first()
        if region_level and code.isdigit()
        else None
    )
    if region is None:
        raise Http404
    if not may_view(user, level, code):
        raise PermissionDenied
    return region


def dashboard_url(level: str, code: str, period: Period | None = None) -> str:
    url = reverse(f"reports:{level}-dashboard", args=[code])
    return f"{url}?{urlencode({'period': str(period)})}" if period else url


def village_list_url(area: str, period: Period, figure: str, **extra) -> str:
    """The page listing the villages behind one figure (`reports:village-figures`)."""
    query = {"area": area, "period": str(period), "figure": figure, **extra}
    return f"{reverse('reports:village-figures')}?{urlencode(query)}"


def village_url(code: str) -> str:
    return reverse("supervision:village-supervision", args=[code])


def parse_period(value: str | None, on: dt.date) -> Period:
    """The period of `?period=` (a quarter, half-year or year), else the current quarter."""
    if value:
        try:
            return Period.parse(value)
        except ValidationError:
            pass
    return Period.containing(PeriodKind.QUARTER, on)


def recent_quarters(on: dt.date, count: int = 8) -> list[Period]:
    """The current quarter and those before it, newest first (the period picker)."""
    quarters = [Period.containing(PeriodKind.QUARTER, on)]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return quarters


# ------------------------------------------------------------------ figures of this module


def problem_ageing(prefix: str, as_of: dt.date) -> dict[str, dict[str, int]]:
    """Unresolved problems on `as_of` per village by days past their deadline: one query."""
    unresolved = Q(area_code__startswith=prefix, opened_on__lte=as_of) & (
        ~Q(state=ProblemState.CLOSED) | Q(closed_on__gt=as_of)
    )
    day = dt.timedelta(days=1)
    rows = (
        Problem.objects.filter(unresolved)
        .values("area_code")
        .annotate(
            not_due=Count("pk", filter=Q(deadline__gte=as_of)),
            d1_30=Count("pk", filter=Q(deadline__lt=as_of, deadline__gte=as_of - 30 * day)),
            d31_90=Count(
                "pk", filter=Q(deadline__lt=as_of - 30 * day, deadline__gte=as_of - 90 * day)
            ),
            over_90=Count("pk", filter=Q(deadline__lt=as_of - 90 * day)),
        )
        .order_by()
    )
    return {row.pop("area_code"): row for row in rows}


def warning_reasons(prefix: str) -> dict[str, list[str]]:
    """The reasons in words of every raised warning under `prefix`: one query."""
    rows = VillageWarning.objects.filter(
        area_code__startswith=prefix, level__gt=WarningLevel.NONE
    ).values_list("area_code", "reasons")
    return {code: [r.get("text", "") for r in reasons or []] for code, reasons in rows}


def satisfaction_band(rate: Decimal | None) -> str:
    if rate is None:
        return "none"
    if rate < Decimal("0.6"):
        return "lt60"
    if rate < Decimal("0.8"):
        return "60_80"
    if rate < Decimal("0.9"):
        return "80_90"
    return "ge90"


def duties_on_time(figures: Figures) -> tuple[int, int]:
    """(done on time, planned) of the four activities pooled."""
    planned = sum(figures.planned.get(k, 0) for k in ACTIVITIES)
    return sum(figures.on_time.get(k, 0) for k in ACTIVITIES), planned


def score_parts(figures: Figures) -> dict[str, Decimal | None]:
    on_time, planned = duties_on_time(figures)
    return {
        "on_time": rates.on_time_rate(on_time=on_time, planned=planned),
        "satisfaction": figures.satisfaction_rate,
        "no_warning": rates.share(
            figures.warnings.get(int(WarningLevel.NONE), 0), figures.villages
        ),
    }


def composite_score(figures: Figures) -> Decimal | None:
    """The ranking score on 0-100 (see the module's docstring); None without any data."""
    parts = score_parts(figures)
    return rates.weighted_score((w, parts[k]) for k, w in RANK_WEIGHTS)


# ------------------------------------------------------------------ the dashboard


@dataclass
class Figure:
    """One headline figure: `value` is a count or a rate (Decimal 0-1), `url` its villages."""

    key: str
    label: str
    value: int | Decimal | None
    is_rate: bool = False
    url: str = ""
    detail: str = ""


@dataclass
class Cell:
    """One activity of one row of the matrix."""

    kind: str
    planned: int
    on_time: int
    overdue: int
    rate: Decimal | None
    url: str = ""


@dataclass
class Unit:
    """A township of the county dashboard or a village of the township dashboard."""

    code: str
    name: str
    url: str  # the township's dashboard or the village's supervision tab
    figures: Figures
    cells: list[Cell]
    ageing: dict[str, int]
    warning_level: int
    score: Decimal | None
    parts: dict[str, Decimal | None]
    rank: int = 0
    links: dict[str, str] = field(default_factory=dict)  # figure → its village list


@dataclass
class Dashboard:
    """Every figure of a county's or a township's dashboard for one period."""

    level: str
    area: Region
    period: Period
    on: dt.date
    figureset: FigureSet
    headline: list[Figure]
    units: list[Unit]
    ranking: list[Unit]
    warnings: list[tuple[int, str, list[dict]]]  # level, label, villages
    ageing: list[tuple[str, str, int, str]]  # bucket, label, problems, url
    satisfaction: list[tuple[str, str, int, str]]  # band, label, villages, url
    trend: list[dict]
    reasons: dict[str, list[str]]
    ageing_by_village: dict[str, dict[str, int]]

    @property
    def as_of(self) -> dt.date:
        """The day the figures are taken on: the period's end, or today while it runs."""
        return min(self.period.end, self.on)

    @property
    def warnings_shown(self) -> list[tuple[int, str, list[dict], int, str]]:
        """The warnings for the page: level, label, the first villages, how many, and the
        list of them all (a county can have hundreds)."""
        return [
            (lvl, label, villages[:WARNING_VILLAGES_SHOWN], len(villages), self._w_url(lvl))
            for lvl, label, villages in self.warnings
        ]

    @property
    def unit_label(self):
        return _("Township") if self.level == COUNTY else _("Village")

    @property
    def activities(self):
        return [(k, ACTIVITY_LABELS[k]) for k in ACTIVITIES]

    def chart_data(self) -> dict:
        """What static/js/dashboard.js draws: labels in the user's language, rates in %."""
        return {
            "units": [u.name for u in self.units],
            "unit_urls": [u.url for u in self.units],
            "matrix": [
                {
                    "name": str(label),
                    "data": [rates.percent_number(u.cells[i].rate) for u in self.units],
                }
                for i, (_kind, label) in enumerate(self.activities)
            ],
            "warnings": [
                {"level": int(lvl), "name": str(label), "value": len(v), "url": self._w_url(lvl)}
                for lvl, label, v in self.warnings
            ],
            "ageing": [
                {"name": str(label), "value": n, "url": url} for _b, label, n, url in self.ageing
            ],
            "satisfaction": [
                {"name": str(label), "value": n, "url": url}
                for _b, label, n, url in self.satisfaction
            ],
            "trend": {
                "periods": [t["label"] for t in self.trend],
                "series": [
                    {
                        "name": str(ACTIVITY_LABELS[TaskKind.INSPECTION]),
                        "data": [rates.percent_number(t["inspection"]) for t in self.trend],
                    },
                    {
                        "name": str(ACTIVITY_LABELS[TaskKind.HEARING]),
                        "data": [rates.percent_number(t["hearing"]) for t in self.trend],
                    },
                ],
                "problems_name": str(_("Problems registered")),
                "problems": [t["problems_opened"] for t in self.trend],
            },
            "ranking": {
                "names": [u.name for u in reversed(self.ranking)],
                "scores": [_number(u.score) for u in reversed(self.ranking)],
                "urls": [u.url for u in reversed(self.ranking)],
            },
        }

    def _w_url(self, level) -> str:
        return village_list_url(self.area.code, self.period, "warning", level=int(level))

    def as_dict(self) -> dict:
        """The API's JSON: codes and numbers, rates as fractions 0-1."""
        total = self.figureset.total
        return {
            "level": self.level,
            "code": self.area.code,
            "name": self.area.name,
            "period": str(self.period),
            "period_label": self.period.label(),
            "as_of": self.as_of.isoformat(),
            "headline": {f.key: _number(f.value) for f in self.headline},
            "units": [
                {
                    "code": u.code,
                    "name": u.name,
                    "villages": u.figures.villages,
                    "activities": {
                        c.kind: {
                            "planned": c.planned,
                            "on_time": c.on_time,
                            "overdue": c.overdue,
                            "rate": _number(c.rate),
                        }
                        for c in u.cells
                    },
                    "satisfaction_rate": _number(u.figures.satisfaction_rate),
                    "fulfilment_rate": _number(u.figures.fulfilment_rate),
                    "five_good_rated": u.figures.five_good_rated,
                    "five_good": u.figures.five_good,
                    "five_good_rate": _number(u.figures.five_good_rate),
                    "problems_opened": u.figures.problems_opened,
                    "problems_closed": u.figures.problems_closed,
                    "problems_overdue": u.figures.problems_overdue,
                    "disclosures": u.figures.disclosures,
                    "handovers_signed": u.figures.handovers_signed,
                    "certificates_suspended": u.figures.certificates_suspended,
                    "decisions_awaiting_result": u.figures.decisions_awaiting_result,
                    "decision_results_overdue": u.figures.decision_results_overdue,
                    "decision_results_rate": _number(u.figures.decision_results_rate),
                    "warning_level": u.warning_level,
                    "warnings": {str(k): v for k, v in sorted(u.figures.warnings.items())},
                    "ageing": u.ageing,
                    "score": _number(u.score),
                    "rank": u.rank,
                }
                for u in self.units
            ],
            "warnings": [
                {"level": int(lvl), "villages": villages} for lvl, _label, villages in self.warnings
            ],
            "ageing": {bucket: n for bucket, _label, n, _url in self.ageing},
            "satisfaction": {band: n for band, _label, n, _url in self.satisfaction},
            "trend": [
                {
                    "period": t["period"],
                    "inspection": _number(t["inspection"]),
                    "hearing": _number(t["hearing"]),
                    "problems_opened": t["problems_opened"],
                }
                for t in self.trend
            ],
            "ranking": [
                {"rank": u.rank, "code": u.code, "name": u.name, "score": _number(u.score)}
                for u in self.ranking
            ],
            "ranking_weights": dict(RANK_WEIGHTS),
            "villages": total.villages,
        }


def _number(value):
    """Decimal → float for JSON (rates and scores are already rounded)."""
    return float(value) if isinstance(value, Decimal) else value


def _cells(figures: Figures, area: str, period: Period) -> list[Cell]:
    return [
        Cell(
            kind=kind,
            planned=figures.planned.get(kind, 0),
            on_time=figures.on_time.get(kind, 0),
            overdue=figures.overdue.get(kind, 0),
            rate=figures.on_time_rate(kind),
            url=village_list_url(area, period, "activity", activity=kind),
        )
        for kind in ACTIVITIES
    ]


def build_dashboard(area: Region, period: Period, on: dt.date | None = None) -> Dashboard:
    """The dashboard of a county (townships as units) or a township (villages as units)."""
    on = on or today()
    as_of = min(period.end, on)
    level = COUNTY if area.level == RegionLevel.COUNTY else TOWNSHIP
    fs = period_figures(prefix=area.code, period=period, on=on)
    ageing_by_village = problem_ageing(area.code, as_of)
    reasons = warning_reasons(area.code)

    ageing_by_unit: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for code, buckets in ageing_by_village.items():
        unit = code[:9] if level == COUNTY else code
        for bucket, n in buckets.items():
            ageing_by_unit[unit][bucket] += n

    rows: list[Row] = fs.townships if level == COUNTY else fs.villages
    units = []
    for row in rows:
        if level == COUNTY:
            url = dashboard_url(TOWNSHIP, row.code, period)
            drill = row.code  # a township's counts lead to its villages
        else:
            url = village_url(row.code)
            drill = area.code
        units.append(
            Unit(
                code=row.code,
                name=row.name,
                url=url,
                figures=row.figures,
                cells=_cells(row.figures, drill, period),
                ageing={b: ageing_by_unit.get(row.code, {}).get(b, 0) for b, _l in AGEING_BUCKETS},
                warning_level=int(row.figures.warning_level),
                score=composite_score(row.figures),
                parts=score_parts(row.figures),
                links={
                    name: village_list_url(drill, period, name)
                    for name in ("villages", "disclosures", "handovers", "problems_overdue")
                },
            )
        )
    if level == TOWNSHIP:
        # One village's "list behind the figure" is the village itself.
        for u in units:
            u.links = dict.fromkeys(u.links, u.url)
            for c in u.cells:
                c.url = u.url

    ranking = sorted(
        units, key=lambda u: (u.score is None, -(u.score or 0), u.code)
    )  # no data last
    previous = None
    for position, u in enumerate(ranking, start=1):
        u.rank = previous.rank if previous and previous.score == u.score else position
        previous = u

    warnings = []
    for lvl in RAISED:
        villages = [
            {
                "code": r.code,
                "name": r.name,
                "township_code": r.township_code,
                "township_name": r.township_name,
                "reasons": reasons.get(r.code, []),
                "url": village_url(r.code),
            }
            for r in fs.villages
            if r.figures.warning_level == lvl
        ]
        villages.sort(key=lambda v: -len(v["reasons"]))  # most reasons first, then by code
        warnings.append((int(lvl), WarningLevel(lvl).label, villages))

    total_ageing = defaultdict(int)
    for buckets in ageing_by_village.values():
        for bucket, n in buckets.items():
            total_ageing[bucket] += n
    ageing = [
        (b, label, total_ageing[b], village_list_url(area.code, period, "ageing", bucket=b))
        for b, label in AGEING_BUCKETS
    ]

    bands = defaultdict(int)
    for r in fs.villages:
        bands[satisfaction_band(r.figures.satisfaction_rate)] += 1
    satisfaction = [
        (b, label, bands[b], village_list_url(area.code, period, "satisfaction", band=b))
        for b, label in SATISFACTION_BANDS
    ]

    last = Period.containing(PeriodKind.QUARTER, period.end)
    trend = [
        {"period": str(q), "label": q.label(), **data}
        for q, data in quarter_trend(prefix=area.code, last=last)
    ]

    return Dashboard(
        level=level,
        area=area,
        period=period,
        on=on,
        figureset=fs,
        headline=_headline(fs.total, area.code, period),
        units=units,
        ranking=ranking,
        warnings=warnings,
        ageing=ageing,
        satisfaction=satisfaction,
        trend=trend,
        reasons=reasons,
        ageing_by_village=ageing_by_village,
    )


def _headline(total: Figures, area: str, period: Period) -> list[Figure]:
    def url(figure, **extra):
        return village_list_url(area, period, figure, **extra)

    figures = [Figure("villages", _("Villages"), total.villages, url=url("villages"))]
    for kind in ACTIVITIES:
        on_time, planned = total.on_time.get(kind, 0), total.planned.get(kind, 0)
        figures.append(
            Figure(
                f"{kind}_on_time",
                _("%(activity)s on time") % {"activity": ACTIVITY_LABELS[kind]},
                total.on_time_rate(kind),
                is_rate=True,
                url=url("activity", activity=kind),
                detail=f"{on_time} / {planned}",
            )
        )
    figures += [
        Figure(
            "satisfaction",
            _("Satisfaction"),
            total.satisfaction_rate,
            is_rate=True,
            url=url("satisfaction"),
            detail=f"{total.satisfied_ballots} / {total.ballots}",
        ),
        Figure(
            "fulfilment",
            _("Pledges fulfilled"),
            total.fulfilment_rate,
            is_rate=True,
            url=url("fulfilment"),
        ),
        Figure(
            "five_good",
            _("五好 rate"),
            total.five_good_rate,
            is_rate=True,
            url=url("five_good"),
            detail=_("%(good)d of %(rated)d rated, %(year)d")
            % {"good": total.five_good, "rated": total.five_good_rated, "year": period.year},
        ),
        Figure(
            "problems_opened",
            _("Problems registered"),
            total.problems_opened,
            url=url("problems_opened"),
        ),
        Figure(
            "problems_closed",
            _("Problems closed"),
            total.problems_closed,
            url=url("problems_closed"),
        ),
        Figure(
            "problems_overdue",
            _("Problems overdue"),
            total.problems_overdue,
            url=url("problems_overdue"),
        ),
    ]
    for lvl in RAISED:
        figures.append(
            Figure(
                f"warnings_{WarningLevel(lvl).name.lower()}",
                _("%(level)s warnings") % {"level": WarningLevel(lvl).label},
                total.warnings.get(int(lvl), 0),
                url=url("warning", level=int(lvl)),
            )
        )
    figures += [
        Figure(
            "disclosures", _("Disclosures published"), total.disclosures, url=url("disclosures")
        ),
        Figure("handovers", _("Handovers signed"), total.handovers_signed, url=url("handovers")),
        Figure(
            "certificates_suspended",
            _("Certificates suspended"),
            total.certificates_suspended,
            url=url("certificates_suspended"),
        ),
        Figure(
            "presence_shortfalls",
            _("Weeks short of the presence norm"),
            total.presence_shortfalls,
            url=url("presence_shortfalls"),
        ),
        Figure(
            "decisions_awaiting_result",
            _("Decisions awaiting their result's publication"),
            total.decisions_awaiting_result,
            url=url("decisions_awaiting_result"),
            detail=_("of which %(n)d overdue") % {"n": total.decision_results_overdue},
        ),
        Figure(
            "decision_results_on_time",
            _("Decision results made public on time"),
            total.decision_results_rate,
            is_rate=True,
            url=url("decision_results"),
            detail=f"{total.decision_results_on_time} / {total.decision_results_due}",
        ),
        Figure(
            "quarterly_scored",
            _("Quarterly reports scored"),
            total.quarterly_scored,
            url=url("quarterly_scored"),
            detail=_("average score %(score)s") % {"score": total.quarterly_average}
            if total.quarterly_average is not None
            else "",
        ),
    ]
    return figures


# ------------------------------------------------------------------ the villages behind a figure


@dataclass
class VillageFigure:
    """One village on the list behind a figure, with the figure's value for it."""

    row: Row
    value: str
    sort: tuple
    reasons: list[str]
    url: str


def _count(n: int) -> tuple[str, tuple]:
    return str(n), (-n,)


def _rate_text(part, whole, rate) -> tuple[str, tuple]:
    if rate is None:
        return "—", (2, 0)
    return f"{rates.format_percent(rate)} ({part} / {whole})", (0, rate)


def village_figures(
    area: str, period: Period, figure: str, params, on: dt.date | None = None
) -> tuple[str, list[VillageFigure]]:
    """The title and the villages under `area` behind one figure of the dashboard; `params`
    holds the figure's filter (activity, level, band or bucket). A fixed number of queries."""
    on = on or today()
    fs = period_figures(prefix=area, period=period, on=on)
    reasons = warning_reasons(area)
    ageing = problem_ageing(area, min(period.end, on)) if figure == "ageing" else {}

    def pick(f: Figures, row: Row) -> tuple[str, tuple] | None:
        """The figure's value for one village, or None if the village is not behind it."""
        if figure == "villages":
            return "", (-f.warning_level,)
        if figure == "activity":
            kind = params.get("activity")
            if not f.planned.get(kind):
                return None
            return _rate_text(f.on_time.get(kind, 0), f.planned[kind], f.on_time_rate(kind))
        if figure == "satisfaction":
            band = params.get("band")
            if band and satisfaction_band(f.satisfaction_rate) != band:
                return None
            if not band and not f.ballots:
                return None
            return _rate_text(f.satisfied_ballots, f.ballots, f.satisfaction_rate)
        if figure == "fulfilment":
            if not f.promises_due:  # none due (or none redeemed): no figure
                return None
            return _rate_text(f.fulfilment_points, f.promises_due, f.fulfilment_rate)
        if figure == "five_good":
            if not f.five_good_rated:  # not rated (or not yet confirmed): no figure
                return None
            return _rate_text(f.five_good, f.five_good_rated, f.five_good_rate)
        if figure == "warning":
            level = params.get("level", "")
            if not level.isdigit() or f.warning_level != int(level):
                return None
            return WarningLevel(f.warning_level).label, (0,)
        if figure == "ageing":
            n = ageing.get(row.code, {}).get(params.get("bucket", ""), 0)
            return _count(n) if n else None
        if figure == "decision_results":
            if not f.decision_results_due:
                return None
            return _rate_text(
                f.decision_results_on_time, f.decision_results_due, f.decision_results_rate
            )
        attribute = FIGURE_ATTRIBUTES.get(figure)
        if attribute is None:
            raise Http404
        n = getattr(f, attribute)
        return _count(n) if n else None

    chosen = []
    for row in fs.villages:
        picked = pick(row.figures, row)
        if picked is not None:
            value, sort = picked
            chosen.append(
                VillageFigure(row, value, sort, reasons.get(row.code, []), village_url(row.code))
            )
    chosen.sort(key=lambda v: (v.sort, v.row.code))
    return figure_title(figure, params), chosen


FIGURE_ATTRIBUTES = {
    "problems_opened": "problems_opened",
    "problems_closed": "problems_closed",
    "problems_overdue": "problems_overdue",
    "disclosures": "disclosures",
    "handovers": "handovers_signed",
    "certificates_suspended": "certificates_suspended",
    "presence_shortfalls": "presence_shortfalls",
    "decisions_awaiting_result": "decisions_awaiting_result",
    "quarterly_scored": "quarterly_scored",
}
FIGURE_TITLES = {
    "villages": _("All villages"),
    "satisfaction": _("Villages by satisfaction"),
    "fulfilment": _("Pledges fulfilled"),
    "five_good": _("五好 rate"),
    "problems_opened": _("Problems registered"),
    "problems_closed": _("Problems closed"),
    "problems_overdue": _("Problems overdue"),
    "disclosures": _("Disclosures published"),
    "handovers": _("Handovers signed"),
    "certificates_suspended": _("Certificates suspended"),
    "presence_shortfalls": _("Weeks short of the presence norm"),
    "decisions_awaiting_result": _("Decisions awaiting their result's publication"),
    "decision_results": _("Decision results made public on time"),
    "quarterly_scored": _("Quarterly reports scored"),
}


def figure_title(figure: str, params) -> str:
    """What the village list shows, in words."""
    if figure == "activity":
        label = ACTIVITY_LABELS.get(params.get("activity"))
        if label is None:
            raise Http404
        return _("%(activity)s on time") % {"activity": label}
    if figure == "warning":
        level = params.get("level", "")
        if not level.isdigit() or int(level) not in RAISED:
            raise Http404
        return _("%(level)s warnings") % {"level": WarningLevel(int(level)).label}
    if figure == "ageing":
        label = dict(AGEING_BUCKETS).get(params.get("bucket"))
        if label is None:
            raise Http404
        return _("Unresolved problems: %(bucket)s") % {"bucket": label}
    if figure == "satisfaction" and params.get("band"):
        label = dict(SATISFACTION_BANDS).get(params.get("band"))
        if label is None:
            raise Http404
        return _("Satisfaction: %(band)s") % {"band": label}
    if figure not in FIGURE_TITLES:
        raise Http404
    return FIGURE_TITLES[figure]


# ------------------------------------------------------------------ the cached parts (freshness)


@recipe("dashboard-page")
def dashboard_page_body(code: str, on: dt.date, period: str) -> str:
    """The figures part of a dashboard's page: the same for everyone allowed to open it."""
    d = build_dashboard(Region.objects.get(code=code), Period.parse(period), on)
    context = {
        "dashboard": d,
        "area": d.area,
        "period": d.period,
        "chart_data": d.chart_data(),
        "rank_weights": [(RANK_LABELS[k], w) for k, w in RANK_WEIGHTS],
        # The townships' yellow cards of the last two years (cached with the figures: a card
        # issued renews the county's stamp).
        "yellow_cards": recent_yellow_cards(code, on.year - 1),
    }
    return render_to_string("reports/dashboards/_body.html", context)


@recipe("dashboard-api")
def dashboard_data(code: str, on: dt.date, period: str) -> dict:
    """A dashboard's figures as the API gives them."""
    return build_dashboard(Region.objects.get(code=code), Period.parse(period), on).as_dict()
