"""Every URL pattern, fed malformed parameters, answers 400 or 404 but never a server error.

The walk takes every pattern of the URL configuration, puts a NUL byte, a huge number, a
negative number and malformed codes in its parameters (and list filters in its query string),
and GETs it as anonymous and as township staff. The public pages come first in the walk.
"""

import re
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from villages.tests.helpers import login

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
# NUL; beyond a bigint; negative; letters; a code one digit short; a code with a letter
VALUES = ["%00", HUGE, "-1", "abc", "37083010220", "37083010220x"]
VILLAGE = "370830102201"  # the `village` fixture's code
# the list filters and the other query parameters pages read: numbers too large for a year, a
# page or an id, negative ones, malformed codes, periods and choices
QUERIES = [
    "?q=%00",
    f"?year=99999999999&month={HUGE}&page={HUGE}&period={HUGE}&township=abc&village=-1"
    f"&state=zz&kind=zz&ordering=zz&resource=-1&score_min=1e999&cadre={HUGE}"
    f"&certificate={HUGE}&area={HUGE}&county=abc&figure=zz&show=zz",
    "?year=0&month=-1&page=-1&period=2026Q9&township=%E4%B8%AD&village=3708301022011"
    "&cadre=abc&certificate=%C2%B2&area=-1&county=3708301&format=xlsx",
]
# a regex group of the API router, or a route converter: <int:pk>, <str:code>, ...
PARAMETER = re.compile(r"\(\?P<\w+>[^)]*\)|<(?:\w+:)?\w+>")


def patterns(resolvers=None, prefix=""):
    """Every pattern's path with `{}` where a parameter goes (format suffixes left out)."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        route = str(entry.pattern).lstrip("^").rstrip("$")
        if "(?P<format>" in route or "<drf_format_suffix" in route:
            continue
        route = PARAMETER.sub("{}", route).replace("\\.", ".")
        if isinstance(entry, URLResolver):
            yield from patterns(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + route


def urls():
    """The paths to try: parameterless pages with bad filters, the others with bad values."""
    seen = []
    for path in sorted(set(patterns()), key=lambda p: (not p.startswith("/public/"), p)):
        if path.startswith(("/static/", "/media/")):
            continue
        if "{}" in path:
            seen += [path.replace("{}", value) for value in VALUES]
            # the leading parameters valid (the fixture village's code), the last one bad
            *head, last = path.split("{}")
            if head[1:]:
                seen += ["{}".join(head).replace("{}", VILLAGE) + value + last for value in VALUES]
            # the fixture village's pages with bad filters
            seen += [path.replace("{}", VILLAGE) + query for query in QUERIES]
        else:
            seen += [path + query for query in QUERIES]
    return seen


def test_the_walk_covers_the_public_pages_and_the_api():
    walk = urls()
    assert walk[0].startswith("/public/")
    assert "/public/villages/%00/" in walk
    assert f"/ledgers/audits/?year=99999999999&month={HUGE}" in " ".join(walk)
    assert any(url.startswith("/api/v1/vouchers/") for url in walk)


# The walk in parts by the URL's first segment, so that parallel test processes share it.
PARTS = ["/public/", "/api/", "/ledgers/", "/supervision/", "/cadres/", "/reports/", "other"]


def part_of(url: str) -> str:
    return next((p for p in PARTS[:-1] if url.startswith(p)), PARTS[-1])


def test_the_parts_cover_the_walk():
    assert {part_of(url) for url in urls()} == set(PARTS)


@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("persona", ["anonymous", "insider"])
def test_no_url_answers_a_server_error(client, persona, part, village, insider):
    login(client, insider if persona == "insider" else None)
    client.raise_request_exception = False  # collect every failing URL, not the first one
    failures = []
    for url in (u for u in urls() if part_of(u) == part):
        path, _, query = url.partition("?")
        response = client.get(quote(path, safe="/%"), query_params=None, QUERY_STRING=query)
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {url}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "url", ["/public/villages/%00/", "/ledgers/audits/?q=%00", "/?next=%01", "/villages/a%1fb/"]
)
@pytest.mark.usefixtures("chinese")
def test_control_characters_in_the_url_answer_400(client, url):
    path, _, query = url.partition("?")
    response = client.get(path, QUERY_STRING=query)
    assert response.status_code == 400
    assert "地址中含有" in response.content.decode()


def test_line_breaks_in_a_query_are_a_form_value_not_an_attack(client, insider):
    login(client, insider)
    assert client.get("/ledgers/audits/", QUERY_STRING="q=a%0D%0Ab").status_code == 200
