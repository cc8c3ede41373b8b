"""More field forms without signal (issue 21), on a phone (390 px) in Playwright's offline mode,
with the steps of tests/test_browser_offline.py: a public report's votes and a pledge
redemption completed offline, the page reloaded offline, each recorded exactly once when the
signal returns; an inspection started offline on a checklist the county replaced meanwhile
comes back as the `checklist_changed` conflict with what was typed, kept until discarded; a
visit with a photo chosen offline (the file kept in IndexedDB) arrives with its photo."""

import datetime as dt
from importlib import import_module

import pytest
from django.conf import settings
from playwright.sync_api import expect

from cadres.choices import PostKind
from supervision import services
from supervision.choices import TaskKind
from supervision.models import Inspection, PresenceVisit, PublicReport, Redemption
from supervision.models.field import Submission
from supervision.periods import Period
from supervision.tests.bottomup_helpers import make_redemption, make_report, pledged_secretary
from supervision.tests.conftest import (
    checklist,  # noqa: F401 (fixture)
    sitting_post,
)
from supervision.tests.presence_helpers import png_bytes
from tests.test_browser_offline import QUEUE, RECORD, record_offline, wait_kept, zh
from villages.tests.helpers import PASSWORD, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.offline, pytest.mark.django_db(transaction=True)]


def go_offline_at(page, path):
    """Open `path` with signal, wait until the phone keeps it (and the queue), lose the signal."""
    page.goto(page.base_url + path)
    wait_kept(page, path)
    wait_kept(page, QUEUE)
    page.context.set_offline(True)


def confirm_kept(page):
    """The irreversible action's dialog, confirmed: without signal the form stays on the phone."""
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="确认").click()
    expect(page.get_by_test_id("saved-offline")).to_contain_text(
        zh("Saved on this phone, waiting to sync.")
    )


