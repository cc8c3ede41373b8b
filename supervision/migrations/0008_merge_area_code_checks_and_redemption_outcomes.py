# The two 0007 migrations came from branches merged in parallel; they touch different tables.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0007_area_code_checks"),
        ("supervision", "0007_redemption_on_schedule_not_due"),
    ]

    operations = []
