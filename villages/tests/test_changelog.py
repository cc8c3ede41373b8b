"""The change log catches ORM, bulk and raw-SQL writes, with the acting user."""

import datetime as dt
import re
from decimal import Decimal

import pghistory
import pytest
from django.db import connection
from django.utils import translation
from django.utils.formats import date_format

from villages import selectors
from villages.models import ChangeEvent, ContactAssignment, Village
from villages.tests.factories import ContactAssignmentFactory, UserFactory, VillageFactory

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


# ------------------------------------------------------------------ a log a person can read


def test_history_names_related_records_and_writes_dates_the_chinese_way(village):
    cadre = UserFactory(username="zhang", last_name="张", first_name="伟")
    assignment = ContactAssignmentFactory(cadre=cadre, village=village)
    ContactAssignment.objects.filter(pk=assignment.pk).update(start_date=dt.date(2026, 3, 9))
    event = list(selectors.object_history(assignment).order_by("pgh_id"))[-1]
    with translation.override("zh-hans"):
        changes = {c.label: (c.old, c.new) for c in selectors.describe_changes(event)}
    assert changes == {"开始日期": (date_format(assignment.start_date), "2026年3月9日")}
    insert = list(selectors.object_history(assignment).order_by("pgh_id"))[0]
    with translation.override("zh-hans"):
        created = {c.label: c.new for c in selectors.describe_changes(insert)}
    assert created["包村干部"] == "张伟" and created["村"] == village.name


def test_history_writes_money_in_yuan_never_as_a_float(village):
    Village.objects.filter(pk=village.pk).update(collective_income=Decimal("1234567.8"))
    with translation.override("zh-hans"):
        (change,) = selectors.describe_changes(events_of(village)[-1])
    assert (change.label, change.old, change.new) == (
        "上年集体收入（元）",
        "85,000.00 元",
        "1,234,567.80 元",
    )


def test_a_deleted_record_is_named_by_its_id(village, township):
    other = VillageFactory(township=township, code="370830102399")
    assignment = ContactAssignmentFactory(village=other)
    ContactAssignment.objects.filter(pk=assignment.pk).delete()
    Village.objects.filter(pk=other.pk).delete()
    event = list(selectors.object_history(assignment).order_by("pgh_id"))[-1]
    with translation.override("zh-hans"):
        changes = {c.label: c.new for c in selectors.describe_changes(event)}
    assert changes["村"] == f"#{other.pk}（已删除）"


def test_json_is_shown_as_lines():
    assert selectors._as_lines({"inspection": 2, "hearing": [1, 2]}) == [
        "inspection: 2",
        "hearing: 1、2",
    ]
    assert selectors._as_lines([{"rule": "task_overdue", "level": 1}, None]).is_list
    assert selectors._as_lines([]) is None


def test_every_logged_field_has_a_chinese_name():
    from villages.changelog import event_models

    missing = []
    with translation.override("zh-hans"):
        for event_model in event_models():
            model = event_model.pgh_tracked_model
            for field in model._meta.concrete_fields:
                name = str(field.verbose_name)
                if field.name not in selectors.HIDDEN_FIELDS and not re.search(
                    "[\u4e00-\u9fff]", name
                ):
                    missing.append(f"{model._meta.label}.{field.name}: {name}")
    assert not missing, missing
