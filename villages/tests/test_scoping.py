import datetime as dt

import pytest

from core.rights import Right, scope_for
from villages.choices import RoleKind
from villages.models import Region, Village
from villages.tests.factories import (
    ContactAssignmentFactory,
    StaffRoleFactory,
    UserFactory,
    VillageFactory,
)

pytestmark = pytest.mark.django_db


def codes(qs):
    return sorted(qs.values_list("code", flat=True))


def test_it_shows_township_staff_only_their_township(insider, village, other_village):
    assert codes(Village.objects.visible_to(insider)) == [village.code]
    assert codes(Village.objects.editable_by(insider)) == [village.code]


def test_it_shows_supervisor_the_whole_county(supervisor, village, other_village):
    assert codes(Village.objects.visible_to(supervisor)) == sorted(
        [village.code, other_village.code]
    )


def test_it_shows_nothing_to_anonymous_and_roleless_users(village, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert not Village.objects.visible_to(AnonymousUser()).exists()
    assert not Village.objects.visible_to(UserFactory()).exists()


def test_it_shows_contact_cadre_only_current_assignments(township, village):
    past = VillageFactory(township=township, code="370830102202")
    cadre = UserFactory()
    StaffRoleFactory(user=cadre, kind=RoleKind.CONTACT_CADRE, region=township)
    ContactAssignmentFactory(cadre=cadre, village=village)
    ContactAssignmentFactory(
        cadre=cadre, village=past, start_date=dt.date(2020, 1, 1), end_date=dt.date(2023, 1, 1)
    )
    assert codes(Village.objects.visible_to(cadre)) == [village.code]
    assert not Village.objects.editable_by(cadre).exists()
    # The cadre sees the township, county, city and province above the village (breadcrumbs).
    assert codes(Region.objects.visible_to(cadre)) == ["37", "3708", "370830", "370830102"]


def test_it_scopes_a_village_clerk_to_one_village(village, other_village):
    clerk = UserFactory()
    StaffRoleFactory(user=clerk, kind=RoleKind.VILLAGE_CLERK, village=village)
    assert codes(Village.objects.visible_to(clerk)) == [village.code]
    assert scope_for(clerk).allows(Right.SEE, village.code)
    assert not scope_for(clerk).allows(Right.SEE, other_village.code)


def test_it_does_not_match_a_sibling_code_by_accident(county, insider, township):
    # 370830102 must not see 3708301020.. of another township such as 370830120.
    from villages.tests.factories import TownshipFactory

    sibling = TownshipFactory(parent=county, code="370830120", name="寅寺镇")
    VillageFactory(township=sibling, code="370830120201")
    assert not Village.objects.visible_to(insider).filter(code__startswith="370830120").exists()


def test_superuser_sees_everything(village, other_village):
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert Village.objects.visible_to(admin).count() == 2
