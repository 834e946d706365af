"""Restaurant aliases left by merges, merchant aliases, and the dual-amount record of a foreign meal's conversion."""

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models

import accounts.validators


class Migration(migrations.Migration):
    dependencies = [
        ("expenses", "0010_trips_per_diem_recurring"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="MerchantAlias",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "merchant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="aliases", to="expenses.merchant"
                    ),
                ),
            ],
            options={"verbose_name_plural": "merchant aliases", "ordering": ["name"]},
        ),
        migrations.CreateModel(
            name="RestaurantAlias",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100)),
                ("address_line_1", models.CharField(blank=True, max_length=200)),
                ("city", models.CharField(blank=True, max_length=100)),
                ("postal_code", models.CharField(blank=True, max_length=20)),
                ("country", models.CharField(blank=True, max_length=2)),
                ("place_id", models.CharField(blank=True, max_length=255)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="restaurant_aliases",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "restaurant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="aliases", to="expenses.restaurant"
                    ),
                ),
            ],
            options={"verbose_name_plural": "restaurant aliases", "ordering": ["name", "id"]},
        ),
        migrations.AddConstraint(
            model_name="merchantalias",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("name"), name="expenses_merchantalias_name_unique"
            ),
        ),
        migrations.AddIndex(
            model_name="restaurantalias",
            index=models.Index(
                models.F("owner"),
                django.db.models.functions.text.Lower("name"),
                name="expenses_restaurantalias_name",
            ),
        ),
        migrations.AddConstraint(
            model_name="restaurantalias",
            constraint=models.UniqueConstraint(
                models.F("owner"),
                django.db.models.functions.text.Lower("name"),
                django.db.models.functions.text.Lower("address_line_1"),
                django.db.models.functions.text.Lower("city"),
                django.db.models.functions.text.Lower("postal_code"),
                models.F("country"),
                models.F("place_id"),
                name="expenses_restaurantalias_owner_identity_unique",
            ),
        ),
        migrations.AddField(
            model_name="expense",
            name="charged_amount",
            field=models.DecimalField(
                blank=True, decimal_places=2, help_text="What the card charged.", max_digits=12, null=True
            ),
        ),
        migrations.AddField(
            model_name="expense",
            name="charged_currency",
            field=models.CharField(blank=True, max_length=3, validators=[accounts.validators.validate_currency]),
        ),
        migrations.AddField(
            model_name="expense",
            name="card_fee",
            field=models.DecimalField(
                blank=True, decimal_places=2, help_text="In the charged currency.", max_digits=12, null=True
            ),
        ),
        migrations.AddField(
            model_name="expense",
            name="rate_source",
            field=models.CharField(
                choices=[
                    ("same", "No conversion"),
                    ("typed", "Typed by the member"),
                    ("card", "Card statement"),
                    ("stored", "Stored reference rate"),
                ],
                default="same",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="expense",
            name="rate_date",
            field=models.DateField(blank=True, help_text="The day of the rate used.", null=True),
        ),
        migrations.AddConstraint(
            model_name="expense",
            constraint=models.CheckConstraint(
                condition=models.Q(("charged_amount__isnull", True), ("charged_amount__gt", 0), _connector="OR"),
                name="expenses_expense_charged_amount_positive",
            ),
        ),
    ]
