import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from villages import services
from villages.choices import RoleKind
from villages.models import Village
from villages.tests.factories import StaffRoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_village_update_changes_only_facts(insider, village):
    services.village_update(
        actor=insider, village=village, households=10, collective_income=Decimal("1.50")
    )
    village.refresh_from_db()
    assert village.households == 10 and village.collective_income == Decimal("1.50")
    with pytest.raises(ValueError):
        services.village_update(actor=insider, village=village, code="370830102999")


def test_village_update_refuses_outsider(outsider, village):
    with pytest.raises(PermissionDenied):
        services.village_update(actor=outsider, village=village, households=1)


def test_village_update_validates(insider, village):
    with pytest.raises(ValidationError):
        services.village_update(actor=insider, village=village, name="")
    village.refresh_from_db()
    assert village.name == "南旺村"


def test_village_create_checks_code_against_township(insider, township):
    with pytest.raises(ValidationError) as e:
        services.village_create(actor=insider, township=township, code="370830105201", name="X")
    assert "code" in e.value.message_dict
    v = services.village_create(actor=insider, township=township, code="370830102288", name="新村")
    assert Village.objects.get(code="370830102288") == v


def test_village_create_refuses_a_township_of_another_scope(insider, other_township):
    with pytest.raises(PermissionDenied):
        services.village_create(
            actor=insider, township=other_township, code="370830105288", name="X"
        )


def test_contact_assignment_lifecycle(insider, township, village):
    cadre = UserFactory()
    StaffRoleFactory(user=cadre, kind=RoleKind.CONTACT_CADRE, region=township)
    a = services.contact_assignment_create(
        actor=insider, village=village, cadre=cadre, start_date=dt.date(2026, 1, 1)
    )
    assert Village.objects.visible_to(cadre).get() == village
    with pytest.raises(ValidationError):
        services.contact_assignment_end(actor=insider, assignment=a, end_date=dt.date(2025, 1, 1))
    services.contact_assignment_end(actor=insider, assignment=a, end_date=dt.date(2026, 3, 1))
    assert not Village.objects.visible_to(cadre).exists()
    with pytest.raises(ValidationError):
        services.contact_assignment_end(actor=insider, assignment=a, end_date=dt.date(2026, 4, 1))


def test_contact_cadre_of_another_township_cannot_be_assigned(insider, other_township, village):
    cadre = UserFactory()
    StaffRoleFactory(user=cadre, kind=RoleKind.CONTACT_CADRE, region=other_township)
    with pytest.raises(ValidationError):
        services.contact_assignment_create(
            actor=insider, village=village, cadre=cadre, start_date=dt.date(2026, 1, 1)
        )


def test_staff_role_must_match_its_scope_level(county, township, village):
    user = UserFactory()
    with pytest.raises(ValidationError):
        StaffRoleFactory(user=user, kind=RoleKind.COUNTY_SUPERVISOR, region=township)
    with pytest.raises(ValidationError):
        StaffRoleFactory(user=user, kind=RoleKind.VILLAGE_CLERK, region=township)
    role = StaffRoleFactory(user=user, kind=RoleKind.VILLAGE_CLERK, village=village)
    assert role.area_code == village.code
