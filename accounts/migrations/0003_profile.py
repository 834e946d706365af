"""A profile's bio, phone (E.164) and avatar."""

from django.db import migrations, models

import accounts.models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_team_substantiation")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="avatar",
            field=models.FileField(blank=True, max_length=255, upload_to=accounts.models.avatar_storage_key),
        ),
        migrations.AddField(
            model_name="user",
            name="bio",
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.AddField(
            model_name="user",
            name="phone",
            field=models.CharField(blank=True, help_text="E.164, e.g. +14155550123.", max_length=16),
        ),
    ]
