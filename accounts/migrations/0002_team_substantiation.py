"""A team's substantiation rules: the receipt threshold and whether missing items block a submit."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = []
