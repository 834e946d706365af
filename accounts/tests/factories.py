import factory

from accounts.models import RealtimeConnection, Role, Team, User

TEST_PASSWORD = "Correct-horse-battery-9"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Faker("name")
    role = Role.MEMBER
    timezone = "UTC"
    default_currency = "USD"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save(update_fields=["password"])


class ManagerFactory(UserFactory):
    role = Role.MANAGER


class AdminFactory(UserFactory):
    role = Role.ADMIN


class FinanceFactory(UserFactory):
    role = Role.FINANCE


class AuditorFactory(UserFactory):
    role = Role.AUDITOR


class RealtimeConnectionFactory(factory.django.DjangoModelFactory):
    """A user's open socket on the API Gateway WebSocket API."""

    class Meta:
        model = RealtimeConnection

    connection_id = factory.Sequence(lambda n: f"Conn{n:04d}Id=")
    user = factory.SubFactory(UserFactory)
