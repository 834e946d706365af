"""The merchant link review page: suggested links to catalogue brands to apply, and existing links to undo."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from expenses.merchant_selectors import merchant_link_suggestions
from expenses.page_selectors import restaurants_linked_to_merchants
from expenses.services.merchant_links import merchant_link_apply
from mealtracker.errors import DomainError
from mealtracker.web import user_page


def _pairs(values) -> list[tuple[int, int]]:
    pairs = []
    for value in values:
        restaurant, _, merchant = value.partition(":")
        if restaurant.isdigit() and merchant.isdigit():
            pairs.append((int(restaurant), int(merchant)))
    return pairs


@user_page
@require_http_methods(["GET", "POST"])
def merchant_link_review(request):
    """GET: suggestions and current links. POST `link` ("restaurant:merchant", many) or `unlink` (a restaurant)."""
    if request.method == "POST":
        links = _pairs(request.POST.getlist("link"))
        unlink = request.POST.get("unlink", "")
        if unlink.isdigit():
            links.append((int(unlink), None))
        try:
            changed = merchant_link_apply(actor=request.user, links=links)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{changed} restaurant{'s' if changed != 1 else ''} updated.")
        return redirect("merchant_link_review")
    return render(
        request,
        "expenses/merchant_links.html",
        {
            "suggestions": merchant_link_suggestions(request.user),
            "linked": restaurants_linked_to_merchants(request.user),
        },
    )
