"""Load the official chart of accounts (农村集体经济组织会计制度, 财会〔2023〕14号) from
ledgers/data/chart_2023.json; its "source" block says where each code comes from."""

import json
from pathlib import Path

from django.db import migrations

CHART = Path(__file__).resolve().parent.parent / "data" / "chart_2023.json"


def load_chart(apps, schema_editor):
    Account = apps.get_model("ledgers", "Account")
    chart = json.loads(CHART.read_text(encoding="utf-8"))
    for row in chart["accounts"]:
        # update_or_create: rerunning after a hand-made official row neither fails nor duplicates.
        Account.objects.update_or_create(
            area_code="",
            code=row["code"],
            defaults={
                "name": row["name"],
                "account_class": row["class"],
                "normal_side": row["normal_side"],
                "to_be_confirmed": row["to_be_confirmed"],
                "is_official": True,
                "is_active": True,
                "parent": None,
            },
        )


def unload_chart(apps, schema_editor):
    """Remove the official accounts nothing refers to; those in use stay."""
    Account = apps.get_model("ledgers", "Account")
    VoucherLine = apps.get_model("ledgers", "VoucherLine")
    OpeningBalance = apps.get_model("ledgers", "OpeningBalance")
    Account.objects.filter(area_code="", is_official=True).exclude(
        pk__in=VoucherLine.objects.values("account_id")
    ).exclude(pk__in=OpeningBalance.objects.values("account_id")).exclude(
        pk__in=Account.objects.filter(parent__isnull=False).values("parent_id")
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ledgers", "0002_chart_verification_vouchers"),
    ]

    operations = [
        migrations.RunPython(load_chart, unload_chart),
    ]
