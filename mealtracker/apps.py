from django.apps import AppConfig


class MealtrackerConfig(AppConfig):
    name = "mealtracker"
    verbose_name = "Meal Expense Tracker"

    def ready(self):
        from mealtracker.heap import freeze_after_first_request

        freeze_after_first_request()

        from mealtracker import tracing

        tracing.install()  # X-Ray and Sentry, when the settings ask for them
