"""Merging duplicate restaurants: tick two or more of yours, choose the one to keep (restaurant_merge does the rest)."""

from http import HTTPStatus

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from expenses import services
from expenses.page_selectors import restaurants_with_stats
from mealtracker.errors import DomainError
from mealtracker.web import user_page

PAGE_LIMIT = 500  # restaurants listed at once; a search narrows a longer list


@user_page
@require_http_methods(["GET", "POST"])
def restaurant_merge(request):
    source = request.POST if request.method == "POST" else request.GET
    chosen = source.getlist("restaurants")
    keep = source.get("keep", "")
    error = None
    if request.method == "POST":
        try:
            done = services.restaurant_merge(owner=request.user, restaurant_ids=chosen, keep_id=keep)
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request,
                f"{done.merged + 1} restaurants are now {done.kept.display_name}; "
                f"{sum(done.moved.values())} record(s) moved, the old names kept as aliases.",
            )
            return redirect("restaurant_detail", pk=done.kept.pk)
    search = request.GET.get("q", "").strip()
    restaurants = list(restaurants_with_stats(request.user, search=search)[:PAGE_LIMIT])
    context = {
        "restaurants": restaurants,
        "chosen": set(chosen),
        "keep": keep,
        "search": search,
        "error": error,
    }
    status = HTTPStatus.BAD_REQUEST if error else HTTPStatus.OK
    return render(request, "expenses/restaurant_merge.html", context, status=status)
