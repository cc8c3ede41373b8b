"""Field forms sent from a phone (issue 21): each submission key is accepted once (a database
constraint, also under concurrent retries on the real PostgreSQL), a replay answers with the
first record, and a sync (`X-Cunjian-Sync: 1`) is answered in JSON: 201/200, 400 with the
errors, 409 for each conflict, 401 signed out, 403 for a stale CSRF token. /field/data/ gives
the user's own villages only, in a fixed number of queries."""

import json
import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from cadres.choices import PostKind
from supervision import services
from supervision.choices import FieldFormKind, RecordState, TaskKind
from supervision.models import Inspection, PresenceVisit, Submission
from supervision.periods import Period
from supervision.services import SubmissionKeyTaken, field_once
from villages.tests.factories import VillageFactory
from villages.tests.helpers import login

from .bottomup_helpers import D as BD
from .bottomup_helpers import (
    formset_data,
    make_hearing,
    make_redemption,
    make_report,
    pledged_secretary,
)
from .conftest import sitting_post
from .presence_helpers import LAST_MONDAY
from .test_hearing_one_page import page_data
from .topdown_helpers import *  # noqa: F403
from .topdown_helpers import complete_inspection

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]

SYNC = {"HTTP_X_CUNJIAN_SYNC": "1"}


def SAVED():  # noqa: N802 (a message, in the language of the test)
    """The replay's message (已保存，未重复提交 once the catalogue has it)."""
    return gettext("Already saved; not submitted twice.")


def key() -> str:
    return str(uuid.uuid4())


def url(name, *args):
    return reverse(f"supervision:{name}", args=args)


RECORD = "/supervision/presence/visits/record/"


def visit_data(village, **extra):
    return {
        "village": village.pk,
        "date": (LAST_MONDAY).isoformat(),
        "half_days": "1",
        "work_done": "走访群众",
        **extra,
    }


def record_visit(actor, village, submission_key):
    return field_once(
        actor=actor,
        key=submission_key,
        kind=FieldFormKind.PRESENCE,
        area_code=village.code,
        create=lambda: services.presence_visit_record(
            actor=actor, village=village, date=LAST_MONDAY, half_days=1, work_done="走访"
        ),
        url=lambda v: url("presence-detail", v.pk),
    )


# ------------------------------------------------------------------ the table and the service


def test_the_database_refuses_a_second_row_with_the_same_key(contact, insider, village):
    same = uuid.uuid4()
    Submission.objects.create(key=same, user=contact, kind="presence", area_code=village.code)
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(key=same, user=insider, kind="hearing", area_code=village.code)


def test_once_creates_then_replays_and_refuses_another_user(contact, insider, village):
    same = uuid.uuid4()
    first = record_visit(contact, village, same)
    assert not first.replayed and first.record.pk
    again = record_visit(contact, village, same)
    assert again.replayed and again.url == first.url == url("presence-detail", first.record.pk)
    assert PresenceVisit.objects.count() == 1 == Submission.objects.count()
    stored = Submission.objects.get()
    assert (stored.user, stored.kind, stored.object_id) == (contact, "presence", first.record.pk)
    with pytest.raises(SubmissionKeyTaken):
        record_visit(insider, village, same)


def test_a_refused_record_leaves_no_key(contact, village):
    same = uuid.uuid4()

    def refuse():
        raise ValidationError("不行")

    with pytest.raises(ValidationError):
        field_once(
            actor=contact, key=same, kind="presence", area_code=village.code, create=refuse, url=""
        )
    assert not Submission.objects.exists()
    assert not record_visit(contact, village, same).replayed  # sent again, accepted


def test_a_blank_key_gets_one_from_the_server(contact, village):
    assert not record_visit(contact, village, None).replayed
    assert Submission.objects.get().key


def _at_once(n, work):
    """Run `work(i)` in `n` threads released together; each thread's own connection is
    closed after it."""
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_of_one_key_record_once(contact, village):
    same = uuid.uuid4()
    results = _at_once(4, lambda i: record_visit(contact, village, same))
    assert sorted(r.replayed for r in results) == [False, True, True, True]
    assert PresenceVisit.objects.count() == 1 == Submission.objects.count()
    assert {r.url for r in results} == {url("presence-detail", PresenceVisit.objects.get().pk)}


