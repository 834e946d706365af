"""Field options shared by the expense models."""

from django.core.validators import RegexValidator

MONEY = {"max_digits": 12, "decimal_places": 2}
validate_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a hex colour such as #1a2b3c.")
