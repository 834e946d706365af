"""Loyalty pages: your rewards programmes with your account in each (number masked), the merchants that earn in
them, and the CSV/JSON export and import. Writes go through expenses.services.loyalty."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from expenses.loyalty import selectors
from expenses.loyalty.forms import (
    MEMBERSHIP_FORM_FIELDS,
    LoyaltyImportForm,
    MembershipForm,
    MerchantLinkForm,
    RewardsProgramForm,
)
from expenses.loyalty.transfer import loyalty_export_file, loyalty_file_read, loyalty_import
from expenses.selectors import merchants_all
from expenses.services import loyalty as services
from mealtracker.errors import DomainError
from mealtracker.web import user_page


def _owned_program(request, pk):
    program = selectors.rewards_programs_owned_by(request.user).filter(pk=pk).first()
    if program is None:
        raise Http404("Programme not found.")
    return program


@user_page
@require_GET
def loyalty_list(request):
    programs = list(selectors.rewards_programs_owned_by(request.user))
    for program in programs:
        program.membership = next(iter(program.memberships.all()), None)
        program.links = sorted(program.merchant_links.all(), key=lambda link: link.merchant.name.lower())
    # The merchant picker of every card, read once.
    merchants = list(merchants_all().values_list("pk", "name")) if programs else []
    context = {"programs": programs, "merchants": merchants}
    return render(request, "expenses/loyalty/loyalty_list.html", context)


def _form_page(request, program=None):
    membership = next(iter(program.memberships.all()), None) if program else None
    masked = membership.account_number_masked if membership and membership.account_number else ""
    if program is not None and request.method != "POST":
        program_form = RewardsProgramForm(initial={f: getattr(program, f) for f in RewardsProgramForm.base_fields})
        initial = {f: getattr(membership, f) for f in MEMBERSHIP_FORM_FIELDS if f != "account_number"}
        account_form = MembershipForm(initial=initial if membership else {}, prefix="account", masked=masked)
    else:
        program_form = RewardsProgramForm(request.POST or None)
        account_form = MembershipForm(request.POST or None, prefix="account", masked=masked)
    if request.method == "POST" and program_form.is_valid() and account_form.is_valid():
        try:
            saved = services.rewards_program_save(
                owner=request.user,
                program=program,
                program_fields=program_form.cleaned_data,
                membership_fields=account_form.cleaned_data,
            )
        except DomainError as exc:
            form = account_form if exc.field in account_form.fields else program_form
            form.add_domain_error(exc)
        else:
            messages.success(request, f"{saved.name} saved.")
            return redirect("loyalty_list")
    context = {"program": program, "program_form": program_form, "account_form": account_form}
    status = 400 if program_form.errors or account_form.errors else 200
    return render(request, "expenses/loyalty/loyalty_form.html", context, status=status)


@user_page
@require_http_methods(["GET", "POST"])
def loyalty_create(request):
    return _form_page(request)


@user_page
@require_http_methods(["GET", "POST"])
def loyalty_edit(request, pk):
    return _form_page(request, _owned_program(request, pk))


@user_page
@require_http_methods(["GET", "POST"])
def loyalty_delete(request, pk):
    program = _owned_program(request, pk)
    if request.method == "POST":
        services.rewards_program_delete(program=program)
        messages.success(request, f"{program.name} deleted with its account and merchant links.")
        return redirect("loyalty_list")
    return render(request, "expenses/loyalty/loyalty_confirm_delete.html", {"program": program})


@user_page
@require_POST
def loyalty_link(request, pk):
    program = _owned_program(request, pk)
    form = MerchantLinkForm(request.POST)
    if form.is_valid():
        merchant = form.cleaned_data["merchant"]
        services.merchant_rewards_link_set(owner=request.user, merchant=merchant, program=program)
        messages.success(request, f"{merchant.name} now earns in {program.name}.")
    else:
        messages.error(request, "Choose a merchant from the catalogue.")
    return redirect("loyalty_list")


@user_page
@require_POST
def loyalty_unlink(request, pk):
    link = selectors.merchant_rewards_links_owned_by(request.user).filter(pk=pk).first()
    if link is None:
        raise Http404("Link not found.")
    services.merchant_rewards_link_delete(link=link)
    messages.success(request, f"{link.merchant.name} no longer linked to {link.program.name}.")
    return redirect("loyalty_list")


@user_page
@require_GET
def loyalty_export(request):
    file_format = request.GET.get("file_format", "csv")
    numbers = request.GET.get("account_numbers") == "1"
    try:
        text, content_type = loyalty_export_file(request.user, file_format=file_format, include_account_numbers=numbers)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    response = HttpResponse(text, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="loyalty.{file_format}"'
    response["Cache-Control"] = "private, no-store"
    return response


@user_page
@require_http_methods(["GET", "POST"])
def loyalty_import_page(request):
    form = LoyaltyImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document, csv_text = loyalty_file_read(form.cleaned_data["file"])
            summary = loyalty_import(request.user, document=document, csv_text=csv_text)
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(
                request,
                f"{summary.programs_created} programme(s) added, {summary.programs_updated} updated, "
                f"{summary.links_saved} merchant link(s).",
            )
            for warning in summary.warnings:
                messages.warning(request, warning)
            return redirect("loyalty_list")
    status = 400 if form.errors else 200
    return render(request, "expenses/loyalty/loyalty_import.html", {"form": form}, status=status)