@pytest.mark.django_db(transaction=True)
def test_concurrent_sync_posts_of_one_key_answer_201_once_and_200_after(contact, village):
    same = key()
    clients = [Client() for _ in range(3)]
    for c in clients:
        c.force_login(contact)
    record = url("presence-record")
    results = _at_once(
        3, lambda i: clients[i].post(record, visit_data(village, submission_key=same), **SYNC)
    )
    assert sorted(r.status_code for r in results) == [200, 200, 201]
    assert PresenceVisit.objects.count() == 1 == Submission.objects.count()
    assert {r.json()["url"] for r in results} == {
        url("presence-detail", PresenceVisit.objects.get().pk)
    }


# ------------------------------------------------------------------ the presence visit


def test_presence_html_replay_goes_to_the_record_with_a_message(client, contact, village):
    login(client, contact)
    same = key()
    first = client.post(url("presence-record"), visit_data(village, submission_key=same))
    assert first.status_code == 302 and first.url == url("presence-person", contact.pk)
    again = client.post(
        url("presence-record"), visit_data(village, submission_key=same), follow=True
    )
    visit = PresenceVisit.objects.get()
    assert again.redirect_chain[0][0] == url("presence-detail", visit.pk)
    assert SAVED() in again.content.decode()


def test_presence_without_a_key_is_recorded_as_before(client, contact, village):
    login(client, contact)
    response = client.post(url("presence-record"), visit_data(village))
    assert response.status_code == 302 and PresenceVisit.objects.count() == 1
    assert Submission.objects.get().kind == FieldFormKind.PRESENCE


def test_presence_sync_answers_in_json(client, contact, village):
    login(client, contact)
    same = key()
    created = client.post(url("presence-record"), visit_data(village, submission_key=same), **SYNC)
    visit = PresenceVisit.objects.get()
    assert created.status_code == 201
    assert created.json() == {
        "ok": True,
        "url": url("presence-detail", visit.pk),
        "replayed": False,
        "next": url("presence-person", contact.pk),  # where the page itself goes
    }
    replayed = client.post(url("presence-record"), visit_data(village, submission_key=same), **SYNC)
    assert replayed.status_code == 200
    assert replayed.json() == {"ok": True, "url": created.json()["url"], "replayed": True}
    # the sync's success message does not wait for the next page
    assert "Visit recorded" not in client.get(url("presence-list")).content.decode()


def test_presence_sync_invalid_input_is_400_with_the_fields_errors(client, contact, village):
    login(client, contact)
    response = client.post(
        url("presence-record"), visit_data(village, work_done="", submission_key=key()), **SYNC
    )
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False and list(body["errors"]) == ["work_done"]
    assert body["errors"]["work_done"] == ["该字段是必填项。"]
    assert body["form_errors"] == [] and not Submission.objects.exists()


def test_a_broken_key_is_refused_in_json(client, contact, village):
    login(client, contact)
    response = client.post(
        url("presence-record"), visit_data(village, submission_key="not-a-uuid"), **SYNC
    )
    assert response.status_code == 400 and "submission_key" in response.json()["errors"]


def test_a_village_no_longer_organized_is_out_of_scope(client, insider, village, other_village):
    login(client, insider)
    response = client.post(
        url("presence-record"), visit_data(other_village, submission_key=key()), **SYNC
    )
    assert response.status_code == 409
    assert response.json()["conflict"] == "out_of_scope" and response.json()["message"]
    assert not PresenceVisit.objects.exists()


def test_a_user_without_villages_is_out_of_scope(client, outsider, village):
    outsider.staff_roles.all().delete()
    login(client, outsider)
    response = client.post(
        url("presence-record"), visit_data(village, submission_key=key()), **SYNC
    )
    assert response.status_code == 409, response.content.decode()[:3000]
    assert response.json()["conflict"] == "out_of_scope"


