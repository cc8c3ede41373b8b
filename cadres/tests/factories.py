"""Factories of the cadres app; records go through the services where rules apply."""

import datetime as dt

import factory

from cadres.choices import PostKind, PromiseAudience, PromiseCategory
from cadres.identity import check_character, id_number_hash
from cadres.models import Cadre, Post
from villages.tests.factories import VillageFactory


def make_id_number(
    born: dt.date = dt.date(1975, 6, 1), serial: int = 11, male=True, region: str = "370830"
) -> str:
    """A valid 18-character resident ID number (GB 11643 check digit)."""
    sequence = f"{serial % 100:02d}{(1 if male else 2) + (serial // 100 % 4) * 2}"
    first17 = f"{region}{born:%Y%m%d}{sequence}"
    return first17 + check_character(first17)


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    village = factory.SubFactory(VillageFactory)
    name = factory.Sequence(lambda n: f"张{n}")
    id_number = factory.Sequence(lambda n: make_id_number(serial=n))
    id_number_hash = factory.LazyAttribute(lambda o: id_number_hash(o.id_number))
    gender = "male"
    birth_date = dt.date(1975, 6, 1)
    phone = "13805371234"
    is_party_member = True
    party_joined_on = dt.date(2001, 7, 1)
    area_code = factory.LazyAttribute(lambda o: o.village.code)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    cadre = factory.SubFactory(CadreFactory)
    village = factory.LazyAttribute(lambda o: o.cadre.village)
    kind = PostKind.SECRETARY
    start_date = dt.date(2024, 1, 10)
    term_ends = dt.date(2029, 1, 10)
    area_code = factory.LazyAttribute(lambda o: o.village.code)


def promise_data(n: int = 3):
    """Promise dicts as a form would pass them to the services."""
    samples = [
        (PromiseAudience.VILLAGERS, PromiseCategory.PUBLIC_SERVICES, "硬化村内主干道", "2.3公里"),
        (PromiseAudience.VILLAGERS, PromiseCategory.DEVELOPMENT, "发展大棚蔬菜", "新建大棚40个"),
        (PromiseAudience.ORGANIZATION, PromiseCategory.INTEGRITY, "严守廉洁纪律", "零违纪"),
        (PromiseAudience.VILLAGERS, PromiseCategory.VILLAGE_AFFAIRS, "按季度公开村务", "每季度1次"),
        (PromiseAudience.ORGANIZATION, PromiseCategory.PARTY_BUILDING, "发展年轻党员", "2名"),
        (PromiseAudience.VILLAGERS, PromiseCategory.STABILITY, "化解邻里纠纷", "信访零上行"),
    ]
    return [
        {"audience": a, "category": c, "text": t, "target": g, "due_date": dt.date(2026, 12, 31)}
        # more than six: the samples again (a long pledge for query-count tests)
        for a, c, t, g in (samples * (n // len(samples) + 1))[:n]
    ]
