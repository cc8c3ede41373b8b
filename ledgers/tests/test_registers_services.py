"""Registers: asset transitions, contract overlap, arrears, append-only movements/payments."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InternalError, transaction

from ledgers import selectors, services
from ledgers.choices import AssetStatus, PaymentSchedule, ResourceStatus
from ledgers.models import AssetMovement, ContractPayment

pytestmark = pytest.mark.django_db
D = dt.date
END = D(2026, 12, 31)


def make_asset(actor, village, **extra):
    data = {
        "category": "building",
        "name": "村委办公楼",
        "original_value": Decimal("350000.00"),
        "acquired_on": D(2020, 5, 1),
        "funding_source": "collective",
        **extra,
    }
    return services.asset_register(actor=actor, village=village, **data)


def make_resource(actor, village, **extra):
    data = {"land_kind": "0103", "name": "东坡旱地", "area_mu": Decimal("35.50"), **extra}
    return services.resource_register(actor=actor, village=village, **data)


def sign(actor, resource, start, end, fee="1200", **extra):
    return services.contract_sign(
        actor=actor,
        resource=resource,
        party="张三",
        start_date=start,
        end_date=end,
        annual_fee=Decimal(fee),
        **extra,
    )


def test_register_records_the_acquisition(clerk, village):
    asset = make_asset(clerk, village)
    (movement,) = asset.movements.all()
    assert movement.kind == "acquisition"
    assert movement.amount == Decimal("350000.00")
    assert movement.status_after == AssetStatus.IN_USE == asset.status
    assert asset.area_code == village.code


def test_allowed_transitions_and_disposed_is_final(clerk, village):
    asset = make_asset(clerk, village)
    services.asset_move(
        actor=clerk, asset=asset, kind="lease", date=D(2021, 1, 1), counterparty="李四"
    )
    asset.refresh_from_db()
    assert asset.status == AssetStatus.LEASED
    with pytest.raises(ValidationError):
        services.asset_move(actor=clerk, asset=asset, kind="idle", date=D(2021, 2, 1))
    services.asset_move(actor=clerk, asset=asset, kind="return", date=D(2022, 1, 1))
    services.asset_move(actor=clerk, asset=asset, kind="idle", date=D(2022, 2, 1))
    services.asset_move(actor=clerk, asset=asset, kind="return", date=D(2022, 3, 1))
    services.asset_move(actor=clerk, asset=asset, kind="write_off", date=D(2023, 1, 1))
    asset.refresh_from_db()
    assert asset.status == AssetStatus.DISPOSED
    for kind in ("return", "lease", "disposal", "transfer"):
        with pytest.raises(ValidationError):
            services.asset_move(
                actor=clerk, asset=asset, kind=kind, date=D(2023, 2, 1), counterparty="x"
            )
    assert [m.status_after for m in asset.movements.order_by("date", "pk")] == [
        "in_use",
        "leased",
        "in_use",
        "idle",
        "in_use",
        "disposed",
    ]


def test_a_movement_cannot_go_back_in_time_or_be_acquisition(clerk, village):
    asset = make_asset(clerk, village)
    with pytest.raises(ValidationError):
        services.asset_move(actor=clerk, asset=asset, kind="idle", date=D(2019, 1, 1))
    with pytest.raises(ValidationError):
        services.asset_move(actor=clerk, asset=asset, kind="acquisition", date=D(2021, 1, 1))


def test_contact_cadre_and_outsider_may_not_write(contact, outsider, clerk, village):
    for user in (contact, outsider):
        with pytest.raises(PermissionDenied):
            make_asset(user, village)
        with pytest.raises(PermissionDenied):
            make_resource(user, village)


def test_resource_area_must_be_positive_and_update_changes_facts_only(clerk, village):
    with pytest.raises(ValidationError):
        make_resource(clerk, village, area_mu=Decimal("0"))
    resource = make_resource(clerk, village)
    services.resource_update(actor=clerk, resource=resource, area_mu=Decimal("36.00"))
    resource.refresh_from_db()
    assert resource.area_mu == Decimal("36.00")
    with pytest.raises(ValidationError):
        services.resource_update(actor=clerk, resource=resource, status="leased")
    with pytest.raises(ValidationError):
        services.resource_update(actor=clerk, resource=resource, area_mu=Decimal("-1"))


def test_overlapping_contract_refused_after_termination_allowed(clerk, village):
    resource = make_resource(clerk, village)
    first = sign(clerk, resource, D(2024, 1, 1), D(2028, 12, 31), kind="leased")
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.LEASED
    with pytest.raises(ValidationError):
        sign(clerk, resource, D(2026, 1, 1), D(2027, 1, 1))
    services.contract_terminate(actor=clerk, contract=first, date=D(2025, 12, 31))
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.IDLE
    with pytest.raises(ValidationError):
        sign(clerk, resource, D(2025, 6, 1), D(2027, 1, 1))  # still held until 12-31
    with pytest.raises(ValidationError):
        sign(clerk, resource, D(2025, 12, 31), D(2027, 1, 1))  # its last day
    sign(clerk, resource, D(2026, 1, 1), D(2027, 1, 1))
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.CONTRACTED
    with pytest.raises(ValidationError):
        services.contract_terminate(actor=clerk, contract=first, date=D(2026, 1, 1))


def test_fees_due_per_schedule():
    from ledgers.models import ResourceContract

    def due(schedule, as_of, end=END, terminated=None):
        contract = ResourceContract(
            start_date=D(2024, 1, 1),
            end_date=end,
            annual_fee=Decimal("1200"),
            schedule=schedule,
            terminated_on=terminated,
        )
        return selectors.fees_due(contract, as_of)

    assert due(PaymentSchedule.ANNUAL, D(2023, 12, 1)) == 0
    assert due(PaymentSchedule.ANNUAL, D(2024, 1, 1)) == Decimal("1200.00")
    assert due(PaymentSchedule.ANNUAL, D(2025, 6, 1)) == Decimal("2400.00")
    assert due(PaymentSchedule.QUARTERLY, D(2024, 7, 1)) == Decimal("900.00")
    assert due(PaymentSchedule.HALF_YEARLY, D(2030, 1, 1)) == Decimal("3600.00")
    # Terminated mid-period: the last instalment is pro rata up to the termination.
    assert due(PaymentSchedule.ANNUAL, D(2030, 1, 1), terminated=D(2024, 12, 31)) == Decimal(
        "1200.00"
    )
    assert due(PaymentSchedule.QUARTERLY, D(2030, 1, 1), terminated=D(2024, 6, 30)) == Decimal(
        "600.00"
    )
    partial = due(PaymentSchedule.ANNUAL, D(2030, 1, 1), terminated=D(2025, 7, 1))
    assert partial == Decimal("1200.00") + (Decimal(1200) * 182 / 365).quantize(Decimal("0.01"))
    assert due(PaymentSchedule.ONE_OFF, D(2024, 1, 1), end=D(2025, 12, 31)) == Decimal("2400.00")


def test_arrears_and_negative_corrections(clerk, village, other_village, insider, supervisor):
    resource = make_resource(clerk, village)
    contract = sign(clerk, resource, D(2024, 1, 1), D(2030, 12, 31))
    services.payment_record(
        actor=clerk, contract=contract, amount=Decimal("1200"), received_on=D(2024, 1, 5)
    )
    services.payment_record(
        actor=clerk, contract=contract, amount=Decimal("1000"), received_on=D(2025, 1, 5)
    )
    with pytest.raises(ValidationError):  # a correction says what it corrects
        services.payment_record(
            actor=clerk, contract=contract, amount=Decimal("-100"), received_on=D(2025, 1, 6)
        )
    services.payment_record(
        actor=clerk,
        contract=contract,
        amount=Decimal("-100"),
        received_on=D(2025, 1, 6),
        notes="多记",
    )
    from ledgers.models import ResourceContract

    rows = selectors.contracts_in_arrears(
        ResourceContract.objects.visible_to(insider), as_of=D(2025, 6, 1)
    )
    assert [(r.contract, r.due, r.paid, r.arrears) for r in rows] == [
        (contract, Decimal("2400.00"), Decimal("2100.00"), Decimal("300.00"))
    ]
    assert (
        selectors.contracts_expiring(
            ResourceContract.objects.visible_to(supervisor), as_of=D(2030, 11, 1)
        ).get()
        == contract
    )


def test_payment_voucher_must_be_of_the_same_village(clerk, village, other_village, chart):
    from ledgers.models import Voucher

    resource = make_resource(clerk, village)
    contract = sign(clerk, resource, D(2024, 1, 1), D(2030, 12, 31))
    foreign = Voucher(village=other_village, area_code=other_village.code)
    with pytest.raises(ValidationError):
        services.payment_record(
            actor=clerk,
            contract=contract,
            amount=Decimal("10"),
            received_on=D(2024, 2, 1),
            voucher=foreign,
        )


def test_the_database_refuses_to_change_movements_and_payments(clerk, village):
    asset = make_asset(clerk, village)
    resource = make_resource(clerk, village)
    contract = sign(clerk, resource, D(2024, 1, 1), D(2030, 12, 31))
    services.payment_record(
        actor=clerk, contract=contract, amount=Decimal("10"), received_on=D(2024, 2, 1)
    )
    for qs in (AssetMovement.objects.filter(asset=asset), ContractPayment.objects.all()):
        for write in (lambda q: q.update(notes="改"), lambda q: q.delete()):
            with pytest.raises(InternalError, match="Cannot update or delete"):
                with transaction.atomic():
                    write(qs)


def test_confirming_the_verification_freezes_the_opening_registers(clerk, insider, village, chart):
    verification = services.verification_start(actor=clerk, village=village, as_of=D(2025, 12, 31))
    kept = make_asset(clerk, village)
    services.asset_move(
        actor=clerk,
        asset=make_asset(clerk, village, name="旧拖拉机"),
        kind="disposal",
        date=D(2025, 6, 1),
        amount=Decimal("800"),
    )
    make_asset(clerk, village, name="新水井", acquired_on=D(2026, 3, 1))  # after the date
    make_resource(clerk, village)

    services.verification_confirm(actor=insider, verification=verification)
    make_asset(clerk, village, name="后补登记", acquired_on=D(2020, 1, 1))  # after confirmation
    verification.refresh_from_db()

    frozen = verification.opening_registers
    assert [a["name"] for a in frozen["assets"]] == [kept.name]
    assert frozen["assets_value"] == "350000.00"
    assert [(r["name"], r["area_mu"]) for r in frozen["resources"]] == [("东坡旱地", "35.50")]
