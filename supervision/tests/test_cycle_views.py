"""The cycle's pages: the village tab, a duty, my work, the list of duties, the policy; each
tried as anonymous, outsider, insider, supervisor and contact cadre, lists at constant queries."""

import re

import pytest
from django.urls import resolve, reverse

from core.dates import today
from supervision import services
from supervision.choices import ProblemState, TaskKind, TaskState
from supervision.models import Hearing, Notification, SupervisionPolicy, SupervisionTask
from supervision.periods import Period
from supervision.views.cycle import CREATE_PAGES
from villages.models import ContactAssignment
from villages.tests.helpers import login

from .cycle_helpers import D, make_task, more_villages

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "outsider", "insider", "supervisor", "contact"]
YEAR = today().year
QUARTER = Period(YEAR, "quarter", 1)


@pytest.fixture
def everyone(personas, contact):
    return {**personas, "contact": contact}


@pytest.fixture
def duties(village):
    """This year's first quarter: an inspection done on time, a hearing overdue (or done late
    when the year is past), and the year's redemption still due."""
    return {
        "inspection": make_task(
            village,
            TaskKind.INSPECTION,
            QUARTER,
            D(YEAR, 2, 28),
            state=TaskState.DONE,
            done_on=D(YEAR, 2, 10),
        ),
        "hearing": make_task(village, TaskKind.HEARING, QUARTER, D(YEAR, 3, 31)),
        "redemption": make_task(village, TaskKind.REDEMPTION, Period(YEAR), D(YEAR + 1, 12, 31)),
    }


def status_of(html: str, kind: str, period: str) -> str:
    row = re.search(rf'<tr data-kind="{kind}">(.*?)</tr>', html, re.S).group(1)
    return re.search(rf'data-period="{period}" data-status="(\w+)"', row).group(1)


# ------------------------------------------------------------------ the village tab


@pytest.mark.parametrize("persona", PERSONAS)
def test_village_tab_persona_matrix(client, everyone, persona, village, duties):
    login(client, everyone[persona])
    url = reverse("supervision:village-supervision", args=[village.code])
    response = client.get(url)
    expected = {"anonymous": 302, "outsider": 404}.get(persona, 200)
    assert response.status_code == expected
    if expected == 200:
        html = response.content.decode()
        assert f'nav-link active" href="{url}"' in html  # the 督查 tab is the active one
        assert status_of(html, "inspection", f"{YEAR}Q1") == "done_on_time"
        assert status_of(html, "hearing", f"{YEAR}Q1") == "overdue"
        assert status_of(html, "hearing", f"{YEAR}Q2") == "not_planned"
        assert status_of(html, "redemption", str(YEAR)) == "due"
        assert reverse("supervision:supervision-task-detail", args=[duties["hearing"].pk]) in html


def test_village_tab_shows_another_year_and_a_late_duty(client, insider, village):
    make_task(
        village,
        TaskKind.REVIEW,
        Period(2024, "half", 2),
        D(2024, 12, 31),
        state=TaskState.DONE,
        done_on=D(2025, 1, 8),
    )
    login(client, insider)
    url = reverse("supervision:village-supervision", args=[village.code])
    html = client.get(url, {"year": 2024}).content.decode()
    assert status_of(html, "review", "2024H2") == "done_late"
    assert status_of(html, "review", "2024H1") == "not_planned"
    # A year out of the offered range falls back to this year.
    assert f'value="{YEAR}" selected' in client.get(url, {"year": 1990}).content.decode()


def test_village_tab_reads_the_calendar_in_constant_queries(
    client, insider, village, count_queries
):
    login(client, insider)
    url = reverse("supervision:village-supervision", args=[village.code])
    make_task(village, TaskKind.INSPECTION, QUARTER, D(YEAR, 2, 28))
    make_task(village, TaskKind.HEARING, QUARTER, D(YEAR, 3, 31))
    few = count_queries(url)
    for kind, code in [
        *((k, f"{YEAR}Q{n}") for k in (TaskKind.INSPECTION, TaskKind.HEARING) for n in (2, 3, 4)),
        *((k, f"{YEAR}H{n}") for k in (TaskKind.REVIEW, TaskKind.PUBLIC_REPORT) for n in (1, 2)),
        (TaskKind.REDEMPTION, str(YEAR)),
        (TaskKind.ANNUAL_INSPECTION, str(YEAR)),
    ]:
        make_task(village, kind, code, D(YEAR, 12, 31))
    assert SupervisionTask.objects.count() == 14  # a whole year
    assert count_queries(url) == few


