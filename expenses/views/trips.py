"""Trip pages: the list, a trip's per-diem days, add, edit, delete and the meals provided on a day."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from expenses.per_diem_selectors import trip_per_diem
from expenses.services.trips import trip_create, trip_delete, trip_meals_provided_set, trip_update
from expenses.trip_forms import MealsProvidedForm, TripForm
from expenses.trip_selectors import can_edit_trip, trip_get, trips_owned_by
from mealtracker.errors import DomainError
from mealtracker.web import user_page


@user_page
@require_GET
def trip_list(request):
    trips = list(trips_owned_by(request.user).order_by("-start_date", "-id"))
    return render(request, "expenses/trip_list.html", {"trips": trips})


@user_page
@require_GET
def trip_detail(request, pk):
    trip = trip_get(user=request.user, pk=pk)
    per_diem = trip_per_diem(trip, viewer=request.user)
    return render(
        request,
        "expenses/trip_detail.html",
        {
            "trip": trip,
            "per_diem": per_diem,
            "can_edit": can_edit_trip(request.user, trip),
            "meals_url": f"{reverse('expense_list')}?trip={trip.pk}",
        },
    )


def _form_page(request, form, trip=None):
    return render(request, "expenses/trip_form.html", {"form": form, "trip": trip}, status=400 if form.errors else 200)


@user_page
@require_http_methods(["GET", "POST"])
def trip_create_page(request):
    form = TripForm(request.POST or None, initial={"country": "US"})
    if request.method == "POST" and form.is_valid():
        try:
            trip = trip_create(owner=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "Trip saved.")
            return redirect("trip_detail", pk=trip.pk)
    return _form_page(request, form)


def _own_trip(request, pk):
    trip = trip_get(user=request.user, pk=pk)
    if not can_edit_trip(request.user, trip):
        raise PermissionDenied("Only the traveller changes a trip.")
    return trip


@user_page
@require_http_methods(["GET", "POST"])
def trip_edit(request, pk):
    trip = _own_trip(request, pk)
    form = TripForm(request.POST or None, instance=trip)
    if request.method == "POST" and form.is_valid():
        try:
            trip_update(trip=trip, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "Changes saved.")
            return redirect("trip_detail", pk=trip.pk)
    return _form_page(request, form, trip)


@user_page
@require_http_methods(["GET", "POST"])
def trip_delete_page(request, pk):
    trip = _own_trip(request, pk)
    if request.method == "POST":
        trip_delete(trip=trip, actor=request.user)
        messages.success(request, "Trip deleted. Its meals are kept.")
        return redirect("trip_list")
    return render(request, "expenses/trip_confirm_delete.html", {"trip": trip})


@user_page
@require_POST
def trip_day_meals_provided(request, pk, day):
    trip = _own_trip(request, pk)
    try:
        date = datetime.date.fromisoformat(day)
    except ValueError as exc:
        raise Http404("No such day.") from exc
    form = MealsProvidedForm(request.POST)
    form.is_valid()
    try:
        trip_meals_provided_set(trip=trip, actor=request.user, date=date, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Meals provided on {date:%a %d %b} saved.")
    return redirect(f"{reverse('trip_detail', args=[trip.pk])}#day-{date.isoformat()}")
