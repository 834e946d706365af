"""Trips, per-diem rates, recurring meals and meal templates."""

import django.core.validators
import django.db.models.deletion
import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models

import accounts.validators


class Migration(migrations.Migration):
    dependencies = [
        ("expenses", "0009_line_items_splits"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="MealTemplate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100)),
                ("amount", models.DecimalField(decimal_places=2, max_digits=12)),
                ("currency", models.CharField(max_length=3, validators=[accounts.validators.validate_currency])),
                (
                    "meal_type",
                    models.CharField(
                        choices=[
                            ("breakfast", "Breakfast"),
                            ("brunch", "Brunch"),
                            ("lunch", "Lunch"),
                            ("dinner", "Dinner"),
                            ("snacks", "Snacks"),
                            ("drinks", "Drinks"),
                            ("dessert", "Dessert"),
                            ("late_night", "Late night"),
                            ("groceries", "Groceries"),
                            ("other", "Other"),
                        ],
                        default="other",
                        max_length=20,
                    ),
                ),
                (
                    "order_type",
                    models.CharField(
                        choices=[
                            ("dine_in", "Dine in"),
                            ("takeout", "Takeout"),
                            ("delivery", "Delivery"),
                            ("drive_thru", "Drive-thru"),
                            ("catering", "Catering"),
                            ("other", "Other"),
                        ],
                        default="dine_in",
                        max_length=20,
                    ),
                ),
                (
                    "party_size",
                    models.PositiveSmallIntegerField(
                        default=1,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(50),
                        ],
                    ),
                ),
                (
                    "payment_method",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("card", "Card"),
                            ("corporate_card", "Corporate card"),
                            ("cash", "Cash"),
                            ("mobile", "Mobile wallet"),
                            ("voucher", "Voucher"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                    ),
                ),
                ("tags", models.CharField(blank=True, help_text="Tag names, comma-separated.", max_length=500)),
                ("notes", models.TextField(blank=True)),
                (
                    "repeat",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Not scheduled"),
                            ("daily", "Every day"),
                            ("weekdays", "Monday to Friday"),
                            ("weekly", "Weekly, on chosen days"),
                            ("monthly", "Monthly, on a day of the month"),
                        ],
                        default="",
                        max_length=10,
                    ),
                ),
                (
                    "weekdays",
                    models.CharField(
                        blank=True,
                        help_text="Weekly: ISO weekdays, comma-separated (1 Monday … 7 Sunday).",
                        max_length=20,
                    ),
                ),
                (
                    "day_of_month",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Monthly: the day; a shorter month uses its last day.",
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(31),
                        ],
                    ),
                ),
                ("time_of_day", models.TimeField(blank=True, help_text="Local time of each occurrence.", null=True)),
                ("starts_on", models.DateField(blank=True, null=True)),
                ("ends_on", models.DateField(blank=True, null=True)),
                ("is_active", models.BooleanField(default=True, help_text="A paused schedule creates nothing.")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "category",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="expenses.category",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="meal_templates",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "restaurant",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="expenses.restaurant",
                    ),
                ),
            ],
            options={
                "ordering": ["name", "id"],
            },
        ),
        migrations.CreateModel(
            name="PendingMeal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("occurs_on", models.DateField(help_text="The local date of the occurrence, in the owner's timezone.")),
                ("occurred_at", models.DateTimeField()),
                (
                    "status",
                    models.CharField(
                        choices=[("pending", "To confirm"), ("confirmed", "Confirmed"), ("discarded", "Discarded")],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "expense",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="recurring_occurrence",
                        to="expenses.expense",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pending_meals",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "template",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="occurrences",
                        to="expenses.mealtemplate",
                    ),
                ),
            ],
            options={
                "ordering": ["occurred_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="PerDiemRate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "location_key",
                    models.CharField(help_text="'ST/Destination', or 'CONUS' for the standard rate.", max_length=160),
                ),
                ("state", models.CharField(blank=True, max_length=2)),
                ("destination", models.CharField(max_length=200)),
                ("county", models.CharField(blank=True, max_length=300)),
                ("fiscal_year", models.PositiveSmallIntegerField()),
                ("valid_from", models.DateField()),
                ("valid_to", models.DateField()),
                (
                    "currency",
                    models.CharField(default="USD", max_length=3, validators=[accounts.validators.validate_currency]),
                ),
                ("lodging", models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True)),
                ("meals_and_incidentals", models.DecimalField(decimal_places=2, max_digits=12)),
                ("breakfast", models.DecimalField(decimal_places=2, max_digits=12)),
                ("lunch", models.DecimalField(decimal_places=2, max_digits=12)),
                ("dinner", models.DecimalField(decimal_places=2, max_digits=12)),
                ("incidentals", models.DecimalField(decimal_places=2, max_digits=12)),
                (
                    "source",
                    models.CharField(blank=True, help_text="The file the rate was loaded from.", max_length=200),
                ),
                ("loaded_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "ordering": ["location_key", "valid_from"],
                "indexes": [models.Index(fields=["location_key", "valid_from"], name="expenses_perdiemrate_lookup")],
                "constraints": [
                    models.UniqueConstraint(fields=("location_key", "valid_from"), name="expenses_perdiemrate_period"),
                    models.CheckConstraint(
                        condition=models.Q(("valid_to__gte", models.F("valid_from"))),
                        name="expenses_perdiemrate_in_order",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("meals_and_incidentals__gt", 0)), name="expenses_perdiemrate_mie_positive"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "meals_and_incidentals",
                                django.db.models.expressions.CombinedExpression(
                                    django.db.models.expressions.CombinedExpression(
                                        django.db.models.expressions.CombinedExpression(
                                            models.F("breakfast"), "+", models.F("lunch")
                                        ),
                                        "+",
                                        models.F("dinner"),
                                    ),
                                    "+",
                                    models.F("incidentals"),
                                ),
                            )
                        ),
                        name="expenses_perdiemrate_breakdown_adds_up",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Trip",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "name",
                    models.CharField(help_text="What you call the trip, e.g. 'Boston sales week'.", max_length=120),
                ),
                ("purpose", models.TextField(blank=True)),
                ("start_date", models.DateField()),
                ("end_date", models.DateField()),
                ("city", models.CharField(max_length=100)),
                (
                    "region",
                    models.CharField(
                        blank=True, help_text="State or region (two letters for a U.S. state).", max_length=100
                    ),
                ),
                ("country", models.CharField(default="US", help_text="ISO 3166 country code.", max_length=2)),
                (
                    "per_diem_location",
                    models.CharField(
                        blank=True,
                        help_text="The per-diem rate area, e.g. 'MA/Boston'; found from the city and state when empty.",
                        max_length=160,
                    ),
                ),
                ("timezone", models.CharField(max_length=64, validators=[accounts.validators.validate_timezone])),
                ("starts_at", models.DateTimeField(editable=False)),
                ("ends_at", models.DateTimeField(editable=False)),
                ("version", models.PositiveIntegerField(default=1)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="trips", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "ordering": ["-start_date", "-id"],
            },
        ),
        migrations.CreateModel(
            name="TripMealsProvided",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("date", models.DateField()),
                ("breakfast", models.BooleanField(default=False)),
                ("lunch", models.BooleanField(default=False)),
                ("dinner", models.BooleanField(default=False)),
                (
                    "trip",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="meals_provided", to="expenses.trip"
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "trip meals provided",
                "ordering": ["date"],
            },
        ),
        migrations.AddConstraint(
            model_name="mealtemplate",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount__gt", 0)), name="expenses_mealtemplate_amount_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="mealtemplate",
            constraint=models.CheckConstraint(
                condition=models.Q(("party_size__gte", 1), ("party_size__lte", 50)),
                name="expenses_mealtemplate_party_size_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="mealtemplate",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("repeat", ""),
                    models.Q(("starts_on__isnull", False), ("time_of_day__isnull", False)),
                    _connector="OR",
                ),
                name="expenses_mealtemplate_schedule_complete",
            ),
        ),
        migrations.AddIndex(
            model_name="pendingmeal",
            index=models.Index(fields=["owner", "status", "occurred_at"], name="expenses_pendingmeal_todo"),
        ),
        migrations.AddConstraint(
            model_name="pendingmeal",
            constraint=models.UniqueConstraint(
                fields=("template", "occurs_on"), name="expenses_pendingmeal_one_per_day"
            ),
        ),
        migrations.AddIndex(
            model_name="trip",
            index=models.Index(fields=["owner", "-start_date"], name="expenses_trip_owner_start"),
        ),
        migrations.AddConstraint(
            model_name="trip",
            constraint=models.CheckConstraint(
                condition=models.Q(("end_date__gte", models.F("start_date"))), name="expenses_trip_dates_in_order"
            ),
        ),
        migrations.AddConstraint(
            model_name="trip",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_at__gt", models.F("starts_at"))), name="expenses_trip_bounds_in_order"
            ),
        ),
        migrations.AddConstraint(
            model_name="tripmealsprovided",
            constraint=models.UniqueConstraint(fields=("trip", "date"), name="expenses_tripmealsprovided_day"),
        ),
    ]
