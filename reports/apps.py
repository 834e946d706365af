from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports and budgets"

    def ready(self):
        from reports import signals  # noqa: F401 - connects the over-policy flag to new expenses
