"""The demo data commands: `seed_demo` builds a valid, scoped, deterministic tree; `demo_accounts`
lists its accounts."""

import time
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q

from core.dates import today
from villages import demo
from villages.choices import RegionLevel, RoleKind
from villages.models import ContactAssignment, Region, StaffRole, Village

pytestmark = pytest.mark.django_db

User = get_user_model()
HOME = "370830102"  # 南旺镇: the first town of 汶上县, home of the township personas


def seed(*args) -> str:
    """seed_demo for the tree alone: these tests are about villages; cadres test their part."""
    out = StringIO()
    call_command("seed_demo", "--tree-only", *args, stdout=out)
    return out.getvalue()


def codes(qs):
    return sorted(qs.values_list("code", flat=True))


def uncovered_villages():
    """Villages without a current contact cadre."""
    active = ContactAssignment.objects.active()
    return Village.objects.exclude(pk__in=active.values("village_id"))


def snapshot():
    villages = list(
        Village.objects.order_by("code").values_list(
            "code",
            "name",
            "township__code",
            "households",
            "population",
            "party_members",
            "collective_income",
            "is_backward",
            "notes",
        )
    )
    assignments = list(
        ContactAssignment.objects.order_by("area_code").values_list(
            "area_code",
            "cadre__username",
            "cadre__last_name",
            "cadre__first_name",
            "start_date",
        )
    )
    regions = list(Region.objects.order_by("code").values_list("code", "name", "level"))
    return regions, villages, assignments


def wipe():
    ContactAssignment.objects.all().delete()
    StaffRole.objects.all().delete()
    Village.objects.all().delete()
    for level in (RegionLevel.TOWNSHIP, RegionLevel.COUNTY, RegionLevel.CITY, RegionLevel.PROVINCE):
        Region.objects.filter(level=level).delete()
    User.objects.all().delete()


def test_it_builds_the_default_county():
    out = seed()

    assert "250" in out
    county = Region.objects.get(code="370830")
    assert (county.name, county.parent.code, county.parent.name) == ("汶上县", "3708", "济宁市")
    assert (county.parent.parent.code, county.parent.parent.name) == ("37", "山东省")
    townships = dict(Region.objects.townships().values_list("code", "name"))
    # 汶上县's 15 townships, with the official codes and names (data/wenshang_townships.csv).
    assert len(townships) == 15
    assert townships[HOME] == "南旺镇"
    assert townships["370830001"] == "中都街道"
    assert townships["370830002"] == "汶上街道"
    assert townships["370830103"] == "次邱镇"
    assert townships["370830105"] == "郭楼镇"
    assert townships["370830112"] == "刘楼镇"
    assert townships["370830205"] == "军屯乡"
    assert Village.objects.count() == 250
    # Every row passes the model's own validation, though bulk_create skipped it.
    for region in Region.objects.select_related("parent"):
        region.full_clean()
    for village in Village.objects.select_related("township"):
        village.full_clean()
        assert village.code.startswith(village.township.code)
        assert 201 <= int(village.code[9:]) <= 999
        assert 150 <= village.households <= 900
        assert 3.1 <= village.population / village.households <= 3.9
        assert 0.02 <= village.party_members / village.population <= 0.04
        assert village.collective_income.as_tuple().exponent == -2
    assert 5 <= Village.objects.filter(is_backward=True).count() <= 10
    assert Village.objects.filter(collective_income__lt=50000).count() < 50
    assert Village.objects.exclude(notes="").exists()


def test_it_creates_one_account_per_role_with_working_scopes():
    seed()
    accounts = {u.username: u for u in User.objects.filter(username__in=demo.PERSONAS)}
    assert set(accounts) == set(demo.PERSONAS)
    for user in accounts.values():
        assert user.check_password(demo.DEMO_PASSWORD)
        assert user.last_name and user.first_name
    admin = accounts["admin"]
    assert admin.is_superuser and admin.is_staff
    assert Village.objects.visible_to(admin).count() == 250

    assert Village.objects.visible_to(accounts["county"]).count() == 250
    home = codes(Village.objects.filter(township__code=HOME))
    assert len(home) >= 4
    assert codes(Village.objects.visible_to(accounts["township"])) == home
    assert codes(Village.objects.editable_by(accounts["township"])) == home

    contact = accounts["contact"]
    assigned = codes(Village.objects.filter(contact_assignments__cadre=contact))
    assert assigned == home[:3]
    assert codes(Village.objects.visible_to(contact)) == assigned
    start = ContactAssignment.objects.filter(cadre=contact).first().start_date
    assert 700 <= (today() - start).days <= 760

    clerk = accounts["clerk"]
    assert codes(Village.objects.visible_to(clerk)) == home[:1]
    for role in StaffRole.objects.select_related("region", "village"):
        stored = role.area_code
        role.full_clean()  # recomputes area_code the way the model would
        assert role.area_code == stored


