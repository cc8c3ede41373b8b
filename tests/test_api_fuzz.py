"""Schemathesis over every operation of /api/v1/: no server error, every response as documented.

The schema is the one drf-spectacular generates for /api/schema/; each operation is tried with
the county supervisor's token and a township staff member's token against a small demo county in
the real PostgreSQL test database. Hypothesis runs derandomized with a fixed seed and a bounded
number of cases per operation, so the module stays within a few minutes; run it alone with
`pytest -m fuzz`. A case's failure is recorded and the run goes on, so one test names every
distinct failure of its operation.
"""

import os
import re
from collections import Counter

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from villages.models import Region, Village

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

SEED = 2026
# Cases per operation, persona and generation mode; FUZZ_EXAMPLES=50 for a deeper run by hand.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
CHECKS = [not_a_server_error, response_schema_conformance]
PERSONAS = ("county", "township")  # the demo's county supervisor and township staff


SCHEMA = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
# Requests go through Django's WSGI handler in this process, on the test's own connection (see
# _keep_connection), so they see the demo county inside the test's transaction.
SCHEMA.app = WSGIHandler()
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]

TOTALS: Counter = Counter()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """A small demo county with every app's records, built once for the module and rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command(
            "seed_demo", "--villages", "6", "--townships", "2", "--quarters", "1", verbosity=0
        )
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module", autouse=True)
def _keep_connection():
    """Requests end with `close_old_connections`, which would drop the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module", autouse=True)
def _report(request):
    """The totals at the end of the module: cases run and server errors among them."""
    yield
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(
                f"\nschemathesis: {TOTALS['cases']} cases, {TOTALS['5xx']} server errors, "
                f"{TOTALS['failures']} failing cases"
            )


def existing_keys(operation) -> list[str]:
    """A few keys of rows the operation's path parameter can name, so cases reach real rows."""
    names = re.findall(r"{(\w+)}", operation.path)
    if not names:
        return []
    sample = {"code": "370830", "area_code": "370830"}
    view = resolve(
        re.sub(r"{(\w+)}", lambda m: sample.get(m.group(1), "1"), operation.full_path)
    ).func.cls
    queryset = getattr(view, "queryset", None)
    if queryset is None and hasattr(view, "serializer_class"):
        queryset = view.serializer_class.Meta.model.objects.all()
    if queryset is None or names[0] in sample:  # an area: the demo's regions and villages
        keys = list(Region.objects.order_by("code").values_list("code", flat=True))
        keys += list(Village.objects.order_by("code").values_list("code", flat=True)[:2])
        return keys
    keys = list(queryset.model.objects.order_by("pk").values_list(view.lookup_field, flat=True))
    return [str(k) for k in keys[:2] + keys[-2:]]


def strategy(operation, headers):
    keys = existing_keys(operation)
    names = re.findall(r"{(\w+)}", operation.path)
    modes = [
        operation.as_strategy(GenerationMode.POSITIVE, headers=headers),
        operation.as_strategy(GenerationMode.NEGATIVE, headers=headers),
    ]
    modes += [
        operation.as_strategy(
            GenerationMode.POSITIVE, headers=headers, path_parameters={names[0]: key}
        )
        for key in keys
    ]
    return st.one_of(modes)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_operation(demo, persona, operation):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=persona)
    token, _ = Token.objects.get_or_create(user=user)
    headers = {"Authorization": f"Token {token.key}"}
    failures: dict[str, str] = {}

    @seed(SEED)
    @settings(
        max_examples=EXAMPLES * 3,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy(operation, headers))
    def run(case):
        TOTALS["cases"] += 1
        response = case.call()
        if response.status_code >= 500:
            TOTALS["5xx"] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, BaseExceptionGroup) as exc:  # keep each distinct failure, go on
            TOTALS["failures"] += 1
            for failure in getattr(exc, "exceptions", [exc]):
                key = f"{failure.title}: {(failure.message or '').partition(chr(10))[0]}"[:200]
                failures.setdefault(key, f"{case.as_curl_command()}\n{failure}"[:3000])

    run()
    if failures:
        pytest.fail("\n\n".join(failures.values()), pytrace=False)
