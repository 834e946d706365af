from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_realtime_connections")]

    operations = []