def test_another_users_key_is_a_conflict(client, contact, insider, village):
    same = uuid.uuid4()
    record_visit(insider, village, same)
    login(client, contact)
    data = visit_data(village, submission_key=str(same))
    response = client.post(url("presence-record"), data, **SYNC)
    assert response.status_code == 409 and response.json()["conflict"] == "key_taken"
    assert client.post(url("presence-record"), data).status_code == 409
    assert PresenceVisit.objects.count() == 1


# ------------------------------------------------------------------ signed out, CSRF


def test_signed_out_sync_is_401_with_the_login_address(client, village):
    response = client.post(
        url("presence-record"), visit_data(village, submission_key=key()), **SYNC
    )
    assert response.status_code == 401
    assert response.json() == {
        "ok": False,
        "login": "/accounts/login/?next=" + url("presence-record"),
    }
    # without the header, the login page as before
    assert client.post(url("presence-record"), visit_data(village)).status_code == 302


def test_a_sync_of_an_account_that_must_change_its_password_is_401_in_json(
    client, contact, village
):
    """The password form's redirect would look like a success to the phone (it follows it to a
    page): a sync is told in JSON instead, and the queue stays on the phone."""
    login(client, contact)
    session = client.session
    session["must_change_password"] = True
    session.save()
    password = reverse("password_change")
    data = visit_data(village, submission_key=key())
    response = client.post(url("presence-record"), data, **SYNC)
    assert response.status_code == 401
    assert response.json() == {"ok": False, "password_change": password}
    assert client.get("/field/data/", **SYNC).json() == {"ok": False, "password_change": password}
    assert not PresenceVisit.objects.exists() and not Submission.objects.exists()
    # without the header, the password form as before
    page = client.post(url("presence-record"), data)
    assert page.status_code == 302 and page.url == password


def test_a_stale_csrf_token_is_403_in_json_for_a_sync(contact, village):
    client = Client(enforce_csrf_checks=True)
    client.force_login(contact)
    data = visit_data(village, submission_key=key(), csrfmiddlewaretoken="stale")
    response = client.post(url("presence-record"), data, **SYNC)
    assert response.status_code == 403 and response.json() == {"ok": False, "csrf": True}
    page = client.post(url("presence-record"), data)
    assert page.status_code == 403 and page["Content-Type"].startswith("text/html")
    # the site's own page, not Django's (whose inline styles the CSP refuses)
    assert 'data-testid="csrf-failure"' in page.content.decode()
    assert "<style" not in page.content.decode()


# ------------------------------------------------------------------ the hearing in one submit


def hearing_post(client, hearing, rows, submission_key, **headers):
    formset = client.get(url("hearing-detail", hearing.pk)).context["formset"]
    data = {**page_data(formset, rows, confirmed=False), "submission_key": submission_key}
    return client.post(url("hearing-complete", hearing.pk), data, **headers)


def test_hearing_completed_once_in_json_and_replayed(client, contact, village, sitting):
    hearing = make_hearing(contact, village)
    login(client, contact)
    page = client.get(url("hearing-detail", hearing.pk)).content.decode()
    assert 'name="submission_key"' in page and 'data-field-form="hearing"' in page
    same = key()
    rows = [{"question": "道路花了多少钱？", "answer": "12万元"}]
    created = hearing_post(client, hearing, rows, same, **SYNC)
    assert created.status_code == 201, created.content
    assert created.json()["url"] == url("hearing-detail", hearing.pk)
    hearing.refresh_from_db()
    assert hearing.state == RecordState.COMPLETED and hearing.questions.count() == 1
    replayed = client.post(
        url("hearing-complete", hearing.pk), {"submission_key": same, "confirm": "1"}, **SYNC
    )
    assert replayed.status_code == 200 and replayed.json()["replayed"] is True
    html = client.post(url("hearing-complete", hearing.pk), {"submission_key": same}, follow=True)
    assert SAVED() in html.content.decode()
    assert hearing.questions.count() == 1


