"""Writes and business rules for expenses. Views, API, admin and commands call these, never the ORM."""

from expenses.services.approvals import expense_approve, expense_reimburse, expense_reject, expense_submit
from expenses.services.catalog import (
    categories_create_defaults,
    category_create,
    category_delete,
    category_update,
    normalise_tag_name,
    tag_create,
    tag_delete,
    tag_update,
    tags_resolve,
)
from expenses.services.currency import convert_to_reporting
from expenses.services.expenses import expense_create, expense_delete, expense_update
from expenses.services.restaurants import (
    RestaurantDraftsRefused,
    restaurant_check,
    restaurant_create,
    restaurant_delete,
    restaurant_merge,
    restaurant_update,
    restaurants_resolve,
)
from expenses.services.validation import validation_error_to_domain

__all__ = [
    "RestaurantDraftsRefused",
    "categories_create_defaults",
    "category_create",
    "category_delete",
    "category_update",
    "convert_to_reporting",
    "expense_approve",
    "expense_create",
    "expense_delete",
    "expense_reimburse",
    "expense_reject",
    "expense_submit",
    "expense_update",
    "normalise_tag_name",
    "restaurant_check",
    "restaurant_create",
    "restaurant_delete",
    "restaurant_merge",
    "restaurant_update",
    "restaurants_resolve",
    "tag_create",
    "tag_delete",
    "tag_update",
    "tags_resolve",
    "validation_error_to_domain",
]
