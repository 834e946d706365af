from http import HTTPStatus

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse

from accounts.models import Role, User
from accounts.services import user_create
from accounts.tests.factories import TEST_PASSWORD, UserFactory
from mealtracker.errors import DomainError

pytestmark = pytest.mark.django_db


def test_email_login_ignores_case(rf):
    UserFactory(email="alice@example.com")
    user = authenticate(rf.post("/"), username="Alice@Example.COM", password=TEST_PASSWORD)
    assert user is not None
    assert user.email == "alice@example.com"


def test_emails_are_stored_lower_case():
    user = user_create(email="  Bob@Example.com ", password=TEST_PASSWORD)
    assert user.email == "bob@example.com"


def test_same_email_in_other_case_is_refused():
    user_create(email="carol@example.com", password=TEST_PASSWORD)
    with pytest.raises(DomainError) as error:
        user_create(email="CAROL@example.com", password=TEST_PASSWORD)
    assert error.value.field == "email"


@pytest.mark.parametrize("password", ["short1!", "password123", "1234567890123", "dave@example.com"])
def test_weak_passwords_are_refused_by_the_validators(password):
    with pytest.raises(DomainError) as error:
        user_create(email="dave@example.com", password=password)
    assert error.value.field == "password"
    assert not User.objects.exists()


def test_unknown_timezone_is_refused_on_its_field():
    with pytest.raises(DomainError) as error:
        user_create(email="erin@example.com", password=TEST_PASSWORD, timezone="Mars/Olympus")
    assert error.value.field == "timezone"


def test_unknown_currency_is_refused_on_its_field():
    with pytest.raises(DomainError) as error:
        user_create(email="erin@example.com", password=TEST_PASSWORD, default_currency="ABC")
    assert error.value.field == "default_currency"


@pytest.mark.parametrize(
    ("role", "staff", "superuser"), [(Role.MEMBER, False, False), (Role.MANAGER, True, False), (Role.ADMIN, True, True)]
)
def test_admin_access_follows_the_role(role, staff, superuser):
    user = UserFactory(role=role)
    assert (user.is_staff, user.is_superuser) == (staff, superuser)


def test_manager_holds_only_review_permissions():
    manager = UserFactory(role=Role.MANAGER)
    assert manager.has_perm("expenses.approve_expense")
    assert manager.has_perm("expenses.view_expense")
    assert not manager.has_perm("expenses.change_expense")
    assert not manager.has_perm("accounts.change_user")


def test_inactive_admin_has_no_permissions():
    admin = UserFactory(role=Role.ADMIN, is_active=False)
    assert not admin.has_perm("expenses.view_expense")


def test_createsuperuser_makes_an_admin():
    user = User.objects.create_superuser(email="Root@Example.com", password=TEST_PASSWORD)
    assert (user.role, user.email, user.is_superuser) == (Role.ADMIN, "root@example.com", True)


def test_admin_can_add_a_user_in_the_back_office(web_client_for, site_admin, team_a):
    response = web_client_for(site_admin).post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Person@example.com",
            "role": Role.MEMBER,
            "team": team_a.pk,
            "password1": TEST_PASSWORD,
            "password2": TEST_PASSWORD,
            "usable_password": "true",
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    user = User.objects.get(email="new.person@example.com")
    assert user.team == team_a
    assert user.check_password(TEST_PASSWORD)
    assert user.categories.count() == 7
