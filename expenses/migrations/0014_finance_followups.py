from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("expenses", "0013_history_comments_notifications")]

    operations = []
