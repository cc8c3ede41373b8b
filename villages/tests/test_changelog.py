"""The change log catches ORM, bulk and raw-SQL writes, with the acting user."""

import pghistory
import pytest
from django.db import connection
from django.utils import translation

from villages import selectors
from villages.models import ChangeEvent, Village
from villages.tests.factories import VillageFactory

pytestmark = pytest.mark.django_db


def events_of(village):
    return list(selectors.object_history(village).order_by("pgh_id"))


def test_orm_create_and_update_are_logged_with_changed_fields(village, insider):
    with pghistory.context(user=insider.pk):
        village.households = 500
        village.save()
    events = events_of(village)
    assert [e.pgh_label for e in events] == ["insert", "update"]
    assert events[-1].pgh_diff["households"] == [320, 500]
    assert events[-1].pgh_context["user"] == insider.pk
    with translation.override("en"):
        changes = selectors.describe_changes(events[-1])
    assert [(c.label, c.old, c.new) for c in changes] == [("households", 320, 500)]


def test_bulk_update_is_logged(township, insider):
    villages = [VillageFactory(township=township, code=f"370830102{300 + i}") for i in range(3)]
    with pghistory.context(user=insider.pk):
        Village.objects.filter(pk__in=[v.pk for v in villages]).update(is_backward=True)
    updates = ChangeEvent.objects.filter(pgh_label="update", pgh_context__user=insider.pk)
    assert updates.count() == 3


def test_raw_sql_update_and_delete_are_logged(village):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE villages_village SET population = 7 WHERE id = %s", [village.pk])
        cursor.execute("DELETE FROM villages_village WHERE id = %s", [village.pk])
    labels = [e.pgh_label for e in ChangeEvent.objects.references(village).order_by("pgh_id")]
    assert labels[-2:] == ["update", "delete"]


def test_describe_changes_uses_the_models_labels(village):
    village.name = "新名"
    village.save()
    with translation.override("zh-hans"):
        labels = {c.label for c in selectors.describe_changes(events_of(village)[-1])}
    assert labels == {"名称"}


def test_request_user_is_attached_to_events(client, insider, village):
    client.force_login(insider)
    client.post(
        f"/villages/{village.code}/edit/",
        {
            "name": village.name,
            "households": 1,
            "population": 2,
            "party_members": 0,
            "collective_income": "0",
            "notes": "",
        },
    )
    event = events_of(village)[-1]
    assert event.pgh_context["user"] == insider.pk
    assert event.pgh_context["url"] == f"/villages/{village.code}/edit/"


def test_account_changes_are_logged_without_password_hashes(insider):
    insider.is_active = False
    insider.set_password("another-secret-77")
    insider.save()
    events = list(ChangeEvent.objects.tracks(insider).order_by("pgh_id"))
    assert [e.pgh_label for e in events] == ["insert", "update"]
    assert events[-1].pgh_diff == {"is_active": [True, False]}
    assert all("password" not in e.pgh_data for e in events)


def test_a_login_alone_writes_no_account_event(client, insider):
    before = ChangeEvent.objects.tracks(insider).count()
    client.post("/accounts/login/", {"username": "insider", "password": "correct-horse-9"})
    assert ChangeEvent.objects.tracks(insider).count() == before


def test_history_shows_choice_labels_and_yes_no(village):
    village.is_backward = True
    village.save()
    with translation.override("zh-hans"):
        changes = selectors.describe_changes(events_of(village)[-1])
    assert [(c.label, c.old, c.new) for c in changes] == [("是否后进村", "否", "是")]
