"""Trips, per-diem rates, recurring meals and meal templates."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("expenses", "0009_line_items_splits")]

    operations = []
