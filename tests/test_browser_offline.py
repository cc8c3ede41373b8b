"""Field forms without signal (issue 21), on a phone (390×844) in Playwright's offline mode:
a contact cadre opens the visit form once with signal (the service worker keeps it), loses the
signal, records a visit (kept on the phone, 待同步 1), reloads the page still without signal (it
opens from the worker's cache), and when the signal returns the visit is sent by itself, exactly
once. A visit recorded offline for a village taken away before the signal returns comes back as a
conflict shown with what was typed, and stays until discarded."""

import time

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from core.dates import today
from supervision.models import PresenceVisit
from villages.models import ContactAssignment
from villages.tests.helpers import PASSWORD, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.offline, pytest.mark.django_db(transaction=True)]

RECORD = "/supervision/presence/visits/record/"
QUEUE = "/field/queue/"


def zh(msgid):
    """The words the page shows for `msgid` (Chinese once the catalogue has them)."""
    with translation.override("zh-hans"):
        return gettext(msgid)


def wait_kept(page, path, seconds=40):
    """Wait until the service worker controls the page and keeps `path` in its pages' cache (the
    worker installs, precaching the shell, first; the machine is shared)."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    deadline = time.monotonic() + seconds
    while True:
        paths = page.evaluate(
            """async () => {
                const cache = await caches.open("cunjian-pages");
                const keys = await cache.keys();
                return keys.map((r) => new URL(r.url)).map((u) => u.pathname + u.search);
            }"""
        )
        if path in paths:
            return
        assert time.monotonic() < deadline, f"{path} not kept: {paths}"
        page.wait_for_timeout(200)


def record_offline(page, work):
    form = page.get_by_test_id("visit-form")
    form.locator("#id_date").fill(today().isoformat())
    form.locator("#id_half_days_0").check()
    form.locator("#id_work_done").fill(work)
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("saved-offline")).to_contain_text(
        zh("Saved on this phone, waiting to sync.")
    )


def test_a_visit_recorded_without_signal_is_sent_once_when_the_signal_returns(
    page, village, contact
):
    browser_login(page, "contact")
    page.goto(page.base_url + RECORD)
    wait_kept(page, RECORD)
    wait_kept(page, QUEUE)  # from /field/data/

    page.context.set_offline(True)
    record_offline(page, "入户走访困难群众")
    badge = page.get_by_test_id("offline-badge")
    expect(badge).to_be_visible()
    expect(badge).to_have_text(f"{zh('To sync')} 1")
    assert not PresenceVisit.objects.exists()

    # Still no signal: the form's page opens from the phone, with the count.
    response = page.reload()
    assert response is not None and response.from_service_worker
    expect(page.get_by_test_id("visit-form")).to_be_visible()
    expect(badge).to_have_text(f"{zh('To sync')} 1")
    # A page never kept (the list of visits) is not on the phone: the worker answers with the
    # queue's page rather than the browser's error page.
    page.goto(page.base_url + "/supervision/presence/visits/")
    expect(page.get_by_test_id("queue")).to_be_attached()
    page.goto(page.base_url + RECORD)
    # so does the queue's page, with what was typed
    page.get_by_test_id("nav-offline").click()
    page.wait_for_url(page.base_url + QUEUE)
    item = page.get_by_test_id("queue-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("入户走访困难群众")
    expect(item).to_contain_text(village.name)
    expect(item.get_by_test_id("queue-status")).to_have_text(zh("To sync"))

    # The signal returns: the queue is sent by itself, once.
    page.context.set_offline(False)
    synced = page.get_by_test_id("synced")
    expect(synced).to_contain_text(zh("Synced"))
    expect(page.get_by_test_id("queue-item")).to_have_count(0)
    expect(page.get_by_test_id("nav-offline")).to_be_hidden()
    visits = PresenceVisit.objects.filter(person=contact)
    assert visits.count() == 1
    visit = visits.get()
    assert visit.village == village and visit.work_done == "入户走访困难群众"

    # The answer's link opens the record's page; 立即同步 and a reload send nothing more.
    with page.expect_navigation():
        synced.get_by_role("link").click()
    expect(page.locator("main")).to_contain_text("入户走访困难群众")
    page.goto(page.base_url + QUEUE)
    page.get_by_test_id("sync-now").click()
    expect(page.get_by_test_id("queue-empty")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("queue-empty")).to_be_visible()
    assert PresenceVisit.objects.count() == 1


def test_a_visit_for_a_village_taken_away_meanwhile_comes_back_as_a_conflict(
    page, village, contact
):
    browser_login(page, "contact")
    page.goto(page.base_url + RECORD)
    wait_kept(page, RECORD)
    wait_kept(page, QUEUE)
    page.context.set_offline(True)
    record_offline(page, "召开村民代表会议")

    # The township moves the village to another contact cadre before the signal returns.
    ContactAssignment.objects.filter(cadre=contact).delete()
    page.goto(page.base_url + QUEUE)
    page.context.set_offline(False)

    item = page.get_by_test_id("queue-item")
    expect(item.get_by_test_id("queue-status")).to_have_text(zh("Conflict"))
    expect(item.get_by_test_id("queue-conflict")).to_contain_text(
        zh("You no longer organize this village; nothing was saved.")
    )
    expect(item.get_by_test_id("queue-typed")).to_contain_text("召开村民代表会议")
    assert not PresenceVisit.objects.exists()
    # kept (and counted) until the cadre discards it
    page.reload()
    expect(page.get_by_test_id("queue-item")).to_have_count(1)
    expect(page.get_by_test_id("offline-badge")).to_have_text(f"{zh('To sync')} 1")
    page.once("dialog", lambda d: d.dismiss())
    page.get_by_test_id("queue-delete").click()
    expect(page.get_by_test_id("queue-item")).to_have_count(1)

    # Signing out asks first, naming the count; then nothing of the user stays on the phone.
    asked = []

    def answer(dialog, accept):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    def log_out(accept):
        page.locator(".navbar-toggler").click()
        expect(page.locator(".navbar-collapse.show")).to_be_visible()
        page.get_by_test_id("user-menu").click()
        page.once("dialog", lambda d: answer(d, accept))
        page.get_by_role("button", name=zh("Log out")).click()

    log_out(accept=False)
    expect(page.get_by_test_id("queue-item")).to_have_count(1)  # still signed in, still kept
    page.reload()
    log_out(accept=True)
    page.wait_for_url("**/accounts/login/**")
    assert len(asked) == 2 and all("1" in m for m in asked), asked
    assert not page.evaluate("caches.has('cunjian-pages')")
    browser_login(page, "contact")
    expect(page.get_by_test_id("nav-offline")).to_be_hidden()
    page.goto(page.base_url + QUEUE)
    expect(page.get_by_test_id("queue-empty")).to_be_visible()
    assert not PresenceVisit.objects.exists()


def test_a_visit_refused_at_sync_is_corrected_in_its_form_and_sent_once(page, village, contact):
    browser_login(page, "contact")
    page.goto(page.base_url + RECORD)
    wait_kept(page, RECORD)
    wait_kept(page, QUEUE)
    page.context.set_offline(True)
    form = page.get_by_test_id("visit-form")
    form.locator("#id_half_days_1").check()  # two half days, and no word of the work done
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("saved-offline")).to_be_visible()
    page.goto(page.base_url + QUEUE)
    page.context.set_offline(False)

    item = page.get_by_test_id("queue-item")
    expect(item.get_by_test_id("queue-status")).to_have_text(zh("To correct"))
    expect(item.get_by_test_id("queue-error")).to_have_count(1)  # beside the work done
    assert not PresenceVisit.objects.exists()

    # Reopened in its form, filled as it was typed, the error beside the field.
    item.get_by_test_id("queue-edit").click()
    form = page.get_by_test_id("visit-form")
    expect(form.locator("#id_half_days_1")).to_be_checked()
    expect(form.locator("#id_work_done + .invalid-feedback, .invalid-feedback")).to_have_count(1)
    form.locator("#id_work_done").fill("督促整改财务公开问题")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    visit = PresenceVisit.objects.get(person=contact)
    assert visit.half_days == 2 and visit.work_done == "督促整改财务公开问题"
    expect(page.get_by_test_id("nav-offline")).to_be_hidden()
    page.goto(page.base_url + QUEUE)
    expect(page.get_by_test_id("queue-empty")).to_be_visible()
    assert PresenceVisit.objects.count() == 1


def test_a_visit_kept_when_the_session_ran_out_waits_for_the_sign_in(page, village, contact):
    browser_login(page, "contact")
    page.goto(page.base_url + RECORD)
    wait_kept(page, RECORD)
    wait_kept(page, QUEUE)
    page.context.set_offline(True)
    record_offline(page, "核对村务公开栏")

    # The session runs out before the signal returns: the queue waits, and says why.
    page.context.clear_cookies()
    page.context.set_offline(False)
    login = page.get_by_test_id("login-needed")
    expect(login).to_contain_text(zh("Log in again to sync."))
    expect(page.get_by_test_id("offline-badge")).to_have_text(f"{zh('To sync')} 1")
    assert not PresenceVisit.objects.exists()

    login.get_by_role("link").click()
    page.get_by_label("用户名").fill("contact")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    # back on the form's page, the queue is sent at once
    expect(page.get_by_test_id("synced")).to_contain_text(village.name)
    expect(page.get_by_test_id("nav-offline")).to_be_hidden()
    assert PresenceVisit.objects.filter(person=contact, work_done="核对村务公开栏").count() == 1