def test_hearing_completed_meanwhile_by_someone_else_is_a_conflict(
    client, contact, insider, village, sitting
):
    hearing = make_hearing(contact, village)
    login(client, contact)
    formset = client.get(url("hearing-detail", hearing.pk)).context["formset"]
    services.hearing_set_questions(actor=insider, hearing=hearing, rows=[], complete=True)
    data = {**page_data(formset, [{"question": "新问题"}]), "submission_key": key()}
    response = client.post(url("hearing-complete", hearing.pk), data, **SYNC)
    assert response.status_code == 409 and response.json()["conflict"] == "completed"
    assert not hearing.questions.exists() and not Submission.objects.exists()


def test_hearing_rows_refused_in_json(client, contact, village, sitting):
    hearing = make_hearing(contact, village)
    login(client, contact)
    response = hearing_post(
        client, hearing, [{"question": "", "answer": "只有答复"}], key(), **SYNC
    )
    assert response.status_code == 400
    body = response.json()
    assert "questions-0-question" in body["errors"] and body["form_errors"]


def test_hearing_started_once_from_its_duty(client, contact, village, sitting):
    from .bottomup_helpers import HEARING_DAY, duty

    task = duty(village, "hearing", "2026Q4")
    login(client, contact)
    data = {
        "date": HEARING_DAY.isoformat(),
        "place": "村委会",
        "agenda": "财务",
        "party_members_present": "10",
        "representatives_present": "10",
        "others_present": "0",
        "submission_key": key(),
    }
    created = client.post(url("hearing-create", task.pk), data, **SYNC)
    assert created.status_code == 201, created.content
    assert client.post(url("hearing-create", task.pk), data, **SYNC).json()["replayed"] is True
    other = client.post(url("hearing-create", task.pk), {**data, "submission_key": key()}, **SYNC)
    assert other.status_code == 409 and other.json()["conflict"] == "completed"


# ------------------------------------------------------------------ votes and redemption


def test_public_report_votes_once(client, insider, contact, village, sitting):
    report = make_report(contact, village, issued=50, returned=48)
    login(client, contact)
    formset = client.get(url("public-report-detail", report.pk)).context["formset"]
    votes = {
        k: {"satisfied": 40, "basically_satisfied": 6, "dissatisfied": 2} for k in formset.keys
    }
    data = {**formset_data(formset, votes), "submission_key": key()}
    created = client.post(url("public-report-complete", report.pk), data, **SYNC)
    assert created.status_code == 201, created.content
    report.refresh_from_db()
    assert report.state == RecordState.COMPLETED and report.votes.count() == 3
    again = client.post(url("public-report-complete", report.pk), data, **SYNC)
    assert again.status_code == 200 and again.json()["replayed"] is True
    html = client.post(url("public-report-complete", report.pk), data, follow=True)
    assert SAVED() in html.content.decode() and report.votes.count() == 3


def test_redemption_results_once(client, insider, contact, village):
    pledged_secretary(insider, village, [BD(2026, 6, 30), BD(2026, 12, 31)])
    redemption = make_redemption(contact, village)
    login(client, contact)
    formset = client.get(url("redemption-detail", redemption.pk)).context["formset"]
    typed = {
        k: {"result": "fulfilled", "appraisal": "satisfied", "evidence": "现场查看"}
        for k in formset.keys
    }
    data = {**formset_data(formset, typed), "submission_key": key()}
    created = client.post(url("redemption-complete", redemption.pk), data, **SYNC)
    assert created.status_code == 201, created.content
    again = client.post(url("redemption-complete", redemption.pk), data, **SYNC)
    assert again.status_code == 200 and again.json()["replayed"] is True
    html = client.post(url("redemption-complete", redemption.pk), data, follow=True)
    assert SAVED() in html.content.decode()
    redemption.refresh_from_db()
    assert redemption.state == RecordState.COMPLETED
    # a second key after the completion: someone completed it meanwhile
    late = client.post(
        url("redemption-complete", redemption.pk), {**data, "submission_key": key()}, **SYNC
    )
    assert late.status_code == 409 and late.json()["conflict"] == "completed"


# ------------------------------------------------------------------ the inspection checklist


