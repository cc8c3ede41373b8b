"""Nothing personal leaves the public pages (issue #20, item 5): every URL pattern of the public
urlconf (/public/), opened on the demo's data (cadres with ID numbers and phones, villagers who
asked with their phone), answers HTML, JSON or PDF without an 18-digit ID number or a mobile
number. The only numbers meant to be public are whitelisted here by name: the villages'
supervision phones."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cadres.models import Cadre
from core.dates import today
from ledgers import services as ledger_services
from ledgers.models import Disclosure, DisclosureQuestion
from supervision.choices import PeriodKind
from supervision.periods import Period
from villages.models import Village

pytestmark = pytest.mark.django_db

#: an ID number (17 digits and a digit or X) and a mainland mobile number, standing alone (a
#: hash or a receipt holds digits too, between letters)
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
#: a mobile number a village chose as its supervision phone: public on purpose
SUPERVISION_MOBILE = "13905371234"
VILLAGER_PHONE = "13812345678"


def public_patterns() -> dict[str, URLPattern]:
    """The named patterns served under /public/."""
    resolver = next(
        r
        for r in get_resolver().url_patterns
        if isinstance(r, URLResolver) and r.namespace == "public"
    )
    return {p.name: p for p in resolver.url_patterns if isinstance(p, URLPattern) and p.name}


def text_of(response) -> str:
    if response["Content-Type"].startswith("application/pdf"):
        import subprocess

        return subprocess.run(
            ["pdftotext", "-layout", "-", "-"],
            input=response.content,
            capture_output=True,
            check=True,
        ).stdout.decode()
    return response.content.decode()


def personal_data(text: str, allowed: set[str]) -> list[str]:
    found = ID_NUMBER.findall(text) + MOBILE.findall(text)
    return [n for n in found if n not in allowed]


def test_no_public_response_shows_an_id_number_or_a_phone():
    call_command("seed_demo", "--villages", "3", stdout=StringIO())
    assert Cadre.objects.exclude(id_number="").exclude(phone="").exists()
    village = Village.objects.order_by("code").first()
    Village.objects.filter(pk=village.pk).update(supervision_phone=SUPERVISION_MOBILE)
    statement = Disclosure.objects.published().filter(village=village).first() or (
        Disclosure.objects.published().first()
    )
    assert statement is not None
    asked = ledger_services.question_ask(
        disclosure=statement, question="这笔钱给了谁？", name="王村民", phone=VILLAGER_PHONE
    )
    quarter = Period.containing(PeriodKind.QUARTER, today())
    questions = [asked, *DisclosureQuestion.objects.exclude(pk=asked.pk)[:5]]
    villages = list(Village.objects.all())
    statements = list(Disclosure.objects.published()[:4])
    # every pattern of the public urlconf, with the arguments to open it on this data
    urls = {
        "village": [reverse("public:village", args=[v.code]) for v in villages],
        "statement": [reverse("public:statement", args=[s.pk]) for s in statements],
        "statement-json": [reverse("public:statement-json", args=[s.pk]) for s in statements],
        "question-find": [
            reverse("public:question-find"),
            reverse("public:question-find") + f"?receipt={asked.receipt}",
        ],
        "question": [reverse("public:question", args=[q.receipt]) for q in questions],
        "board": [
            reverse("public:board", args=[v.code, str(q), size])
            for v in villages[:2]
            for q in (quarter, quarter.previous())
            for size in ("a4", "a3")
        ],
        "board-current": [reverse("public:board-current", args=[village.code, "a4"])],
    }
    assert set(urls) == set(public_patterns()), "a new public page: add it to this scan"
    allowed = {SUPERVISION_MOBILE}
    client = Client()
    scanned = 0
    for name, paths in urls.items():
        assert paths, name
        for path in paths:
            response = client.get(path, follow=True)
            assert response.status_code == 200, path
            text = text_of(response)
            assert personal_data(text, allowed) == [], path
            scanned += 1
    # the question form's answer (the receipt page, with its thanks) says nothing personal either
    asked_again = client.post(
        reverse("public:statement", args=[statement.pk]),
        {"question": "还有一问", "name": "王村民", "phone": VILLAGER_PHONE, "website": ""},
        follow=True,
    )
    assert asked_again.status_code == 200
    assert personal_data(text_of(asked_again), allowed) == []
    # the scan saw what it must not show, and the whitelisted phone where it belongs
    assert VILLAGER_PHONE not in text_of(
        client.get(reverse("public:question", args=[asked.receipt]))
    )
    page = client.get(reverse("public:village", args=[village.code])).content.decode()
    assert SUPERVISION_MOBILE in page
    assert scanned > 15