# ------------------------------------------------------------------ one duty


@pytest.mark.parametrize("persona", PERSONAS)
def test_task_detail_persona_matrix(client, everyone, persona, village, duties):
    """The inspection is the township's, the hearing the contact cadre's (or the township's)."""
    login(client, everyone[persona])
    expected = {"anonymous": 302, "outsider": 404}.get(persona, 200)
    may = {
        "inspection": persona in ("insider", "supervisor"),
        "hearing": persona in ("insider", "supervisor", "contact"),
    }
    for kind in ("inspection", "hearing"):
        task = duties[kind]
        response = client.get(reverse("supervision:supervision-task-detail", args=[task.pk]))
        assert response.status_code == expected
        if expected == 200:
            create = reverse(f"supervision:{kind}-create", args=[task.pk])
            assert response.context["may_do"] is may[kind]
            assert (create in response.content.decode()) is may[kind]


def test_task_detail_leads_to_the_record(client, contact, insider, village, duties):
    task = duties["hearing"]
    hearing = Hearing.objects.create(
        task=task,
        village=village,
        period=task.period,
        date=D(YEAR, 3, 20),
        agenda="村务公开",
        created_by=insider,
        area_code=village.code,
    )
    login(client, contact)
    response = client.get(reverse("supervision:supervision-task-detail", args=[task.pk]))
    assert response.status_code == 302
    assert response.url == reverse("supervision:hearing-detail", args=[hearing.pk])


@pytest.mark.parametrize("kind", TaskKind.values)
def test_every_duty_kind_has_the_page_that_starts_its_record(kind):
    view = resolve(reverse(f"supervision:{CREATE_PAGES[kind]}", args=[1])).func.view_class
    assert view.kind == kind


def test_annual_inspection_duty_lists_the_villages_certificates(
    client, insider, contact, village, sitting
):
    task = make_task(village, TaskKind.ANNUAL_INSPECTION, Period(YEAR), D(YEAR + 1, 1, 31))
    url = reverse("supervision:supervision-task-detail", args=[task.pk])
    create = reverse("supervision:certificate-inspection-create", args=[task.pk])

    login(client, insider)
    response = client.get(url)
    certs = response.context["certificates"]
    assert {c.post.kind for c in certs} == {"secretary", "chair"}
    html = response.content.decode()
    for cert in certs:
        assert f"{create}?certificate={cert.pk}" in html

    login(client, contact)  # reads, but the annual inspection is the township's
    html = client.get(url).content.decode()
    assert create not in html
    assert sitting["secretary"].certificate.number in html


# ------------------------------------------------------------------ my work


@pytest.fixture
def work(village, other_village, insider, contact, outsider):
    """Duties of both kinds in two villages, notifications, and problems in each state."""
    ContactAssignment.objects.filter(cadre=contact).update(start_date=D(2024, 1, 1))
    tasks = {
        "inspection": make_task(village, TaskKind.INSPECTION, QUARTER, D(YEAR, 2, 28)),
        "hearing": make_task(village, TaskKind.HEARING, QUARTER, D(YEAR + 1, 3, 31)),
        "other": make_task(other_village, TaskKind.INSPECTION, QUARTER, D(YEAR, 2, 28)),
        "done": make_task(
            village,
            TaskKind.REVIEW,
            Period(YEAR, "half", 1),
            D(YEAR, 6, 30),
            state=TaskState.DONE,
            done_on=D(YEAR, 6, 1),
        ),
    }
    for user, task in ((insider, "inspection"), (contact, "hearing"), (outsider, "other")):
        Notification.objects.create(
            user=user,
            task=tasks[task],
            key=f"task:{tasks[task].pk}:due",
            message=f"提醒 {task}",
            url=reverse("supervision:supervision-task-detail", args=[tasks[task].pk]),
            area_code=tasks[task].area_code,
        )
    problems = {}
    for state in (ProblemState.OPEN, ProblemState.SUBMITTED, ProblemState.CLOSED):
        problem = services.problem_open(
            actor=insider,
            village=village,
            source="other",
            title=f"问题 {state}",
            category="other",
            owner_name="李书记",
            deadline=today(),
        )
        type(problem).objects.filter(pk=problem.pk).update(state=state)
        problems[state] = problem
    return {"tasks": tasks, "problems": problems}


def test_my_work_leads_to_the_inbox(client, insider):
    """ "My work" was a second list of the user's tasks: old links land on the inbox."""
    login(client, insider)
    response = client.get(reverse("supervision:my-work"))
    assert response.status_code == 302 and response.url == reverse("home")
    menu = client.get(reverse("home")).content.decode()
    assert reverse("supervision:my-work") not in menu  # no second menu line


