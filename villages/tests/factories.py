"""factory_boy factories for the administrative tree and staff accounts."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from villages.choices import RegionLevel, RoleKind
from villages.models import ContactAssignment, Region, StaffRole, Village


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="zh_CN")
    last_name = factory.Faker("last_name", locale="zh_CN")
    password = factory.django.Password("correct-horse-9")


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "37"
    name = "山东省"
    level = RegionLevel.PROVINCE


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "3708"
    name = "济宁市"
    level = RegionLevel.CITY
    parent = factory.LazyAttribute(lambda o: ProvinceFactory(code=o.code[:2]))


class CountyFactory(factory.django.DjangoModelFactory):
    """A county inside its city and province (only a province stands alone in the tree)."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "370830"
    name = "汶上县"
    level = RegionLevel.COUNTY
    parent = factory.LazyAttribute(lambda o: CityFactory(code=o.code[:4]))


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    parent = factory.SubFactory(CountyFactory)
    code = factory.Sequence(lambda n: f"{100 + n:03d}")
    name = factory.Sequence(lambda n: f"第{n}镇")
    level = RegionLevel.TOWNSHIP

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # A township's code is its county's code plus three digits.
        code = kwargs["code"]
        if len(code) == 3:
            kwargs["code"] = kwargs["parent"].code + code
        return super()._create(model_class, *args, **kwargs)


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village
        django_get_or_create = ("code",)

    township = factory.SubFactory(TownshipFactory)
    code = factory.Sequence(lambda n: f"{200 + n % 800:03d}")
    name = factory.Sequence(lambda n: f"第{n}村")
    households = 320
    population = 1150
    party_members = 36
    collective_income = Decimal("85000.00")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        code = kwargs["code"]
        if len(code) == 3:
            kwargs["code"] = kwargs["township"].code + code
        return super()._create(model_class, *args, **kwargs)


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory)
    kind = RoleKind.TOWNSHIP_STAFF
    region = None
    village = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        role = model_class(*args, **kwargs)
        role.full_clean()
        role.save()
        return role


class ContactAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactAssignment

    cadre = factory.SubFactory(UserFactory)
    village = factory.SubFactory(VillageFactory)
    start_date = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=30))
    end_date = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = model_class(*args, **kwargs)
        obj.full_clean()
        obj.save()
        return obj
