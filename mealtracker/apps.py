from django.apps import AppConfig


class MealtrackerConfig(AppConfig):
    name = "mealtracker"
    verbose_name = "Meal Expense Tracker"
