"""Line items and fees on an expense; splits of a meal among its people, balances and settlements."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("expenses", "0008_attendees")]

    operations = []
