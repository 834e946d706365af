"""A team's substantiation rules: the receipt threshold and whether missing items block a submit."""

from decimal import Decimal

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="team",
            name="receipt_threshold",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("75.00"),
                help_text="Business meals above this amount, in the reporting currency, need a receipt.",
                max_digits=12,
                validators=[django.core.validators.MinValueValidator(Decimal("0"))],
            ),
        ),
        migrations.AddField(
            model_name="team",
            name="substantiation_blocking",
            field=models.BooleanField(
                default=False, help_text="Refuse to submit a business meal while its substantiation is incomplete."
            ),
        ),
        migrations.AddConstraint(
            model_name="team",
            constraint=models.CheckConstraint(
                condition=models.Q(("receipt_threshold__gte", 0)), name="accounts_team_receipt_threshold_not_negative"
            ),
        ),
    ]
