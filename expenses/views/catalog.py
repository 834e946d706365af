"""Categories and tags: list, create, rename and recolour, delete (categories move their expenses)."""

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from expenses import services
from expenses.forms import CategoryDeleteForm, CategoryForm, TagForm
from expenses.selectors import categories_owned_by, tags_owned_by
from mealtracker.errors import DomainError
from mealtracker.web import user_page


def _owned(queryset, pk):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404("Not found.")
    return found


def _catalog_page(request, category_form, tag_form, status=200):
    context = {
        "categories": categories_owned_by(request.user).annotate(uses=Count("expenses")),
        "tags": tags_owned_by(request.user).annotate(uses=Count("expenses")),
        "category_form": category_form,
        "tag_form": tag_form,
    }
    return render(request, "expenses/catalog.html", context, status=status)


@user_page
@require_http_methods(["GET", "POST"])
def category_list(request):
    """Categories and tags on one page; the POST creates a category."""
    form = CategoryForm(request.POST or None, prefix="category")
    if request.method == "POST" and form.is_valid():
        try:
            category = services.category_create(owner=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"Category {category.name} added.")
            return redirect("category_list")
    return _catalog_page(request, form, TagForm(prefix="tag"), status=400 if form.errors else 200)


@user_page
@require_http_methods(["POST"])
def tag_create(request):
    form = TagForm(request.POST, prefix="tag")
    if form.is_valid():
        try:
            tag = services.tag_create(owner=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"Tag {tag.name} added.")
            return redirect("category_list")
    return _catalog_page(request, CategoryForm(prefix="category"), form, status=400)


@user_page
@require_http_methods(["GET", "POST"])
def category_edit(request, pk):
    category = _owned(categories_owned_by(request.user), pk)
    initial = {"name": category.name, "color": category.color, "description": category.description}
    form = CategoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_update(category=category, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "Category saved.")
            return redirect("category_list")
    context = {"form": form, "object": category, "kind": "category"}
    return render(request, "expenses/catalog_edit.html", context, status=400 if form.errors else 200)


@user_page
@require_http_methods(["GET", "POST"])
def category_delete(request, pk):
    category = _owned(categories_owned_by(request.user), pk)
    form = CategoryDeleteForm(request.POST or None, category=category)
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.category_delete(category=category, reassign_to=form.cleaned_data["reassign_to"])
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"Category deleted; {moved} expense(s) moved.")
            return redirect("category_list")
    context = {"form": form, "object": category, "kind": "category", "uses": category.expenses.count()}
    return render(request, "expenses/catalog_delete.html", context, status=400 if form.errors else 200)


@user_page
@require_http_methods(["GET", "POST"])
def tag_edit(request, pk):
    tag = _owned(tags_owned_by(request.user), pk)
    form = TagForm(request.POST or None, initial={"name": tag.name, "color": tag.color})
    if request.method == "POST" and form.is_valid():
        try:
            services.tag_update(tag=tag, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "Tag saved.")
            return redirect("category_list")
    context = {"form": form, "object": tag, "kind": "tag"}
    return render(request, "expenses/catalog_edit.html", context, status=400 if form.errors else 200)


@user_page
@require_http_methods(["GET", "POST"])
def tag_delete(request, pk):
    tag = _owned(tags_owned_by(request.user), pk)
    if request.method == "POST":
        services.tag_delete(tag=tag)
        messages.success(request, f"Tag {tag.name} deleted; the expenses keep their other tags.")
        return redirect("category_list")
    context = {"form": None, "object": tag, "kind": "tag", "uses": tag.expenses.count()}
    return render(request, "expenses/catalog_delete.html", context)
