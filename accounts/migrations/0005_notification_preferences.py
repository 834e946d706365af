"""Per-user notification preferences."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_finance_auditor_delegation")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="unread_notifications",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.CreateModel(
            name="NotificationPreferences",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "muted_kinds",
                    models.JSONField(blank=True, default=list, help_text="Kinds never e-mailed (still shown in-app)."),
                ),
                (
                    "delivery",
                    models.CharField(
                        choices=[("instant", "One e-mail per notification"), ("digest", "One daily digest")],
                        default="instant",
                        max_length=10,
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notification_prefs",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "notification preferences",
            },
        ),
    ]