def scores_data(inspection, version=None, **extra):
    items = inspection.template.items.order_by("position")
    data = {f"score_{i.pk}": s for i, s in zip(items, ("38", "30", "25"), strict=True)}
    data["checklist_version"] = str(inspection.template.version if version is None else version)
    return {**data, **extra}


def test_inspection_scores_once_and_the_page_carries_the_version(client, insider, inspection):
    login(client, insider)
    page = client.get(url("inspection-detail", inspection.pk)).content.decode()
    assert 'name="checklist_version" value="1"' in page and 'name="submission_key"' in page
    same = key()
    created = client.post(
        url("inspection-scores", inspection.pk),
        scores_data(inspection, submission_key=same),
        **SYNC,
    )
    assert created.status_code == 201 and created.json()["url"] == url(
        "inspection-detail", inspection.pk
    )
    again = client.post(
        url("inspection-scores", inspection.pk),
        scores_data(inspection, submission_key=same),
        **SYNC,
    )
    assert again.status_code == 200 and again.json()["replayed"] is True
    html = client.post(
        url("inspection-scores", inspection.pk),
        scores_data(inspection, submission_key=same),
        follow=True,
    )
    assert SAVED() in html.content.decode()


def test_inspection_scores_for_another_version_are_a_conflict(client, insider, inspection):
    login(client, insider)
    data = scores_data(inspection, version=2, submission_key=key())
    response = client.post(url("inspection-scores", inspection.pk), data, **SYNC)
    assert response.status_code == 409 and response.json()["conflict"] == "checklist_changed"
    page = client.post(url("inspection-scores", inspection.pk), data, follow=True)
    assert page.redirect_chain[-1][0] == url("inspection-detail", inspection.pk)
    assert not Submission.objects.exists()


def test_inspection_submitted_meanwhile_is_a_conflict(client, insider, inspection):
    complete_inspection(insider, inspection)
    login(client, insider)
    response = client.post(
        url("inspection-scores", inspection.pk),
        scores_data(inspection, submission_key=key()),
        **SYNC,
    )
    assert response.status_code == 409 and response.json()["conflict"] == "completed"


def test_inspection_start_checks_the_checklist_and_the_quarter(
    client, insider, checklist, inspection_task
):
    login(client, insider)
    create = url("inspection-create", inspection_task.pk)
    page = client.get(create).content.decode()
    assert 'name="checklist_version" value="1"' in page
    changed = client.post(
        create, {"date": "2026-08-03", "checklist_version": "2", "submission_key": key()}, **SYNC
    )
    assert changed.status_code == 409 and changed.json()["conflict"] == "checklist_changed"
    assert not Inspection.objects.exists()
    data = {"date": "2026-08-03", "checklist_version": "1", "submission_key": key()}
    assert client.post(create, data, **SYNC).status_code == 201
    other = client.post(create, {**data, "submission_key": key()}, **SYNC)
    assert other.status_code == 409 and other.json()["conflict"] == "completed"
    assert Inspection.objects.count() == 1


# ------------------------------------------------------------------ the phone's cache


def field_data(client):
    response = client.get(reverse("field:field-data"))
    assert response.status_code == 200
    return response.json()


def test_field_data_holds_the_users_own_villages_without_ids_or_phones(
    client, contact, supervisor, village, other_village, sitting, checklist
):
    for post in sitting.values():
        post.cadre.phone = "13800138000"
        post.cadre.save()
    sitting_post(supervisor, other_village, PostKind.SECRETARY, "别村书记")
    login(client, contact)
    data = field_data(client)
    assert [v["code"] for v in data["villages"]] == [village.code]
    one = data["villages"][0]
    assert one["township"] == {"code": village.township.code, "name": village.township.name}
    assert [c["name"] for c in one["cadres"]] == ["李书记", "赵主任", "孙委员"]
    assert len(one["promises"]) == 6  # the secretary's and the chair's three promises
    assert one["checklist"]["version"] == 1 and len(one["checklist"]["items"]) == 3
    assert one["forms"]["presence"].startswith(url("presence-record"))
    assert data["csrf_token"] and data["user"]["username"] == "contact"
    text = json.dumps(data, ensure_ascii=False)
    assert "13800138000" not in text and "别村书记" not in text and "phone" not in text
    assert "id_number" not in text