@pytest.mark.parametrize("persona", PERSONAS)
def test_my_duties_and_notifications_persona_matrix(client, everyone, persona, work):
    login(client, everyone[persona])
    response = client.get(reverse("supervision:supervision-task-list"), {"mine": "true"})
    if persona == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    duties = {t.pk for t in response.context["object_list"]}
    notes = [n.message for n in client.get(reverse("home")).context["notifications"]]
    t = work["tasks"]
    expected = {
        # The township answers for its top-down duties, the contact cadre for the bottom-up.
        "outsider": ({t["other"].pk}, ["提醒 other"]),
        "insider": ({t["inspection"].pk}, ["提醒 inspection"]),
        "supervisor": (set(), []),
        "contact": ({t["hearing"].pk}, ["提醒 hearing"]),
    }[persona]
    assert (duties, notes) == expected


def test_the_inbox_highlights_overdue_duties_and_marks_notifications_read(client, insider, work):
    login(client, insider)
    html = client.get(reverse("home")).content.decode()
    assert "list-group-item-danger" in html  # the inspection was due on 28 February
    assert f"{reverse('supervision:supervision-task-list')}?mine=true" in html

    note = Notification.objects.get(user=insider)
    # Another user's notification does not exist for this one.
    other = Notification.objects.exclude(user=insider).first()
    assert client.post(reverse("supervision:notification-read", args=[other.pk])).status_code == 404
    response = client.post(
        reverse("supervision:notification-read", args=[note.pk]), {"next": note.url}
    )
    assert response.status_code == 302 and response.url == note.url
    note.refresh_from_db()
    assert note.read_at is not None
    # An off-site `next` is ignored.
    response = client.post(
        reverse("supervision:notification-read", args=[note.pk]), {"next": "https://evil.cn/"}
    )
    assert response.url == reverse("home")
    assert client.get(reverse("home")).context["unread"] == 0


def test_mark_all_read(client, contact, work):
    task = work["tasks"]["hearing"]
    for i in range(3):
        Notification.objects.create(
            user=contact, task=task, key=f"x{i}", message="m", area_code=task.area_code
        )
    login(client, contact)
    assert client.get(reverse("supervision:notifications-read-all")).status_code == 405
    client.post(reverse("supervision:notifications-read-all"))
    assert not Notification.objects.filter(user=contact, read_at__isnull=True).exists()
    assert Notification.objects.filter(read_at__isnull=True).count() == 2  # the others'


@pytest.mark.parametrize("persona", ["insider", "contact"])
def test_my_duties_and_notifications_in_constant_queries(
    client, request, persona, insider, contact, township, work, count_queries
):
    user = request.getfixturevalue(persona)
    login(client, user)
    url, mine = reverse("supervision:supervision-task-list"), {"mine": "true"}
    few = count_queries(url, **mine)
    for i, v in enumerate(more_villages(township, 28)):
        ContactAssignment.objects.create(
            cadre=contact, village=v, start_date=D(2024, 1, 1), area_code=v.code
        )
        for kind in (TaskKind.INSPECTION, TaskKind.HEARING):
            task = make_task(v, kind, QUARTER, D(YEAR, 2, 28))
            Notification.objects.create(
                user=user, task=task, key=f"k{task.pk}", message="m", area_code=v.code
            )
        problem = services.problem_open(
            actor=insider,
            village=v,
            source="other",
            title=f"问题{i}",
            category="other",
            owner_name="某人",
            deadline=today(),
        )
        type(problem).objects.filter(pk=problem.pk).update(state=ProblemState.SUBMITTED)
    context = client.get(url, mine).context
    assert context["paginator"].count == 29
    assert client.get(reverse("home")).context["unread"] == 57
    assert count_queries(url, **mine) == few  # (the inbox's own count: work/tests)


# ------------------------------------------------------------------ the list of duties


@pytest.mark.parametrize("persona", PERSONAS)
def test_task_list_persona_matrix(client, everyone, persona, work, village, other_village):
    login(client, everyone[persona])
    response = client.get(reverse("supervision:supervision-task-list"))
    if persona == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    codes = {t.area_code for t in response.context["object_list"]}
    expected = {
        "outsider": {other_village.code},
        "insider": {village.code},
        "supervisor": {village.code, other_village.code},
        "contact": {village.code},
    }[persona]
    assert codes == expected


