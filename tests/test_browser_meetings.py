"""Meetings in one submit, on a phone (390 px): the contact cadre records a public report's
votes on every sitting cadre and completes it with one tap, then marks every promise of the
year's redemption (a multi-year promise offers 按计划推进) and completes it with one tap."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from cadres.choices import PostKind
from supervision.choices import TaskKind
from supervision.models import PublicReport, Redemption
from supervision.tests.bottomup_helpers import duty, make_redemption, pledged_secretary
from supervision.tests.conftest import sitting_post
from tests.browser import confirm_in_dialog
from villages.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def count_posts(page, path_end):
    """A list that grows with each form submitted to a URL ending with `path_end`."""
    posts: list[str] = []
    page.on(
        "request",
        lambda r: r.method == "POST" and r.url.endswith(path_end) and posts.append(r.url),
    )
    return posts


def test_a_contact_cadre_records_every_vote_in_one_submit(page, village, insider, contact):
    names = ["李书记", "赵主任", "孙委员"]
    for kind, name in zip(
        [PostKind.SECRETARY, PostKind.CHAIR, PostKind.COMMITTEE_MEMBER], names, strict=True
    ):
        sitting_post(insider, village, kind, name, pledge=False)
    task = duty(village, TaskKind.PUBLIC_REPORT, "2026H2")

    browser_login(page, "contact")
    page.goto(f"{page.base_url}/supervision/public-reports/start/{task.pk}/")
    page.locator("#id_date").fill("2026-11-10")
    page.locator("#id_ballots_issued").fill("50")
    page.locator("#id_ballots_returned").fill("48")
    page.locator("main").get_by_role("button", name="保存").click()
    page.wait_for_url("**/supervision/public-reports/*/")

    submits = count_posts(page, "/complete/")
    rows = page.get_by_test_id("vote-row")
    expect(rows).to_have_count(3)
    for i, (s, b, d) in enumerate([(40, 8, 0), (30, 12, 6), (20, 20, 8)]):
        row = rows.nth(i)
        expect(row).to_contain_text(names[i])
        row.get_by_label("满意", exact=True).fill(str(s))
        row.get_by_label("基本满意").fill(str(b))
        row.get_by_label("不满意").fill(str(d))
    # the whole form fits the phone's width: no sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="记录测评结果").click()
    confirm_in_dialog(page, "收回的选票数")  # what recording the votes does, asked once

    expect(page.get_by_test_id("record-state")).to_have_text("已完成")
    expect(page.get_by_test_id("votes")).to_contain_text("100.0%")
    assert len(submits) == 1
    report = PublicReport.objects.get()
    assert report.votes.count() == 3


def test_a_contact_cadre_completes_a_redemption_in_one_submit(page, village, insider, contact):
    pledged_secretary(insider, village, [dt.date(2026, 6, 30), dt.date(2028, 12, 31)])
    redemption = make_redemption(contact, village)

    browser_login(page, "contact")
    page.goto(f"{page.base_url}/supervision/redemptions/{redemption.pk}/")
    submits = count_posts(page, "/complete/")
    rows = page.get_by_test_id("result-row")
    expect(rows).to_have_count(2)
    due, later = rows.nth(0), rows.nth(1)
    due.get_by_label("结果").select_option(label="已兑现")
    due.get_by_label("群众评价").select_option(label="满意")
    # a promise due in a later year is not judged yet: it is on schedule
    later.get_by_label("结果").select_option(label="按计划推进")
    later.get_by_label("群众评价").select_option(label="满意")
    page.get_by_role("button", name="完成承诺兑现").click()
    confirm_in_dialog(page, "不能再修改")

    expect(page.get_by_test_id("record-state")).to_have_text("已完成")
    expect(page.get_by_test_id("village-rate")).to_have_text("100.0%")
    assert len(submits) == 1
    assert sorted(Redemption.objects.get().results.values_list("result", flat=True)) == [
        "fulfilled",
        "on_track",
    ]
