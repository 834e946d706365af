from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and teams"

    def ready(self):
        from django.conf import settings

        if settings.ON_LAMBDA:  # the API Gateway WebSocket API's routes run in the same function
            from accounts.ws_lambda import register_routes

            register_routes()
