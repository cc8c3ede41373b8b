"""The load run of `make load` (issue #15, item 8): signed-in reads and writes at a fixed
concurrency against a running server, then a check in the database that every write the server
acknowledged is stored exactly once.

- `prepare()` reads the demo county from the database: who signs in, which villages and
  statements the users open, and an API token per persona;
- `drive()` plays the users over HTTP (httpx on asyncio) for a number of seconds and tallies every
  answer: its kind, its time, and whether it was expected, an expected refusal or an error;
- `verify()` looks every acknowledged write up in the database by the marker it carried.

`manage.py load_run` serves the application with gunicorn and runs the three; the tests run them
against pytest-django's live server.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import logging
import math
import random
import re
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import httpx
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.authtoken.models import Token

from core.dates import today
from ledgers.choices import DisclosureState
from ledgers.models import Account, Disclosure, DisclosureQuestion, Voucher
from supervision.models import Problem
from villages import demo
from villages.models import ContactAssignment, Region, StaffRole, Village

# The signed-in personas of the demo (villages/demo.py) and the anonymous villager, in the order
# the users are dealt out: 16 users give 4 county, 4 township, 4 visitors, 2 clerks, 2 contacts.
ROLES = ("county", "township", "visitor", "clerk", "county", "township", "visitor", "contact")
# Debit cash, credit operating income: accounts of the national chart every village keeps.
DEBIT_ACCOUNT, CREDIT_ACCOUNT = "101", "501"
# Every write carries `<kind>/<run>/<uuid>`: unique, and found again with one LIKE per table.
MARKER_RE = re.compile(r"[a-z-]+/[0-9a-f]{12}/[0-9a-f]{32}")
# The table and text field each kind of write lands in.
WRITES = {
    "problem-api": (Problem, "title"),
    "problem-form": (Problem, "title"),
    "voucher-api": (Voucher, "summary"),
    "question-form": (DisclosureQuestion, "question"),
}
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# gunicorn gives a request 120 s (deploy/gunicorn.conf.py); an answer slower than this is an error.
TIMEOUT = 60.0


# ------------------------------------------------------------------ the plan


@dataclass(frozen=True)
class Plan:
    """What the users touch, read from the demo database before the run."""

    password: str
    county: str
    townships: tuple[str, ...]
    home: str  # the township persona's township
    villages: tuple[str, ...]  # of the county
    home_villages: tuple[str, ...]  # of the township persona's township
    clerk_village: str
    contact_villages: tuple[int, ...]  # pks, as the problem form names them
    statements: tuple[tuple[int, str], ...]  # published statements: (pk, village code)
    tokens: dict[str, str]  # persona -> API token
    day: str  # today, the date of the vouchers
    deadline: str  # of the problems


def prepare(password: str = demo.DEMO_PASSWORD) -> Plan:
    """The plan of a run on the demo county; a token for every signed-in persona."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=demo.PERSONAS)}
    personas = ("county", "township", "clerk", "contact")
    if missing := [p for p in personas if p not in users]:
        raise ValueError(f"no demo account {', '.join(missing)}: run manage.py seed_demo first")
    roles = {
        r.user.username: r.area_code for r in StaffRole.objects.filter(user__in=users.values())
    }
    county, home, clerk_village = roles["county"], roles["township"], roles["clerk"]
    villages = Village.objects.filter(code__startswith=county).order_by("code")
    statements = (
        Disclosure.objects.filter(area_code__startswith=county, state=DisclosureState.PUBLISHED)
        .order_by("-pk")
        .values_list("pk", "village__code")[:20]
    )
    found = Account.objects.filter(code__in=[DEBIT_ACCOUNT, CREDIT_ACCOUNT], area_code="")
    if found.count() != 2 or not statements:
        raise ValueError("the demo has no chart of accounts or no published statement")
    on = today()
    return Plan(
        password=password,
        county=county,
        townships=tuple(
            Region.objects.filter(parent__code=county)
            .order_by("code")
            .values_list("code", flat=True)
        ),
        home=home,
        villages=tuple(villages.values_list("code", flat=True)),
        home_villages=tuple(villages.filter(code__startswith=home).values_list("code", flat=True)),
        clerk_village=clerk_village,
        contact_villages=tuple(
            ContactAssignment.objects.filter(cadre=users["contact"]).values_list(
                "village_id", flat=True
            )
        ),
        statements=tuple(statements),
        tokens={p: Token.objects.get_or_create(user=users[p])[0].key for p in personas},
        day=on.isoformat(),
        deadline=(on + dt.timedelta(days=30)).isoformat(),
    )