@pytest.mark.parametrize(
    ("persona", "codes"),
    [("insider", ["370830102201"]), ("outsider", ["370830105201"]), ("contact", ["370830102201"])],
)
def test_field_data_never_shows_another_townships_village(
    client, request, persona, codes, village, other_village
):
    login(client, request.getfixturevalue(persona))
    assert [v["code"] for v in field_data(client)["villages"]] == codes


def test_field_data_lists_the_duties_with_their_forms(client, contact, village, sitting):
    hearing = make_hearing(contact, village)
    login(client, contact)
    duties = field_data(client)["villages"][0]["duties"]
    hearing_duty = next(d for d in duties if d["kind"] == "hearing")
    assert hearing_duty["record_url"] == url("hearing-detail", hearing.pk)
    assert hearing_duty["record_form_url"] == url("hearing-complete", hearing.pk)


def test_field_data_signed_out_is_401(client):
    response = client.get(reverse("field:field-data"))
    assert response.status_code == 401 and response.json()["login"].startswith("/accounts/login/")


def test_field_data_takes_the_same_number_of_queries(
    client, count_queries, insider, township, village, sitting, checklist
):
    login(client, insider)
    few = count_queries(reverse("field:field-data"))
    for n in range(2, 5):
        more = VillageFactory(township=township, code=f"37083010220{n}", name=f"村{n}")
        sitting_post(insider, more, PostKind.SECRETARY, f"书记{n}")
        services.task_for(more, TaskKind.HEARING, Period.parse("2026Q4"))
    assert count_queries(reverse("field:field-data")) == few
    assert len(field_data(client)["villages"]) == 4


def test_a_contact_who_lost_the_village_is_out_of_scope_on_the_record(
    client, contact, village, sitting
):
    from villages.models import ContactAssignment

    hearing = make_hearing(contact, village)
    login(client, contact)
    formset = client.get(url("hearing-detail", hearing.pk)).context["formset"]
    data = {**page_data(formset, [{"question": "新问题"}]), "submission_key": key()}
    # through the models, as the services end an assignment: the cached scope is renewed
    assignment = ContactAssignment.objects.get(cadre=contact)
    assignment.start_date, assignment.end_date = BD(2000, 1, 1), BD(2001, 1, 1)
    assignment.save()
    response = client.post(url("hearing-complete", hearing.pk), data, **SYNC)
    assert response.status_code == 409 and response.json()["conflict"] == "out_of_scope"
    assert not hearing.questions.exists()
    # without the header, the page answers as before (the record is not theirs any more)
    assert client.post(url("hearing-complete", hearing.pk), data).status_code in (403, 404)


def test_a_browser_posting_an_old_checklist_version_is_sent_back_with_a_message(
    client, insider, checklist, inspection_task
):
    login(client, insider)
    create = url("inspection-create", inspection_task.pk)
    response = client.post(create, {"date": "2026-08-03", "checklist_version": "7"}, follow=True)
    assert response.redirect_chain[-1][0] == create and not Inspection.objects.exists()
    expected = gettext(
        "The inspection checklist changed since this form was opened (version "
        "%(posted)s, now %(current)s); nothing was saved."
    ) % {"posted": "7", "current": 1}
    assert [str(m) for m in response.context["messages"]] == [expected]


def test_a_signed_out_sync_to_a_record_is_401(client, contact, village, sitting):
    hearing = make_hearing(contact, village)
    response = client.post(url("hearing-complete", hearing.pk), {"submission_key": key()}, **SYNC)
    assert response.status_code == 401 and response.json()["ok"] is False


# ------------------------------------------------------------------ started offline: one submit


