"""A county supervisor reopens a completed record to correct it (issue 16): recorded, refused
when its completion registered problems, allowed by the database exactly once per completion;
the page is the county supervisor's."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, InternalError, transaction
from django.urls import reverse

from supervision import services
from supervision.choices import RecordState
from supervision.models import Hearing, RecordReopening
from villages.tests.helpers import login

from .bottomup_helpers import HEARING_DAY, add_question, make_hearing

pytestmark = pytest.mark.django_db
REFUSED = (InternalError, IntegrityError)


@pytest.fixture
def hearing(contact, village, sitting):
    """A completed hearing whose questions all satisfied the villagers (no problems)."""
    record = make_hearing(contact, village)
    add_question(contact, record, satisfied=True)
    return services.hearing_complete(actor=contact, hearing=record, on=HEARING_DAY)


def test_a_supervisor_reopens_and_the_organizer_completes_again(
    contact, insider, supervisor, hearing
):
    first_completion = hearing.completed_at
    with pytest.raises(PermissionDenied):  # the county's act only
        services.record_reopen(actor=insider, record=hearing, reason="出席人数录错")
    with pytest.raises(ValidationError):
        services.record_reopen(actor=supervisor, record=hearing, reason="")
    reopening = services.record_reopen(actor=supervisor, record=hearing, reason="出席人数录错")
    hearing.refresh_from_db()
    assert hearing.state == RecordState.DRAFT and hearing.completed_at is None
    assert (reopening.completed_at, reopening.reopened_by) == (first_completion, supervisor)
    assert list(services.reopenings_of(hearing)) == [reopening]
    # the organizer corrects it and completes it again; the original stays in the history
    services.hearing_update(actor=contact, hearing=hearing, others_present=4)
    services.hearing_complete(actor=contact, hearing=hearing, on=HEARING_DAY)
    hearing.refresh_from_db()
    assert hearing.state == RecordState.COMPLETED and hearing.others_present == 4
    assert 3 in hearing.events.values_list("others_present", flat=True)
    # the new completion may be reopened in turn, but a draft is not
    services.record_reopen(actor=supervisor, record=hearing, reason="仍有错误")
    with pytest.raises(ValidationError, match="已完成"):
        services.record_reopen(actor=supervisor, record=hearing, reason="再改")
    assert len(services.reopenings_of(hearing)) == 2


def test_a_completion_that_registered_problems_is_not_reopened(contact, supervisor, village):
    record = make_hearing(contact, village)
    add_question(contact, record, satisfied=False)
    services.hearing_complete(actor=contact, hearing=record, on=HEARING_DAY)
    with pytest.raises(ValidationError, match="问题台账"):
        services.record_reopen(actor=supervisor, record=record, reason="出席人数录错")
    assert Hearing.objects.get().state == RecordState.COMPLETED


def test_the_database_reopens_only_as_recorded(supervisor, hearing):
    rows = Hearing.objects.filter(pk=hearing.pk)
    draft = {"state": RecordState.DRAFT, "completed_at": None, "completed_by": None}
    with pytest.raises(REFUSED), transaction.atomic():  # no reopening recorded
        rows.update(**draft)
    reopening = RecordReopening.objects.create(
        record_table=Hearing._meta.db_table,
        record_id=hearing.pk,
        completed_at=hearing.completed_at,
        completed_by=hearing.completed_by,
        reason="试",
        reopened_by=supervisor,
        area_code=hearing.area_code,
    )
    with pytest.raises(REFUSED), transaction.atomic():  # more than the state changes
        rows.update(**draft, others_present=99)
    for change in (
        lambda: RecordReopening.objects.filter(pk=reopening.pk).update(reason="改"),
        lambda: RecordReopening.objects.filter(pk=reopening.pk).delete(),
        lambda: rows.delete(),
    ):
        with pytest.raises(REFUSED), transaction.atomic():
            change()
    rows.update(**draft)  # exactly what the reopening says
    assert rows.get().state == RecordState.DRAFT


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", 302), ("outsider", 404), ("insider", 403), ("supervisor", 200)],
)
def test_the_reopening_page_is_the_county_supervisors(client, personas, persona, expected, hearing):
    url = reverse("supervision:record-reopen", args=["hearing", hearing.pk])
    detail = reverse("supervision:hearing-detail", args=[hearing.pk])
    if personas[persona]:
        login(client, personas[persona])
        shown = 'data-testid="reopen-link"' in client.get(detail).content.decode()
        assert shown == (persona == "supervisor")
    assert client.get(url).status_code == expected
    data = {"reason": "出席人数录错"}
    response = client.post(url, data)
    assert response.status_code == expected
    if persona == "supervisor":  # asked first, then done
        assert 'data-testid="confirm-message"' in response.content.decode()
        assert Hearing.objects.get().state == RecordState.COMPLETED
        done = client.post(url, {**data, "confirm": "1"}, follow=True)
        assert 'data-testid="reopenings"' in done.content.decode()
    expected_state = RecordState.DRAFT if persona == "supervisor" else RecordState.COMPLETED
    assert Hearing.objects.get().state == expected_state
    if persona == "supervisor":
        assert client.get(url).status_code == 404  # a draft has nothing to reopen
    assert client.get(reverse("supervision:record-reopen", args=["nothing", 1])).status_code in (
        302,
        404,
    )
