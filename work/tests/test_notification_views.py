"""The notification pages and the group robots' page, tried as every persona; the bell in the
navigation at a constant number of queries."""

import pytest
from django.urls import reverse

from supervision.models import Notification
from villages.tests.helpers import login
from work.choices import ChannelKind, DeliveryState
from work.models import NotificationPreference, TownshipChannel

pytestmark = pytest.mark.django_db

NOTES = reverse("work:notifications")
ROBOTS = reverse("work:robots")
URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"


def note(user, village, n=1, **kw):
    return Notification.objects.create(
        user=user,
        key=f"inbox:questions_to_answer:{n}",
        message=f"村民提问待答复: 南旺村 {n}",
        url=f"/ledgers/disclosures/1/#answer-{n}",
        area_code=village.code,
        **kw,
    )


@pytest.fixture
def robot(township, insider):
    return TownshipChannel.objects.create(
        township=township,
        area_code=township.code,
        kind=ChannelKind.DINGTALK,
        name="南旺镇党政办群",
        webhook_url=URL,
        secret="SECsecretvalue123",
        created_by=insider,
    )


# ------------------------------------------------------------------ notifications


def test_anonymous_is_sent_to_log_in(client):
    for url in (NOTES, ROBOTS):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]
    response = client.post(reverse("work:notifications-read-all"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_each_user_sees_their_own_notifications_only(
    client, village, insider, outsider, supervisor
):
    note(insider, village, 1)
    note(supervisor, village, 2)
    for user, expected in ((insider, ["1"]), (supervisor, ["2"]), (outsider, [])):
        page = login(client, user).get(NOTES)
        shown = [n.message[-1] for n in page.context["notifications"]]
        assert shown == expected


def test_the_unread_filter_and_the_pages(client, village, insider):
    from django.utils import timezone

    for n in range(1, 24):
        note(insider, village, n, read_at=timezone.now() if n % 2 else None)
    login(client, insider)
    page = client.get(NOTES)
    assert page.context["page_obj"].paginator.count == 23
    assert len(page.context["notifications"]) == 20
    unread = client.get(NOTES, {"unread": "1"})
    assert unread.context["page_obj"].paginator.count == 11
    assert all(n.read_at is None for n in unread.context["notifications"])


def test_opening_a_notification_reads_it_and_goes_to_its_page(client, village, insider):
    n = note(insider, village)
    response = login(client, insider).post(reverse("work:notification-open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == n.url
    n.refresh_from_db()
    assert n.read_at is not None


def test_marking_read_only_stays_on_the_list(client, village, insider):
    n = note(insider, village)
    response = login(client, insider).post(
        reverse("work:notification-open", args=[n.pk]),
        {"read_only": "1", "next": NOTES + "?unread=1"},
    )
    assert response["Location"] == NOTES + "?unread=1"
    n.refresh_from_db()
    assert n.read_at is not None


def test_a_notification_leads_nowhere_outside_the_site(client, village, insider):
    n = note(insider, village)
    Notification.objects.filter(pk=n.pk).update(url="https://evil.example/")
    response = login(client, insider).post(reverse("work:notification-open", args=[n.pk]))
    assert response["Location"] == NOTES


def test_another_users_notification_is_not_found(client, village, insider, outsider, supervisor):
    n = note(insider, village)
    for user in (outsider, supervisor):
        response = login(client, user).post(reverse("work:notification-open", args=[n.pk]))
        assert response.status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_all_read_reads_only_the_users_own(client, village, insider, supervisor):
    note(insider, village, 1)
    note(insider, village, 2)
    note(supervisor, village, 3)
    response = login(client, insider).post(reverse("work:notifications-read-all"), {"next": NOTES})
    assert response["Location"] == NOTES
    assert not Notification.objects.filter(user=insider, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=supervisor, read_at__isnull=True).count() == 1


def test_a_user_chooses_no_email(client, insider):
    login(client, insider).post(reverse("work:preference"), {})
    assert NotificationPreference.objects.get(user=insider).email is False
    client.post(reverse("work:preference"), {"email": "on"})
    assert NotificationPreference.objects.get(user=insider).email is True


def test_the_bell_counts_the_unread(client, village, insider):
    note(insider, village, 1)
    note(insider, village, 2)
    html = login(client, insider).get(NOTES).content.decode()
    assert 'data-testid="bell-badge">2<' in html


def test_the_bell_costs_the_same_with_2_and_50_unread(client, village, insider, count_queries):
    # A page of the navigation alone (the home page also lists the latest changes).
    page = reverse("password_change")
    for n in range(2):
        note(insider, village, n)
    login(client, insider)
    few = count_queries(page)
    for n in range(2, 50):
        note(insider, village, n)
    assert count_queries(page) == few


def test_the_list_costs_the_same_with_2_and_50_notifications(
    client, village, insider, count_queries
):
    for n in range(2):
        note(insider, village, n)
    login(client, insider)
    few = count_queries(NOTES)
    for n in range(2, 50):
        note(insider, village, n)
    assert count_queries(NOTES) == few


# ------------------------------------------------------------------ group robots


def test_the_insider_sees_the_townships_robot_masked(client, robot, insider):
    html = login(client, insider).get(ROBOTS).content.decode()
    assert "南旺镇党政办群" in html
    assert "693a91f6" not in html and "SECsecretvalue123" not in html
    edit = client.get(reverse("work:robot-edit", args=[robot.pk])).content.decode()
    assert "693a91f6" not in edit and "SECsecretvalue123" not in edit


def test_the_supervisor_sees_the_countys_robots(client, robot, supervisor):
    page = login(client, supervisor).get(ROBOTS)
    assert [c.pk for c in page.context["channels"]] == [robot.pk]


def test_the_outsider_neither_sees_nor_changes_nor_tests_another_townships_robot(
    client, robot, outsider
):
    page = login(client, outsider).get(ROBOTS)
    assert page.status_code == 200 and page.context["channels"] == []
    assert client.get(reverse("work:robot-edit", args=[robot.pk])).status_code == 404
    response = client.post(reverse("work:robot-edit", args=[robot.pk]), {"name": "x"})
    assert response.status_code == 404
    assert client.post(reverse("work:robot-test", args=[robot.pk])).status_code == 404
    robot.refresh_from_db()
    assert robot.name == "南旺镇党政办群" and not robot.deliveries.exists()


def test_the_outsider_cannot_add_a_robot_to_another_township(client, township, outsider):
    response = login(client, outsider).post(
        ROBOTS,
        {"township": township.pk, "kind": "wecom", "name": "群", "webhook_url": URL},
    )
    assert response.status_code == 200 and "township" in response.context["form"].errors
    assert not TownshipChannel.objects.exists()


def test_contact_cadres_and_clerks_do_not_set_robots(client, robot, contact, clerk):
    for user in (contact, clerk):
        login(client, user)
        assert client.get(ROBOTS).status_code == 403
        assert client.get(reverse("work:robot-edit", args=[robot.pk])).status_code == 404


def test_the_insider_adds_a_robot(client, township, insider):
    response = login(client, insider).post(
        ROBOTS,
        {
            "township": township.pk,
            "kind": "dingtalk",
            "name": "南旺镇群",
            "webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=abc",
            "secret": "SEC123",
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    channel = TownshipChannel.objects.get()
    assert (channel.area_code, channel.secret, channel.created_by) == (
        township.code,
        "SEC123",
        insider,
    )


def test_an_address_on_another_host_is_refused_on_the_form(client, township, insider):
    response = login(client, insider).post(
        ROBOTS,
        {"township": township.pk, "kind": "wecom", "name": "群", "webhook_url": "http://10.1.1.1/"},
    )
    assert response.status_code == 200 and "webhook_url" in response.context["form"].errors
    assert not TownshipChannel.objects.exists()


def test_a_change_keeps_the_stored_credentials_unless_typed(client, robot, township, insider):
    response = login(client, insider).post(
        reverse("work:robot-edit", args=[robot.pk]),
        {"township": township.pk, "kind": "dingtalk", "name": "改名了", "webhook_url": ""},
    )
    assert response.status_code == 302
    robot.refresh_from_db()
    assert (robot.name, robot.webhook_url, robot.secret, robot.enabled) == (
        "改名了",
        URL,
        "SECsecretvalue123",
        False,
    )


def test_channel_changes_are_in_the_change_log(client, robot, township, insider):
    from pghistory.models import Events

    login(client, insider).post(
        reverse("work:robot-edit", args=[robot.pk]),
        {"township": township.pk, "kind": "dingtalk", "name": "改名了", "enabled": "on"},
    )
    labels = list(
        Events.objects.tracks(robot).order_by("pgh_created_at").values_list("pgh_label", flat=True)
    )
    assert labels == ["insert", "update"]


def test_the_test_button_shows_the_result(client, township, insider, robot_server):
    channel = TownshipChannel.objects.create(
        township=township,
        area_code=township.code,
        kind=ChannelKind.WECOM,
        name="测试群",
        webhook_url=robot_server.url + "/send?key=k",
    )
    response = login(client, insider).post(
        reverse("work:robot-test", args=[channel.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == ROBOTS
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    (delivery,) = response.context["deliveries"]
    assert delivery.state == DeliveryState.SENT and len(robot_server.received) == 1
    robot_server.statuses = [500]
    response = client.post(reverse("work:robot-test", args=[channel.pk]), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert 'data-testid="delivery-state"' in response.content.decode()
