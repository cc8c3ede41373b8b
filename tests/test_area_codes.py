"""Scoping is a prefix filter on the area code, so the database holds every code to its form:
digits of the lengths the column holds (a staff role's of its level). Tried from the ring below:
raw SQL, a role saved without clean(), rows that were broken before the checks existed."""

import importlib

import pghistory.models
import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, migrations, transaction

from core.constraints import BrokenRowsError, check_existing_rows
from core.fields import area_code_check
from core.querysets import prefix_q
from core.rights import Right, Scope, scope_for
from core.testing import as_owner
from ledgers.models import Account
from supervision.models import Problem
from supervision.tests.problems_helpers import make_problem
from villages.choices import RoleKind
from villages.models import StaffRole, Village
from villages.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
APPS = {"villages", "cadres", "ledgers", "supervision", "reports"}
MODELS = [
    m
    for m in apps.get_models()
    if m._meta.app_label in APPS
    and not issubclass(m, pghistory.models.Event)
    and any(f.name == "area_code" for f in m._meta.concrete_fields)
]


def refused(sql, params=()):
    """True if the database refuses the statement with a constraint violation."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_area_code_column_has_its_check_in_the_database(model):
    name = f"{model._meta.app_label}_{model._meta.model_name}_area_code_digits"
    assert name in {c.name for c in model._meta.constraints}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %s"
            " AND conrelid = %s::regclass",
            [name, model._meta.db_table],
        )
        [(definition,)] = cursor.fetchall()
    assert "area_code" in definition and "[0-9]" in definition


@pytest.mark.parametrize("code", ["", "3708", "37083010220", "37083010220A", "37083010220 "])
def test_raw_sql_cannot_give_a_village_record_a_bad_code(village, contact, code):
    problem = make_problem(village, contact)
    assert refused(
        "UPDATE supervision_problem SET area_code = %s WHERE id = %s", [code, problem.pk]
    )
    assert not refused(
        "UPDATE supervision_problem SET area_code = %s WHERE id = %s", ["370830102201", problem.pk]
    )


def test_raw_sql_cannot_give_the_tree_codes_of_the_wrong_length(county, township, village):
    update = "UPDATE villages_{} SET code = %s WHERE id = %s"
    assert refused(update.format("region"), ["370830102", county.pk])  # a county's 6 digits
    assert refused(update.format("region"), ["37083010", township.pk])
    assert refused(update.format("region"), ["", township.pk])
    assert refused(update.format("village"), ["37083010220", village.pk])
    assert refused(update.format("village"), ["37083010220x", village.pk])


def test_the_chart_of_accounts_allows_the_official_blank_and_a_county_code_only():
    account = Account.objects.filter(area_code="").order_by("pk").first()
    update = "UPDATE ledgers_account SET area_code = %s WHERE id = %s"
    assert refused(update, ["37", account.pk])
    assert refused(update, ["370830102", account.pk])
    assert not refused(update, ["370830", account.pk])
    assert not refused(update, ["", account.pk])


@pytest.mark.parametrize(
    "kind,region,code",
    [
        (RoleKind.COUNTY_SUPERVISOR, "county", ""),
        (RoleKind.COUNTY_SUPERVISOR, "county", "370830102"),  # a township's code
        (RoleKind.TOWNSHIP_STAFF, "township", "370830"),  # a county's code
        (RoleKind.CONTACT_CADRE, "township", "37083010"),
    ],
)
def test_raw_sql_cannot_save_a_role_whose_code_misfits_its_level(request, kind, region, code):
    region = request.getfixturevalue(region)
    user = UserFactory()
    assert refused(
        "INSERT INTO villages_staffrole (user_id, kind, region_id, area_code)"
        " VALUES (%s, %s, %s, %s)",
        [user.pk, kind, region.pk, code],
    )
    assert not refused(
        "INSERT INTO villages_staffrole (user_id, kind, region_id, area_code)"
        " VALUES (%s, %s, %s, %s)",
        [user.pk, kind, region.pk, region.code],
    )


def test_a_role_saved_without_clean_gets_its_regions_code_and_sees_only_that(
    township, village, other_village
):
    user = UserFactory()
    StaffRole.objects.create(user=user, kind=RoleKind.TOWNSHIP_STAFF, region=township)
    assert StaffRole.objects.get(user=user).area_code == township.code
    assert list(Village.objects.visible_to(user)) == [village]


def test_a_role_without_a_code_grants_nothing_never_everything(village):
    # Rows written before the check, or read from anywhere else: "" is every code's prefix.
    scope = Scope.from_roles([(RoleKind.COUNTY_SUPERVISOR, ""), (RoleKind.TOWNSHIP_STAFF, "")])
    assert scope.is_empty
    assert not scope.allows(Right.SEE, village.code)
    assert not Village.objects.filter(prefix_q("code", [""])).exists()


@pytest.mark.usefixtures("chinese")
def test_the_orm_path_answers_in_chinese(village, contact):
    problem = make_problem(village, contact)
    problem.area_code = "3708"
    with pytest.raises(ValidationError) as refusal:
        problem.full_clean()
    assert "区划代码必须是 12 位数字。" in refusal.value.messages
    role = StaffRole(user=UserFactory(), kind=RoleKind.CONTACT_CADRE, area_code="370830")
    with pytest.raises(ValidationError) as refusal:
        role.validate_constraints()
    assert "岗位的区划代码与其层级不符。" in refusal.value.messages


# ---------------------------------------------------------------------------- the migrations


def without_checks(table, *names):
    with as_owner() as cursor:  # as a migration does
        for name in names:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")


def test_a_migration_names_the_rows_that_break_a_new_check_and_changes_nothing(village, contact):
    # The check dropped first: PostgreSQL alters no table with pending (deferred) trigger events.
    without_checks("supervision_problem", "supervision_problem_area_code_digits")
    problem = make_problem(village, contact)
    Problem.objects.filter(pk=problem.pk).update(area_code="")
    operations = [
        migrations.AddConstraint(
            "problem",
            area_code_check().clone(),
        )
    ]
    operations[0].constraint.name = "supervision_problem_area_code_digits"
    step = check_existing_rows("supervision", operations)
    with pytest.raises(BrokenRowsError) as refusal, connection.schema_editor() as editor:
        step.code(apps, editor)
    message = str(refusal.value)
    assert "supervision_problem: 1 row(s) break supervision_problem_area_code_digits" in message
    assert f"id {problem.pk} (area_code '')" in message and "nothing was changed" in message


def test_the_migration_gives_roles_saved_without_a_code_their_regions_code(township, village):
    without_checks(
        "villages_staffrole",
        "villages_staffrole_area_code_digits",
        "staff_role_area_code_fits_kind",
    )
    staff = StaffRole.objects.create(
        user=UserFactory(), kind=RoleKind.TOWNSHIP_STAFF, region=township
    )
    clerk = StaffRole.objects.create(
        user=UserFactory(), kind=RoleKind.VILLAGE_CLERK, village=village
    )
    StaffRole.objects.update(area_code="")
    migration = importlib.import_module("villages.migrations.0004_area_code_checks")
    with connection.schema_editor() as editor:
        migration.copy_role_codes(apps, editor)
    staff.refresh_from_db()
    clerk.refresh_from_db()
    assert (staff.area_code, clerk.area_code) == (township.code, village.code)
    assert scope_for(staff.user).allows(Right.SEE, village.code)
