"""A profile's bio, phone (E.164) and avatar."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_team_substantiation")]

    operations = []
