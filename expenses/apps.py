from django.apps import AppConfig


class ExpensesConfig(AppConfig):
    name = "expenses"
    verbose_name = "Expenses"

    def ready(self):
        from expenses import signals  # noqa: F401 - connects the default-category hook