def test_it_gives_every_village_exactly_one_current_contact_cadre():
    seed()
    assert not uncovered_villages().exists()
    per_village = Village.objects.annotate(
        n=Count("contact_assignments", filter=Q(contact_assignments__end_date__isnull=True))
    )
    assert set(per_village.values_list("n", flat=True)) == {1}
    for assignment in ContactAssignment.objects.select_related("village", "cadre"):
        assert assignment.area_code == assignment.village.code
        assert assignment.is_active
        # The cadre holds the contact-cadre role in the village's own township.
        assert StaffRole.objects.filter(
            user=assignment.cadre,
            kind=RoleKind.CONTACT_CADRE,
            area_code=assignment.village.code[:9],
        ).exists()
    cadres = User.objects.filter(username__regex=demo.CADRE_USERNAME_REGEX).annotate(
        n=Count("contact_assignments")
    )
    assert cadres.filter(username=f"c{HOME}_01").exists()
    sizes = set(cadres.values_list("n", flat=True))
    assert sizes <= {1, 2, 3, 4, 5, 6} and max(sizes) >= 5


def test_it_builds_the_same_data_from_the_same_seed():
    assert demo.plan_demo(seed=7) == demo.plan_demo(seed=7)
    assert demo.plan_demo(seed=7).villages != demo.plan_demo(seed=8).villages

    seed("--seed", "7", "--villages", "60", "--townships", "5")
    first = snapshot()
    wipe()
    seed("--seed", "7", "--villages", "60", "--townships", "5")
    assert snapshot() == first
    assert len(first[1]) == 60
    assert Region.objects.townships().count() == 5


def test_it_skips_a_database_with_villages_when_if_empty(village):
    out = seed("--if-empty")

    assert out.strip()
    assert Village.objects.count() == 1
    assert not User.objects.filter(username="admin").exists()


def test_it_refuses_to_mix_demo_data_with_existing_villages(village):
    with pytest.raises(CommandError):
        seed()
    assert Village.objects.count() == 1


def test_it_fills_an_empty_database_despite_if_empty():
    seed("--if-empty", "--villages", "30")
    assert Village.objects.count() == 30


@pytest.mark.parametrize(
    "args",
    [
        ["--villages", "0"],
        ["--townships", "0"],
        ["--townships", "100"],
        ["--villages", str(demo.demo_capacity() + 1)],
    ],
)
def test_it_rejects_impossible_sizes(args):
    with pytest.raises(CommandError):
        seed(*args)
    assert not Village.objects.exists()


def test_it_lists_the_demo_accounts():
    seed()
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    text = out.getvalue()

    for username in demo.PERSONAS:
        assert f"  {username} " in text
    assert "周建国" in text and "汶上县" in text and "南旺镇" in text
    assert text.count(demo.DEMO_PASSWORD) >= len(demo.PERSONAS)
    cadres = User.objects.filter(username__regex=demo.CADRE_USERNAME_REGEX).count()
    assert f" {cadres} " in text and "c370830001_01" in text


def test_it_hides_a_demo_password_that_was_changed():
    seed("--villages", "20", "--townships", "2")
    user = User.objects.get(username="county")
    user.set_password("another-secret-42")
    user.save()
    accounts, _cadres = demo.demo_accounts()
    passwords = {a.username: a.password for a in accounts}
    assert passwords["county"] != demo.DEMO_PASSWORD
    assert passwords["township"] == demo.DEMO_PASSWORD


def test_it_lists_nothing_without_demo_data():
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    assert out.getvalue() == ""


@pytest.mark.timing
def test_it_builds_a_province_of_20000_villages_in_under_a_minute():
    started = time.perf_counter()
    seed("--villages", "20000")
    elapsed = time.perf_counter() - started

    assert elapsed < 60, f"seed_demo --villages 20000 took {elapsed:.1f} s"
    assert Village.objects.count() == 20000
    assert Region.objects.counties().count() > 1
    assert Region.objects.filter(level=RegionLevel.CITY).count() > 1
    # Valid codes: 12 digits, under their own township, village part 201-999.
    assert not Village.objects.exclude(code__regex=r"^[0-9]{9}[2-9][0-9]{2}$").exists()
    assert not Village.objects.exclude(code__startswith=F("township__code")).exists()
    assert not Region.objects.townships().exclude(code__startswith=F("parent__code")).exists()
    assert not uncovered_villages().exists()
    assert not StaffRole.objects.exclude(
        Q(region__code=F("area_code")) | Q(village__code=F("area_code"))
    ).exists()
    # The personas still live in 汶上县.
    assert StaffRole.objects.get(user__username="county").area_code == "370830"


def test_the_first_county_is_the_county_personas_even_when_another_code_is_lower():
    seed("--villages", "130", "--townships", "1")  # three counties
    counties = sorted({code[:6] for code in Village.objects.values_list("code", flat=True)})
    assert len(counties) > 1 and counties[0] != "370830"  # 任城区 (370811) sorts before 汶上县
    assert demo.first_county(Village.objects.values_list("code", flat=True)) == "370830"
    # without the persona's county among them, the lowest
    others = [c + "001201" for c in counties if c != "370830"]
    assert demo.first_county(others) == min(others)[:6]
    assert demo.first_county([]) == ""