def kept_items(page):
    """The records kept on the phone (IndexedDB), oldest first."""
    return page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open("cunjian-offline");
            open.onsuccess = () => {
                const all = open.result.transaction("queue").objectStore("queue").getAll();
                all.onsuccess = () => resolve(all.result.sort((a, b) => a.time < b.time ? -1 : 1)
                    .map((i) => ({url: new URL(i.url).pathname, fields: i.fields
                        .map(([n, v]) => [n, v instanceof File ? v.size : v])})));
            };
        })"""
    )


def reload_offline_then_sync(page, count=1):
    badge = page.get_by_test_id("offline-badge")
    expect(badge).to_have_text(f"{zh('To sync')} {count}")
    response = page.reload()  # still without signal: the page opens from the phone
    assert response is not None and response.from_service_worker
    expect(badge).to_have_text(f"{zh('To sync')} {count}")
    page.context.set_offline(False)
    expect(page.get_by_test_id("synced")).to_be_visible()
    expect(page.get_by_test_id("nav-offline")).to_be_hidden()


def test_public_report_votes_recorded_without_signal_are_recorded_once(
    page, village, insider, contact
):
    for kind, name in [(PostKind.SECRETARY, "李书记"), (PostKind.CHAIR, "赵主任")]:
        sitting_post(insider, village, kind, name, pledge=False)
    report = make_report(contact, village)
    browser_login(page, "contact")
    go_offline_at(page, f"/supervision/public-reports/{report.pk}/")

    rows = page.get_by_test_id("vote-row")
    expect(rows).to_have_count(2)
    for i, (s, b, d) in enumerate([(40, 8, 0), (30, 12, 6)]):
        rows.nth(i).get_by_label("满意", exact=True).fill(str(s))
        rows.nth(i).get_by_label("基本满意").fill(str(b))
        rows.nth(i).get_by_label("不满意").fill(str(d))
    page.get_by_role("button", name="记录测评结果").click()
    confirm_kept(page)
    assert not report.votes.exists()

    reload_offline_then_sync(page)
    report = PublicReport.objects.get()
    assert report.state == "completed"
    assert sorted(report.votes.values_list("satisfied", "dissatisfied")) == [(30, 6), (40, 0)]
    assert Submission.objects.filter(kind="public_report").count() == 1
    page.reload()
    expect(page.get_by_test_id("record-state")).to_have_text("已完成")
    page.goto(page.base_url + QUEUE)
    page.get_by_test_id("sync-now").click()
    expect(page.get_by_test_id("queue-empty")).to_be_visible()
    assert report.votes.count() == 2


def test_a_redemption_completed_without_signal_is_completed_once(page, village, insider, contact):
    pledged_secretary(insider, village, [dt.date(2026, 6, 30), dt.date(2028, 12, 31)])
    redemption = make_redemption(contact, village)
    browser_login(page, "contact")
    go_offline_at(page, f"/supervision/redemptions/{redemption.pk}/")

    rows = page.get_by_test_id("result-row")
    expect(rows).to_have_count(2)
    # 保存草稿 first: kept for the draft's address, not the completion's
    rows.nth(0).get_by_label("结果").select_option(label="已兑现")
    rows.nth(0).get_by_label("群众评价").select_option(label="满意")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_test_id("saved-offline")).to_be_visible()
    assert [i["url"] for i in kept_items(page)] == [
        f"/supervision/redemptions/{redemption.pk}/results/"
    ]
    rows.nth(0).get_by_label("结果").select_option(label="已兑现")
    rows.nth(0).get_by_label("群众评价").select_option(label="满意")
    rows.nth(1).get_by_label("结果").select_option(label="按计划推进")
    rows.nth(1).get_by_label("群众评价").select_option(label="基本满意")
    page.get_by_role("button", name="完成承诺兑现").click()
    confirm_kept(page)
    assert [i["url"] for i in kept_items(page)] == [
        f"/supervision/redemptions/{redemption.pk}/results/",
        f"/supervision/redemptions/{redemption.pk}/complete/",
    ]
    assert not Redemption.objects.exclude(state="draft").exists()

    reload_offline_then_sync(page, count=2)
    redemption = Redemption.objects.get()
    assert redemption.state == "completed"
    assert sorted(redemption.results.values_list("result", flat=True)) == [
        "fulfilled",
        "on_track",
    ]
    assert Submission.objects.filter(kind="redemption").count() == 2  # the draft, the end
    page.reload()
    expect(page.get_by_test_id("record-state")).to_have_text("已完成")


def test_an_inspection_started_on_a_replaced_checklist_comes_back_as_a_conflict(
    page,
    insider,
    supervisor,
    village,
    checklist,  # noqa: F811
):
    task = services.task_for(village, TaskKind.INSPECTION, Period.parse("2026Q3"))
    browser_login(page, "insider")
    go_offline_at(page, f"/supervision/duties/{task.pk}/inspection/")
    page.get_by_label("巡查日期").fill("2026-08-03")
    page.get_by_role("button", name="开始巡查").click()
    expect(page.get_by_test_id("saved-offline")).to_be_visible()

    # Before the signal returns the county puts version 2 of its checklist in use.
    draft = services.template_new_version(actor=supervisor, county_code=checklist.area_code)
    services.template_activate(actor=supervisor, template=draft)
    page.goto(page.base_url + QUEUE)  # from the phone
    page.context.set_offline(False)

    item = page.get_by_test_id("queue-item")
    expect(item.get_by_test_id("queue-status")).to_have_text(zh("Conflict"))
    message = zh(
        "The inspection checklist changed since this form was opened (version "
        "%(posted)s, now %(current)s); nothing was saved."
    ) % {"posted": 1, "current": 2}
    expect(item.get_by_test_id("queue-conflict")).to_contain_text(message)
    expect(item.get_by_test_id("queue-typed")).to_contain_text("2026-08-03")
    assert not Inspection.objects.exists()

    # kept (and counted) until discarded, even after a sync and a reload
    page.get_by_test_id("sync-now").click()
    page.reload()
    expect(page.get_by_test_id("queue-item")).to_have_count(1)
    expect(page.get_by_test_id("offline-badge")).to_have_text(f"{zh('To sync')} 1")
    page.once("dialog", lambda d: d.accept())
    page.get_by_test_id("queue-delete").click()
    expect(page.get_by_test_id("queue-empty")).to_be_visible()
    expect(page.get_by_test_id("nav-offline")).to_be_hidden()
    assert not Inspection.objects.exists() and not Submission.objects.exists()


def test_a_visit_with_a_photo_chosen_without_signal_arrives_with_its_photo(
    page, village, contact, tmp_path
):
    browser_login(page, "contact")
    go_offline_at(page, RECORD)
    photo = tmp_path / "走访.png"
    photo.write_bytes(png_bytes((8, 8)))
    page.get_by_test_id("visit-form").locator("input[type=file]").set_input_files(str(photo))
    record_offline(page, "查看村务公开栏")
    # the file is on the phone, in the kept item
    (kept,) = kept_items(page)
    assert ["photo", photo.stat().st_size] in kept["fields"]

    reload_offline_then_sync(page)
    visit = PresenceVisit.objects.get(person=contact)
    assert visit.work_done == "查看村务公开栏" and visit.photo
    assert visit.photo.storage.exists(visit.photo.name)
    with visit.photo.open("rb") as stored:
        assert stored.read().startswith(b"\x89PNG")


def test_a_visit_kept_while_the_password_must_change_waits_for_the_new_password(
    page, village, contact
):
    browser_login(page, "contact")
    go_offline_at(page, RECORD)
    record_offline(page, "检查党员活动室")

    # The account is told to change its password (as an imported account is at its first
    # login) before the signal returns: the phone keeps the visit and says why.
    (sid,) = [c["value"] for c in page.context.cookies() if c["name"] == "sessionid"]
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=sid)
    session["must_change_password"] = True
    session.save()
    page.context.set_offline(False)
    needed = page.get_by_test_id("password-needed")
    expect(needed).to_contain_text(
        zh("Change your password to sync: the records stay on this phone until then.")
    )
    expect(page.get_by_test_id("offline-badge")).to_have_text(f"{zh('To sync')} 1")
    assert not PresenceVisit.objects.exists()

    needed.get_by_role("link").click()
    page.locator("#id_old_password").fill(PASSWORD)
    page.locator("#id_new_password1").fill("Wenshang-2026-new")
    page.locator("#id_new_password2").fill("Wenshang-2026-new")
    page.locator("main").locator("button[type=submit]").click()
    # the next page sends the queue at once
    expect(page.get_by_test_id("synced")).to_be_visible()
    expect(page.get_by_test_id("nav-offline")).to_be_hidden()
    assert PresenceVisit.objects.filter(person=contact, work_done="检查党员活动室").count() == 1