def test_task_list_filters(client, supervisor, work, village, other_village):
    login(client, supervisor)
    url = reverse("supervision:supervision-task-list")
    t = work["tasks"]

    def pks(**params):
        return {x.pk for x in client.get(url, params).context["object_list"]}

    assert pks(kind="inspection") == {t["inspection"].pk, t["other"].pk}
    assert pks(state="done") == {t["done"].pk}
    assert pks(overdue="true") == {t["inspection"].pk, t["other"].pk}
    assert pks(township=village.code[:9]) == {t["inspection"].pk, t["hearing"].pk, t["done"].pk}
    assert pks(q=other_village.name) == {t["other"].pk}
    assert pks(period=f"{YEAR}H1") == {t["done"].pk}
    assert len(pks(period=str(YEAR))) == 4
    ordered = [x.pk for x in client.get(url, {"ordering": "-due_date"}).context["object_list"]]
    assert ordered[0] == t["hearing"].pk


def test_task_list_in_constant_queries(client, supervisor, township, village, count_queries):
    login(client, supervisor)
    url = reverse("supervision:supervision-task-list")
    make_task(village, TaskKind.INSPECTION, QUARTER, D(YEAR, 2, 28))
    make_task(village, TaskKind.HEARING, QUARTER, D(YEAR, 3, 31))
    few = count_queries(url)
    for v in more_villages(township, 15):
        make_task(v, TaskKind.INSPECTION, QUARTER, D(YEAR, 2, 28))
        make_task(v, TaskKind.HEARING, QUARTER, D(YEAR, 3, 31))
    assert SupervisionTask.objects.count() == 32
    assert count_queries(url) == few


# ------------------------------------------------------------------ the policy


POLICY_FORM = {
    "reminder_days": "5",
    "review_dimensions": "德、能、勤",
    "satisfaction_threshold": "0.85",
    "redemption_threshold": "0.8",
    "escalate_after_reasons": "3",
    "county_escalation_days": "30",
    **{f"due_{k}": "3" for k in TaskKind.values},
    "due_inspection": "1",
    "floor_excellent": "90",
    "floor_competent": "75",
    "floor_basic": "60",
    "floor_incompetent": "0",
    **{
        f"level_{r}": "1"
        for r in (
            "task_overdue",
            "problem_overdue",
            "low_satisfaction",
            "no_disclosure",
            "handover_overdue",
            "certificate_suspended",
            "low_redemption",
            "backward",
            "presence_short",
            "quarterly_missing",
            "decision_result_late",
            "reserve_short",
            "appraisal_poor",
            "yellow_card",
            "no_signing",
            "unsigned_vouchers",
            "leader_idle",
        )
    },
    "contact_presence_half_days": "1",
    "work_team_presence_half_days": "2",
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_policy_persona_matrix(client, everyone, persona, county):
    login(client, everyone[persona])
    url = reverse("supervision:policy")
    response = client.get(url)
    if persona == "anonymous":
        assert response.status_code == 302
        assert client.post(url, POLICY_FORM).status_code == 302
        return
    # Everyone in the county reads it (the outsider's township is in the same county).
    assert response.status_code == 200
    assert response.context["county"] == county
    may = persona == "supervisor"
    assert response.context["may_change"] is may
    assert ('data-testid="policy-form"' in response.content.decode()) is may
    response = client.post(url, POLICY_FORM)
    if may:
        assert response.status_code == 302
        policy = SupervisionPolicy.objects.get(area_code=county.code)
        assert policy.due_months["inspection"] == 1
        assert policy.review_dimensions == ["德", "能", "勤"]
        assert policy.updated_by == everyone[persona]
    else:
        assert response.status_code == 403
        assert not SupervisionPolicy.objects.exists()


def test_policy_form_shows_errors(client, supervisor, county):
    login(client, supervisor)
    url = reverse("supervision:policy")
    bad = {
        **POLICY_FORM,
        "due_hearing": "30",
        "satisfaction_threshold": "1.2",
    }
    response = client.post(url, bad)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"due_hearing", "satisfaction_threshold"}
    # The grades' floors out of order: an error of the form as a whole.
    form = client.post(url, {**POLICY_FORM, "floor_competent": "95"}).context["form"]
    assert set(form.errors) == {"__all__"}
    assert not SupervisionPolicy.objects.exists()
    assert (
        client.post(url, {**POLICY_FORM, "review_dimensions": " ，"})
        .context["form"]
        .errors["review_dimensions"]
    )


def test_a_user_without_a_county_gets_404(client, db):
    from villages.tests.factories import UserFactory

    login(client, UserFactory(username="nobody"))
    assert client.get(reverse("supervision:policy")).status_code == 404
