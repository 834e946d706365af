"""Restaurant aliases left by merges."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("expenses", "0010_trips_per_diem_recurring")]

    operations = []
