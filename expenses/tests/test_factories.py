import pytest

from accounts.tests import factories as account_factories
from expenses.tests import factories

ALL_FACTORIES = [
    account_factories.TeamFactory,
    account_factories.UserFactory,
    account_factories.ManagerFactory,
    account_factories.AdminFactory,
    factories.MerchantFactory,
    factories.CategoryFactory,
    factories.TagFactory,
    factories.RestaurantFactory,
    factories.ExpenseFactory,
    factories.ExpenseTagFactory,
    factories.ReceiptFactory,
    factories.ApprovalEventFactory,
    factories.ExchangeRateFactory,
]


@pytest.mark.django_db
@pytest.mark.parametrize("factory", ALL_FACTORIES, ids=lambda f: f.__name__)
def test_factory_builds_a_valid_saved_row(factory):
    instance = factory()
    instance.refresh_from_db()
    instance.full_clean()