# ------------------------------------------------------------------ the tally


@dataclass
class Tally:
    """Every answer of a run: times by kind, outcomes, and the acknowledged writes' markers."""

    run: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    seconds: float = 0.0
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    refused: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)  # the first errors, to show
    acknowledged: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    unanswered: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def marker(self, kind: str) -> str:
        return f"{kind}/{self.run}/{uuid.uuid4().hex}"

    def error(self, kind: str, text: str) -> None:
        self.errors[kind] += 1
        if len(self.examples) < 20:
            self.examples.append(f"{kind}: {text}")

    @property
    def requests(self) -> int:
        return sum(len(t) for t in self.times.values()) + sum(
            len(m) for m in self.unanswered.values()
        )

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def rows(self) -> list[tuple[str, int, int, int, float, float, float]]:
        """(kind, answers, refused, errors, p50, p95, p99 in ms) for each kind, by name."""
        kinds = sorted(set(self.times) | set(self.errors))
        return [
            (
                kind,
                len(self.times[kind]),
                self.refused[kind],
                self.errors[kind],
                *(percentile(self.times[kind], p) * 1000 for p in (50, 95, 99)),
            )
            for kind in kinds
        ]


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile (0.0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# ------------------------------------------------------------------ the users


class User:
    """One simulated user: signs in (unless a visitor), then repeats its role's actions, each
    drawn at random by weight, until the deadline."""

    def __init__(self, n: int, role: str, base_url: str, plan: Plan, tally: Tally):
        self.role, self.base_url, self.plan, self.tally = role, base_url, plan, tally
        self.rng = random.Random(f"{tally.run}-{n}")
        self.address = f"127.200.{n // 250}.{n % 250 + 1}"
        self.web = self.client()
        self.api = self.client(
            {"Authorization": f"Token {plan.tokens[role]}"} if role in plan.tokens else {}
        )

    def client(self, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
        """A client connecting from the user's own address, a loopback one (Linux answers all of
        127/8): REMOTE_ADDR tells the users apart, and so does X-Forwarded-For, sent as the
        shipped nginx sends it, however the app is told to read the client's address."""
        return httpx.AsyncClient(
            base_url=self.base_url,
            transport=httpx.AsyncHTTPTransport(local_address=self.address),
            headers={"X-Forwarded-For": self.address, **(headers or {})},
            timeout=TIMEOUT,
            follow_redirects=False,
        )

    async def close(self) -> None:
        await self.web.aclose()
        await self.api.aclose()

    async def call(
        self,
        kind: str,
        method: str,
        url: str,
        *,
        client: httpx.AsyncClient | None = None,
        expect: tuple[int, ...] = (200,),
        refuse: tuple[int, ...] = (),
        marker: str | None = None,
        **kwargs,
    ) -> httpx.Response | None:
        """One request, tallied: an expected status, an expected refusal, or an error. A write
        answered 2xx or 3xx is acknowledged, whatever was expected."""
        started = time.perf_counter()
        try:
            response = await (client or self.web).request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            self.tally.error(kind, f"{method} {url}: {type(exc).__name__} {exc}")
            if marker:
                self.tally.unanswered[kind].append(marker)
            return None
        self.tally.times[kind].append(time.perf_counter() - started)
        status = response.status_code
        if marker and 200 <= status < 400:
            self.tally.acknowledged[kind].append(marker)
        if status in refuse:
            self.tally.refused[kind] += 1
        elif status not in expect:
            self.tally.error(kind, f"{method} {url}: {status} {response.text[:200]!r}")
        return response

    async def form_token(self, kind: str, url: str) -> str | None:
        """GET a form page; the CSRF token of its form (None, tallied as an error, without)."""
        page = await self.call(kind, "GET", url)
        if page is None or page.status_code != 200:
            return None
        found = CSRF_RE.search(page.text)
        if not found:
            self.tally.error(kind, f"GET {url}: no CSRF token in the page")
            return None
        return found.group(1)

    async def sign_in(self) -> bool:
        url = reverse("login")
        token = await self.form_token("sign-in", url)
        if token is None:
            return False
        data = {"csrfmiddlewaretoken": token, "username": self.role, "password": self.plan.password}
        response = await self.call(
            "sign-in", "POST", url, data=data, expect=(302,), headers={"Referer": self.base_url}
        )
        return response is not None and response.status_code == 302

    async def run(self, deadline: float) -> None:
        try:
            if self.role != "visitor" and not await self.sign_in():
                return
            actions = ACTIONS[self.role]
            weights = [w for w, _a in actions]
            while time.monotonic() < deadline:
                (action,) = self.rng.choices([a for _w, a in actions], weights)
                await action(self)
        finally:
            await self.close()

    # -------------------------------------------------------------- reads

    def pick(self, items):
        return self.rng.choice(items)

    async def county_dashboard(self) -> None:
        url = reverse("reports:county-dashboard", kwargs={"code": self.plan.county})
        await self.call("county-dashboard", "GET", url)

    async def township_dashboard(self) -> None:
        code = self.pick(self.plan.townships) if self.role == "county" else self.plan.home
        url = reverse("reports:township-dashboard", kwargs={"code": code})
        await self.call("township-dashboard", "GET", url)

    async def village_pages(self) -> None:
        villages = self.plan.villages if self.role == "county" else self.plan.home_villages
        code = self.pick(villages)
        await self.call("village", "GET", reverse("villages:village-detail", args=[code]))
        await self.call("village", "GET", reverse("ledgers:village-ledger", args=[code]))

    async def lists(self) -> None:
        url = self.pick(
            [
                reverse("villages:village-list"),
                reverse("supervision:problem-list"),
                reverse("ledgers:voucher-list"),
                reverse("ledgers:question-list"),
            ]
        )
        await self.call("list", "GET", url)

    async def api_reads(self) -> None:
        path = self.pick(["villages", "problems", "vouchers", "disclosures"])
        await self.call("api-read", "GET", f"/api/v1/{path}/", client=self.api)

    async def public_pages(self) -> None:
        pk, code = self.pick(self.plan.statements)
        await self.call("public", "GET", reverse("public:village", args=[code]))
        await self.call("public", "GET", reverse("public:statement", args=[pk]))

    # -------------------------------------------------------------- writes

    async def problem_api(self) -> None:
        kind = "problem-api"
        marker = self.tally.marker(kind)
        villages = self.plan.villages if self.role == "county" else self.plan.home_villages
        body = {
            "village": self.pick(villages),
            "source": "screening",
            "title": f"负载测试 {marker}",
            "category": "finance",
            "owner_name": "负载测试",
            "deadline": self.plan.deadline,
        }
        await self.call(
            kind,
            "POST",
            "/api/v1/problems/",
            client=self.api,
            json=body,
            expect=(201,),
            marker=marker,
        )

    async def problem_form(self) -> None:
        kind = "problem-form"
        url = reverse("supervision:problem-create")
        token = await self.form_token("form-page", url)
        if token is None:
            return
        marker = self.tally.marker(kind)
        data = {
            "csrfmiddlewaretoken": token,
            "village": self.pick(self.plan.contact_villages),
            "source": "screening",
            "title": f"负载测试 {marker}",
            "category": "affairs",
            "severity": "general",
            "owner_name": "负载测试",
            "deadline": self.plan.deadline,
        }
        headers = {"Referer": self.base_url + url}
        await self.call(kind, "POST", url, data=data, headers=headers, expect=(302,), marker=marker)

    async def voucher_api(self) -> None:
        kind = "voucher-api"
        marker = self.tally.marker(kind)
        village = (
            self.plan.clerk_village if self.role == "clerk" else self.pick(self.plan.home_villages)
        )
        amount = str(Decimal(self.rng.randint(100, 99999)) / 100)
        body = {
            "village": village,
            "date": self.plan.day,
            "summary": f"负载测试 {marker}",
            "lines": [
                {"account_code": DEBIT_ACCOUNT, "debit": amount},
                {"account_code": CREDIT_ACCOUNT, "credit": amount},
            ],
        }
        await self.call(
            kind,
            "POST",
            "/api/v1/vouchers/",
            client=self.api,
            json=body,
            expect=(201,),
            marker=marker,
        )

    async def question(self) -> None:
        """A new villager (own cookies, own address) reads a statement and asks about it; a 429
        is the question limit refusing, an expected answer."""
        kind = "question-form"
        # Random among 16 million: a visitor of an earlier run in the hour is not met again.
        a, b, c = self.rng.randrange(1, 200), self.rng.randrange(256), self.rng.randrange(1, 255)
        self.address = f"127.{a}.{b}.{c}"
        await self.web.aclose()
        self.web = self.client()
        pk, _code = self.pick(self.plan.statements)
        url = reverse("public:statement", args=[pk])
        token = await self.form_token("public", url)
        if token is None:
            return
        marker = self.tally.marker(kind)
        data = {"csrfmiddlewaretoken": token, "name": "", "phone": "", "question": marker}
        headers = {"Referer": self.base_url + url}
        await self.call(
            kind,
            "POST",
            url,
            data=data,
            headers=headers,
            expect=(302,),
            refuse=(429,),
            marker=marker,
        )


# (weight, action) by role: mostly reads, as in a working day, with a steady share of writes.
ACTIONS = {
    "county": [
        (3, User.county_dashboard),
        (3, User.township_dashboard),
        (3, User.village_pages),
        (3, User.lists),
        (3, User.api_reads),
        (1, User.problem_api),
    ],
    "township": [
        (3, User.township_dashboard),
        (3, User.village_pages),
        (2, User.lists),
        (2, User.api_reads),
        (1, User.problem_api),
        (1, User.voucher_api),
    ],
    "clerk": [(2, User.api_reads), (1, User.voucher_api)],
    "contact": [(2, User.lists), (1, User.problem_form)],
    "visitor": [(2, User.public_pages), (1, User.question)],
}


async def drive(base_url: str, plan: Plan, *, seconds: float, users: int) -> Tally:
    """`users` users against `base_url` for `seconds`; the tally of every answer."""
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request
    tally = Tally()
    roles = itertools.islice(itertools.cycle(ROLES), users)
    crowd = [User(n, role, base_url, plan, tally) for n, role in enumerate(roles)]
    started = time.monotonic()
    await asyncio.gather(*(u.run(started + seconds) for u in crowd))
    tally.seconds = time.monotonic() - started
    return tally


# ------------------------------------------------------------------ the check


@dataclass(frozen=True)
class Check:
    """The acknowledged writes of one kind against the database."""

    kind: str
    acknowledged: int
    found: int  # acknowledged and stored exactly once
    missing: list[str]  # acknowledged, not stored
    duplicated: list[str]  # acknowledged, stored more than once
    unacknowledged: int  # stored without an acknowledgement (a request that got no answer)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.duplicated


def verify(acknowledged: dict[str, list[str]], run: str) -> list[Check]:
    """Each kind's acknowledged markers looked up in its table: one query per kind."""
    checks = []
    for kind, (model, name) in WRITES.items():
        texts = model.objects.filter(**{f"{name}__contains": f"{kind}/{run}/"}).values_list(
            name, flat=True
        )
        stored = Counter(m for text in texts for m in MARKER_RE.findall(text) if m.startswith(kind))
        markers = acknowledged.get(kind, [])
        checks.append(
            Check(
                kind=kind,
                acknowledged=len(markers),
                found=sum(1 for m in markers if stored[m] == 1),
                missing=[m for m in markers if not stored[m]],
                duplicated=[m for m in markers if stored[m] > 1],
                unacknowledged=len(set(stored) - set(markers)),
            )
        )
    return checks