def test_an_inspection_started_offline_is_scored_in_the_same_submit(
    client, insider, checklist, inspection_task
):
    login(client, insider)
    create = url("inspection-create", inspection_task.pk)
    items = list(checklist.items.order_by("position"))
    data = {
        "date": "2026-08-03",
        "checklist_version": "1",
        "submission_key": key(),
        f"score_{items[0].pk}": "41",  # above the weight of 40
        f"score_{items[1].pk}": "30",
    }
    refused = client.post(create, data, **SYNC)
    assert refused.status_code == 400 and f"score_{items[0].pk}" in refused.json()["errors"]
    assert not Inspection.objects.exists() and not Submission.objects.exists()
    data[f"score_{items[0].pk}"] = "38"
    created = client.post(create, data, **SYNC)
    assert created.status_code == 201, created.content
    inspection = Inspection.objects.get()
    assert sorted(s.score for s in inspection.scores.all()) == [30, 38]
    assert client.post(create, data, **SYNC).json()["replayed"] is True


def hearing_start_data(rows, **extra):
    from .bottomup_helpers import HEARING_DAY

    data = {
        "date": HEARING_DAY.isoformat(),
        "place": "村委会",
        "agenda": "财务",
        "party_members_present": "10",
        "representatives_present": "10",
        "others_present": "0",
        "submission_key": key(),
        "questions-TOTAL_FORMS": str(len(rows)),
        "questions-INITIAL_FORMS": "0",
        **extra,
    }
    for i, row in enumerate(rows):
        values = {"asker_kind": "villager", "category": "finance", "satisfied": "yes", **row}
        data.update({f"questions-{i}-{k}": v for k, v in values.items()})
    return data


def test_a_hearing_recorded_offline_is_started_and_completed_in_one_submit(
    client, contact, village, sitting
):
    from supervision.models import Hearing, Problem

    from .bottomup_helpers import duty

    task = duty(village, "hearing", "2026Q4")
    login(client, contact)
    create = url("hearing-create", task.pk)
    refused = client.post(create, hearing_start_data([{"question": "", "answer": "答"}]), **SYNC)
    assert refused.status_code == 400 and "questions-0-question" in refused.json()["errors"]
    assert not Hearing.objects.exists() and not Submission.objects.exists()
    rows = [
        {"question": "道路花了多少钱？", "answer": "12万元"},
        {"question": "低保名单为什么不公开？", "satisfied": "no"},
    ]
    data = hearing_start_data(rows, complete="1")
    created = client.post(create, data, **SYNC)
    assert created.status_code == 201, created.content
    hearing = Hearing.objects.get()
    assert created.json()["url"] == url("hearing-detail", hearing.pk)
    assert hearing.state == RecordState.COMPLETED and hearing.questions.count() == 2
    assert Problem.objects.get().title == "低保名单为什么不公开？"
    assert client.post(create, data, **SYNC).json()["replayed"] is True
    assert Hearing.objects.count() == 1


# ------------------------------------------------------------------ the database keeps the rows


def test_an_accepted_submission_cannot_be_changed_and_is_audited(contact, village):
    from supervision.models import SubmissionEvent

    first = record_visit(contact, village, uuid.uuid4())
    with pytest.raises(Exception, match="submission_is_kept"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE supervision_submission SET url = '/elsewhere/' WHERE id = %s",
                [first.submission.pk],
            )
    assert Submission.objects.get().url == first.url
    assert SubmissionEvent.objects.filter(pgh_obj=first.submission).exists()


def test_the_phones_cache_is_never_stored_by_a_browser_or_proxy(client, contact, village):
    login(client, contact)
    response = client.get(reverse("field:field-data"))
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_two_phones_starting_one_duty_at_once_get_one_record_and_one_conflict(
    contact, village, sitting
):
    from supervision.models import Hearing

    from .bottomup_helpers import duty

    task = duty(village, "hearing", "2026Q4")
    clients = [Client() for _ in range(2)]
    for c in clients:
        c.force_login(contact)
    create = url("hearing-create", task.pk)
    results = _at_once(2, lambda i: clients[i].post(create, hearing_start_data([]), **SYNC))
    assert sorted(r.status_code for r in results) == [201, 409]
    assert next(r for r in results if r.status_code == 409).json()["conflict"] == "completed"
    assert Hearing.objects.count() == 1 == Submission.objects.count()
