"""Per-user notification preferences."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_finance_auditor_delegation")]

    operations = []
