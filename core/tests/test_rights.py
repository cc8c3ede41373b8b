"""The rule of rights, without a database: which role holds which right where."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from core.querysets import prefix_q
from core.rights import GRANTS, Right, RoleKind, Scope, require

COUNTY, TOWNSHIP, VILLAGE = "370830", "370830102", "370830102201"
OTHER_TOWNSHIP, OTHER_VILLAGE = "370830105", "370830105201"
OTHER_COUNTY_VILLAGE = "370831102201"

# Who holds what over their own village (the matrix a reviewer checks against the seeds).
EXPECTED = {
    RoleKind.COUNTY_SUPERVISOR: set(Right),
    RoleKind.TOWNSHIP_STAFF: set(Right) - {Right.SUPERVISE},
    RoleKind.CONTACT_CADRE: {Right.SEE, Right.ORGANIZE, Right.ANSWER},
    RoleKind.VILLAGE_CLERK: {Right.SEE, Right.SEE_FIGURES, Right.KEEP_BOOKS},
}


def scope_of(kind: str) -> Scope:
    area = {
        RoleKind.COUNTY_SUPERVISOR: COUNTY,
        RoleKind.TOWNSHIP_STAFF: TOWNSHIP,
        RoleKind.CONTACT_CADRE: TOWNSHIP,
        RoleKind.VILLAGE_CLERK: VILLAGE,
    }[kind]
    contact = [VILLAGE] if kind == RoleKind.CONTACT_CADRE else []
    return Scope.from_roles([(kind, area)], contact)


@pytest.mark.parametrize("kind", list(RoleKind))
def test_each_role_holds_exactly_its_rights_over_its_village(kind):
    scope = scope_of(kind)
    assert {r for r in Right if scope.allows(r, VILLAGE)} == EXPECTED[kind]
    assert GRANTS[kind] == EXPECTED[kind]


@pytest.mark.parametrize("kind", list(RoleKind))
def test_no_role_holds_any_right_outside_its_area(kind):
    scope = scope_of(kind)
    assert not any(scope.allows(r, OTHER_COUNTY_VILLAGE) for r in Right)
    if kind != RoleKind.COUNTY_SUPERVISOR:
        assert not any(scope.allows(r, OTHER_VILLAGE) for r in Right)
        assert not any(scope.allows(r, OTHER_TOWNSHIP) for r in Right)


def test_a_contact_cadre_holds_nothing_over_the_township_as_a_whole():
    scope = scope_of(RoleKind.CONTACT_CADRE)
    assert not any(scope.allows(r, TOWNSHIP) for r in Right)
    assert scope.allows(Right.ORGANIZE, VILLAGE)
    # another village of the same township is not theirs
    assert not scope.allows(Right.SEE, "370830102202")
    assert scope.assigned_villages == (VILLAGE,)


def test_a_township_code_is_a_prefix_not_a_substring():
    scope = scope_of(RoleKind.TOWNSHIP_STAFF)
    assert scope.allows(Right.EDIT, "370830102999")
    assert not scope.allows(Right.EDIT, "370830120201")  # a sibling township 370830120
    assert not scope.allows(Right.EDIT, COUNTY)  # the county above it


def test_rights_of_several_roles_add_up_per_area():
    scope = Scope.from_roles(
        [(RoleKind.VILLAGE_CLERK, VILLAGE), (RoleKind.TOWNSHIP_STAFF, OTHER_TOWNSHIP)]
    )
    assert scope.allows(Right.KEEP_BOOKS, VILLAGE) and not scope.allows(Right.EDIT, VILLAGE)
    assert scope.allows(Right.EDIT, OTHER_VILLAGE)
    assert scope.areas(Right.EDIT) == (OTHER_TOWNSHIP,)
    assert scope.counties(Right.EDIT) == {COUNTY}
    assert scope.anywhere(Right.EDIT) and not scope.anywhere(Right.SUPERVISE)


def test_an_administrator_holds_every_right_everywhere_and_nobody_nothing():
    assert all(Scope(everything=True).allows(r, OTHER_VILLAGE) for r in Right)
    assert not any(Scope().allows(r, VILLAGE) for r in Right)
    assert Scope().is_empty and not Scope().anywhere(Right.SEE)


def test_ancestors_are_the_regions_above_what_is_seen():
    assert scope_of(RoleKind.CONTACT_CADRE).ancestors() == {"37", "3708", COUNTY, TOWNSHIP}


def test_require_refuses_with_the_rights_message():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied, match="您无权记录本村账目"):
        require(AnonymousUser(), Right.KEEP_BOOKS, VILLAGE)


def test_prefix_q_matches_regions_by_prefix_and_villages_exactly():
    q = prefix_q("area_code", [TOWNSHIP, OTHER_VILLAGE])
    assert ("area_code__startswith", TOWNSHIP) in q.children
    assert ("area_code__in", [OTHER_VILLAGE]) in q.children
    assert prefix_q("area_code", []) == Q(pk__in=[])  # matches nothing
