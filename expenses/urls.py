"""Web UI routes of the expenses app."""

from django.urls import path

from expenses.views import approvals, catalog, dashboard, expenses, merchants, nearby, places, receipts, restaurants

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("expenses/", expenses.expense_list, name="expense_list"),
    path("expenses/calendar/", expenses.expense_calendar, name="expense_calendar"),
    path("expenses/new/", expenses.expense_create, name="expense_create"),
    path("expenses/usual-category/", expenses.usual_category, name="usual_category"),
    path("expenses/<int:pk>/", expenses.expense_detail, name="expense_detail"),
    path("expenses/<int:pk>/edit/", expenses.expense_edit, name="expense_edit"),
    path("expenses/<int:pk>/delete/", expenses.expense_delete, name="expense_delete"),
    path("expenses/<int:pk>/submit/", expenses.expense_submit, name="expense_submit"),
    path("expenses/<int:pk>/receipts/", expenses.receipt_add, name="receipt_add"),
    path("expenses/receipt-prefill/", receipts.receipt_prefill, name="receipt_prefill"),
    path("expenses/<int:pk>/receipts/<int:receipt_pk>/", receipts.receipt_file, name="receipt_file"),
    path("expenses/<int:pk>/receipts/<int:receipt_pk>/read/", receipts.receipt_read_now, name="receipt_read"),
    path("expenses/<int:pk>/receipts/<int:receipt_pk>/remove/", receipts.receipt_remove, name="receipt_remove"),
    path(
        "expenses/<int:pk>/receipts/<int:receipt_pk>/mismatches/<slug:field>/<str:decision>/",
        receipts.receipt_mismatch_decide,
        name="receipt_mismatch_decide",
    ),
    path("expenses/<int:pk>/approve/", approvals.expense_approve, name="expense_approve"),
    path("expenses/<int:pk>/reject/", approvals.expense_reject, name="expense_reject"),
    path("team/approvals/", approvals.approval_queue, name="approval_queue"),
    path("team/approvals/approve/", approvals.approvals_approve_selected, name="approvals_approve_selected"),
    path("team/expenses/", approvals.team_expense_list, name="team_expense_list"),
    path("restaurants/", restaurants.restaurant_list, name="restaurant_list"),
    path("restaurants/new/", restaurants.restaurant_create, name="restaurant_create"),
    path("restaurants/options/", restaurants.restaurant_options, name="restaurant_options"),
    path("restaurants/from-google/", places.place_add_from_search, name="place_add_from_search"),
    path("restaurants/near/", nearby.restaurants_near_me, name="restaurants_near_me"),
    path("restaurants/brands/", merchants.merchant_link_review, name="merchant_link_review"),
    path("restaurants/<int:pk>/check/", places.restaurant_check_against_place, name="restaurant_check"),
    path("restaurants/<int:pk>/", restaurants.restaurant_detail, name="restaurant_detail"),
    path("restaurants/<int:pk>/edit/", restaurants.restaurant_edit, name="restaurant_edit"),
    path("restaurants/<int:pk>/delete/", restaurants.restaurant_delete, name="restaurant_delete"),
    path("categories/", catalog.category_list, name="category_list"),
    path("categories/<int:pk>/edit/", catalog.category_edit, name="category_edit"),
    path("categories/<int:pk>/delete/", catalog.category_delete, name="category_delete"),
    path("tags/", catalog.tag_create, name="tag_create"),
    path("tags/<int:pk>/edit/", catalog.tag_edit, name="tag_edit"),
    path("tags/<int:pk>/delete/", catalog.tag_delete, name="tag_delete"),
]
