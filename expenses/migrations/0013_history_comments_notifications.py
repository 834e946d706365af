"""Field history of expenses and reports, comments, notifications and webhooks."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("expenses", "0012_expense_reports_batches"), ("accounts", "0005_notification_preferences")]

    operations = []
