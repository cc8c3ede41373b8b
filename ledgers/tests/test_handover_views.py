"""Handover and audit pages and API: personas, forms, signatures, query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadres.choices import PostKind
from cadres.tests.factories import CadreFactory, PostFactory
from ledgers import services
from ledgers.choices import AuditKind, FindingStatus, HandoverState
from ledgers.models import AuditRecord, Handover
from villages.tests.factories import VillageFactory
from villages.tests.helpers import api_login, login

pytestmark = pytest.mark.django_db
D = dt.date
API = "/api/v1"
PERSONAS = [("anonymous", 302), ("outsider", 404), ("insider", 200), ("supervisor", 200)]


END = D(2026, 1, 31)


def ended_post(village, kind=PostKind.SECRETARY, end=END):
    return PostFactory(
        cadre=CadreFactory(village=village), kind=kind, end_date=end, end_reason="term_ended"
    )


@pytest.fixture
def post(village):
    return ended_post(village)


@pytest.fixture
def handover(post, clerk, open_books):
    return services.handover_start(actor=clerk, ended_post=post)


@pytest.fixture
def audit(village, insider):
    audit = services.audit_record(
        actor=insider,
        village=village,
        kind=AuditKind.PERIODIC,
        auditor="县农经站",
        period_start=D(2025, 1, 1),
        period_end=D(2025, 12, 31),
    )
    services.finding_add(actor=insider, audit=audit, category="vouchers", description="缺附件")
    return audit


def read_urls(village, post, handover, audit):
    return [
        reverse("ledgers:handover-due"),
        reverse("ledgers:handover-list"),
        reverse("ledgers:handover-detail", args=[handover.pk]),
        reverse("ledgers:audit-list") + f"?village={village.code}",
        reverse("ledgers:audit-detail", args=[audit.pk]),
    ]


@pytest.mark.parametrize("persona,status", PERSONAS)
def test_read_pages_persona_matrix(
    client, personas, persona, status, village, post, handover, audit
):
    other = ended_post(village, kind=PostKind.CHAIR)  # still due: the list has a row
    login(client, personas[persona])
    for url in read_urls(village, post, handover, audit):
        response = client.get(url)
        expected = status
        if (
            persona == "outsider"
            and "/audits/?" in url
            or url.endswith("/due/")
            or url.endswith("/handovers/")
        ):
            expected = 200 if persona != "anonymous" else 302  # lists: empty, not 404
        assert response.status_code == expected, url
    if persona in ("insider", "supervisor"):
        page = client.get(reverse("ledgers:handover-due")).content.decode()
        assert other.cadre.name in page
        detail = client.get(reverse("ledgers:handover-detail", args=[handover.pk])).content.decode()
        assert "10,000.00" in detail or "10000.00" in detail


def test_outsider_lists_are_empty(client, outsider, post, handover, audit):
    login(client, outsider)
    assert post.cadre.name not in client.get(reverse("ledgers:handover-list")).content.decode()
    assert client.get(reverse("ledgers:audit-list")).context["object_list"].count() == 0


def test_contact_cadre_reads_but_writes_nothing(client, contact, village, post, handover, audit):
    login(client, contact)
    assert client.get(reverse("ledgers:handover-detail", args=[handover.pk])).status_code == 200
    assert client.get(reverse("ledgers:audit-detail", args=[audit.pk])).status_code == 200
    forbidden = [
        reverse("ledgers:handover-start", args=[ended_post(village, PostKind.CHAIR).pk]),
        reverse("ledgers:handover-count", args=[handover.pk]),
        reverse("ledgers:handover-sign", args=[handover.pk, "outgoing"]),
        reverse("ledgers:audit-add", args=[village.code]),
        reverse("ledgers:audit-report", args=[audit.pk]),
        reverse("ledgers:finding-add", args=[audit.pk]),
        reverse("ledgers:finding-status", args=[audit.findings.get().pk]),
    ]
    for url in forbidden:
        assert client.post(url, {}).status_code == 403, url


def test_clerk_starts_counts_and_records_signatures_but_not_the_supervisors(
    client, clerk, insider, village, post, open_books
):
    login(client, clerk)
    url = reverse("ledgers:handover-start", args=[post.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"as_of": "2026-01-31"})
    handover = Handover.objects.get(ended_post=post)
    assert response.status_code == 302
    count_url = reverse("ledgers:handover-count", args=[handover.pk])
    # A difference without an explanation is shown on the form.
    response = client.post(count_url, {"cash_counted": "9000", "bank_counted": "90000"})
    assert response.status_code == 200 and response.context["count_form"].errors
    incoming = CadreFactory(village=village)
    response = client.post(
        count_url, {"cash_counted": "10000", "bank_counted": "90000", "incoming": incoming.pk}
    )
    assert response.status_code == 302
    for who in ("outgoing", "incoming"):
        url = reverse("ledgers:handover-sign", args=[handover.pk, who])
        assert client.post(url, {"on": "2026-02-05"}).status_code == 302
    supervisor_url = reverse("ledgers:handover-sign", args=[handover.pk, "supervisor"])
    assert client.post(supervisor_url, {"on": "2026-02-05", "supervisor": "王"}).status_code == 403
    assert client.post(reverse("ledgers:handover-sign", args=[handover.pk, "x"])).status_code == 404

    login(client, insider)
    response = client.post(supervisor_url, {"on": "2026-02-05"})  # no name: shown on the form
    assert response.status_code == 200
    response = client.post(supervisor_url, {"on": "2026-02-05", "supervisor": "王监督"})
    assert response.status_code == 302
    handover.refresh_from_db()
    assert handover.state == HandoverState.SIGNED
    page = client.get(reverse("ledgers:handover-detail", args=[handover.pk])).content.decode()
    assert 'data-testid="signed-supervisor"' in page and "handover-count" not in page


def test_township_records_an_audit_and_its_findings(client, insider, village, post):
    login(client, insider)
    url = reverse("ledgers:audit-add", args=[village.code])
    assert client.get(url).status_code == 200
    data = {
        "kind": AuditKind.LEAVING,
        "auditor": "审计组",
        "period_start": "2021-01-01",
        "period_end": "2026-01-31",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and response.context["form"].errors  # names no post
    response = client.post(url, {**data, "leaving_post": post.pk})
    audit = AuditRecord.objects.get()
    assert response.status_code == 302
    report = reverse("ledgers:audit-report", args=[audit.pk])
    assert client.post(report, {"report_date": "2026-03-01", "conclusion": "无"}).status_code == 302
    add = reverse("ledgers:finding-add", args=[audit.pk])
    assert (
        client.post(add, {"category": "other", "description": "x", "amount": "5"}).status_code
        == 302
    )
    finding = audit.findings.get()
    status_url = reverse("ledgers:finding-status", args=[finding.pk])
    response = client.post(status_url, {"status": FindingStatus.RESOLVED})
    assert response.status_code == 200  # no date: shown on the audit's page
    response = client.post(
        status_url, {"status": FindingStatus.RESOLVED, "resolved_on": "2026-04-01"}
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RESOLVED


def test_village_ledger_links_to_handovers_and_audits(client, insider, village):
    login(client, insider)
    page = client.get(reverse("ledgers:village-ledger", args=[village.code])).content.decode()
    assert reverse("ledgers:handover-list") in page and reverse("ledgers:audit-list") in page


# ------------------------------------------------------------------ query counts


def add_villages_with_posts(township, n, start):
    villages = []
    for i in range(start, start + n):
        village = VillageFactory(township=township, code=f"370830102{i:03d}")
        villages.append((village, ended_post(village)))
    return villages


@pytest.mark.parametrize("url_name", ["ledgers:handover-due", "ledgers:handover-list"])
def test_handover_lists_query_count_is_the_same_for_2_and_50(
    client, supervisor, township, chart, count_queries, url_name
):
    login(client, supervisor)
    url = reverse(url_name)

    def add(n, start):
        for _village, post in add_villages_with_posts(township, n, start):
            if url_name == "ledgers:handover-list":
                services.handover_start(actor=supervisor, ended_post=post)

    add(2, 300)
    few = count_queries(url)
    add(48, 400)
    assert count_queries(url) == few


def test_audit_list_query_count_is_the_same_for_2_and_50(
    client, supervisor, township, count_queries
):
    login(client, supervisor)

    def add(n, start):
        for village, _post in add_villages_with_posts(township, n, start):
            a = services.audit_record(
                actor=supervisor,
                village=village,
                kind=AuditKind.PERIODIC,
                auditor="x",
                period_start=D(2025, 1, 1),
                period_end=D(2025, 12, 31),
            )
            services.finding_add(actor=supervisor, audit=a, category="other", description="y")

    add(2, 300)
    few = count_queries(reverse("ledgers:audit-list"))
    add(48, 400)
    assert count_queries(reverse("ledgers:audit-list")) == few


# ------------------------------------------------------------------ API


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()["count"]


@pytest.mark.parametrize(
    "persona,status", [("anonymous", 403), ("outsider", 404), ("insider", 200), ("supervisor", 200)]
)
def test_api_read_persona_matrix(api, personas, persona, status, handover, audit):
    client = api_login(api, personas[persona])
    for url in (f"{API}/handovers/{handover.pk}/", f"{API}/audits/{audit.pk}/"):
        assert client.get(url).status_code == status
    lists = (f"{API}/handovers/", f"{API}/handovers/due/", f"{API}/audits/")
    for url in lists:
        assert client.get(url).status_code == (403 if persona == "anonymous" else 200), url


def test_api_handover_flow(api, clerk, insider, contact, village, post, open_books):
    client = api_login(api, contact)
    assert client.post(f"{API}/handovers/", {"ended_post": post.pk}).status_code == 403
    client = api_login(api, clerk)
    due = client.get(f"{API}/handovers/due/").json()
    assert [row["id"] for row in due["results"]] == [post.pk]
    response = client.post(f"{API}/handovers/", {"ended_post": post.pk}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["book_balances"]["accounts"]["101"] == "10000.00"
    pk = body["id"]
    assert client.get(f"{API}/handovers/due/").json()["count"] == 0
    response = client.post(
        f"{API}/handovers/{pk}/count/",
        {"cash_counted": "1", "bank_counted": "90000"},
        format="json",
    )
    assert response.status_code == 400 and "differences" in response.json()
    incoming = CadreFactory(village=village)
    response = client.post(
        f"{API}/handovers/{pk}/count/",
        {"cash_counted": "10000", "bank_counted": "90000", "incoming": incoming.pk},
        format="json",
    )
    assert response.status_code == 200
    for who in ("outgoing", "incoming"):
        r = client.post(
            f"{API}/handovers/{pk}/sign/", {"who": who, "on": "2026-02-05"}, format="json"
        )
        assert r.status_code == 200
    sup = {"who": "supervisor", "on": "2026-02-05", "supervisor": "王"}
    assert client.post(f"{API}/handovers/{pk}/sign/", sup, format="json").status_code == 403
    client = api_login(api, insider)
    response = client.post(f"{API}/handovers/{pk}/sign/", sup, format="json")
    assert response.status_code == 200 and response.json()["state"] == HandoverState.SIGNED
    response = client.post(
        f"{API}/handovers/{pk}/count/", {"cash_counted": "0", "bank_counted": "0"}, format="json"
    )
    assert response.status_code == 400


def test_api_audit_flow(api, insider, clerk, village):
    data = {
        "village": village.code,
        "kind": AuditKind.PERIODIC,
        "auditor": "县农经站",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
    }
    assert api_login(api, clerk).post(f"{API}/audits/", data, format="json").status_code == 403
    client = api_login(api, insider)
    response = client.post(f"{API}/audits/", data, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    response = client.post(
        f"{API}/audits/{pk}/add_finding/",
        {"category": "spending", "description": "超标接待", "amount": "800"},
        format="json",
    )
    assert response.status_code == 201
    finding = response.json()["findings"][0]
    assert finding["status"] == FindingStatus.OPEN
    url = f"{API}/audits/{pk}/finding_status/"
    r = client.post(url, {"finding": finding["id"], "status": "resolved"}, format="json")
    assert r.status_code == 400
    r = client.post(url, {"finding": finding["id"], "status": "rectifying"}, format="json")
    assert r.status_code == 200 and r.json()["findings"][0]["status"] == "rectifying"
    r = client.post(url, {"finding": 999999, "status": "resolved"}, format="json")
    assert r.status_code == 400
    r = client.post(
        f"{API}/audits/{pk}/report/",
        {"report_date": "2026-03-01", "conclusion": "整改中"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["conclusion"] == "整改中"
    client = api_login(api, clerk)
    assert (
        client.post(
            url, {"finding": finding["id"], "status": "resolved"}, format="json"
        ).status_code
        == 403
    )


@pytest.mark.parametrize("path", ["handovers", "handovers/due", "audits"])
def test_api_lists_query_count_is_the_same_for_2_and_50(api, supervisor, township, chart, path):
    client = api_login(api, supervisor)

    def add(n, start):
        for village, post in add_villages_with_posts(township, n, start):
            if path == "handovers":
                services.handover_start(actor=supervisor, ended_post=post)
            if path == "audits":
                a = services.audit_record(
                    actor=supervisor,
                    village=village,
                    kind=AuditKind.PERIODIC,
                    auditor="x",
                    period_start=D(2025, 1, 1),
                    period_end=D(2025, 12, 31),
                )
                services.finding_add(actor=supervisor, audit=a, category="other", description="y")

    add(2, 300)
    few, n = _count(client, f"{API}/{path}/")
    assert n == 2
    add(48, 400)
    many, n = _count(client, f"{API}/{path}/")
    assert n == 50 and many == few


def test_signed_handover_amount_rendered(client, insider, handover):
    login(client, insider)
    response = client.get(reverse("ledgers:handover-detail", args=[handover.pk]))
    assert Decimal(handover.book_balances["accounts"]["102"]) == Decimal("90000")
    assert response.context["book_bank"] == Decimal("90000.00")


@pytest.mark.usefixtures("chinese")
def test_pages_speak_chinese(client, insider, post, handover):
    login(client, insider)
    assert "待办交接" in client.get(reverse("ledgers:handover-due")).content.decode()
    page = client.get(reverse("ledgers:handover-detail", args=[handover.pk])).content.decode()
    assert "交接基准日账面余额" in page and "乡镇监交人" in page


@pytest.mark.parametrize("year", ["0", "-1", "99999999999", "2026.5", "abc"])
def test_a_year_no_date_can_hold_is_a_bad_filter_not_a_crash(api, client, insider, audit, year):
    refused = api_login(api, insider).get(f"{API}/audits/", {"year": year})
    assert refused.status_code == 400 and "year" in refused.json()
    # the page shows the whole list with the filter's error
    page = login(client, insider).get(reverse("ledgers:audit-list"), {"year": year})
    assert page.status_code == 200


def test_a_year_filter_finds_the_audits_of_that_year(api, insider, audit):
    listed = api_login(api, insider).get(f"{API}/audits/", {"year": audit.period_end.year})
    assert listed.status_code == 200 and listed.json()["count"] == 1
