"""Categories and tags: the things a user files expenses under (restaurants: services/restaurants.py)."""

import re

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from accounts.models import User
from expenses.choices import DEFAULT_CATEGORIES
from expenses.models import Category, Expense, Tag
from expenses.services.history import expenses_update_recorded
from expenses.services.validation import full_clean_or_raise
from mealtracker.errors import Conflict, DomainError


def _squash(text: str | None) -> str:
    return " ".join((text or "").split())


def categories_create_defaults(*, owner: User) -> list[Category]:
    """The seven default categories; existing names are left alone, so it can run again."""
    existing = {name.lower() for name in Category.objects.filter(owner=owner).values_list("name", flat=True)}
    missing = [
        Category(owner=owner, name=name, color=color, icon=icon, is_default=True)
        for name, color, icon in DEFAULT_CATEGORIES
        if name.lower() not in existing
    ]
    return Category.objects.bulk_create(missing)


def save_unique(instance, message: str, field: str):
    """Save, turning a race on a unique constraint into a 409 that names the field."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise Conflict(message, field=field, code="duplicate") from exc
    return instance


@transaction.atomic
def category_create(*, owner: User, name: str, color: str = "#6c757d", icon: str = "", description: str = ""):
    category = Category(owner=owner, name=_squash(name), color=color, icon=icon, description=description)
    full_clean_or_raise(category, exclude=["owner"])
    return save_unique(category, "You already have a category with this name.", "name")


@transaction.atomic
def category_update(*, category: Category, **fields) -> Category:
    for name, value in fields.items():
        if name not in {"name", "color", "icon", "description"}:
            raise DomainError(f"Unknown field {name}.", field=name)
        setattr(category, name, _squash(value) if name == "name" else value)
    full_clean_or_raise(category, exclude=["owner"])
    return save_unique(category, "You already have a category with this name.", "name")


@transaction.atomic
def category_delete(*, category: Category, reassign_to: Category | None = None, actor: User | None = None) -> int:
    """Delete a category, moving its expenses to `reassign_to` (or leaving them uncategorised)."""
    if reassign_to is not None and (reassign_to.owner_id != category.owner_id or reassign_to.pk == category.pk):
        raise DomainError("Choose another of your own categories.", field="reassign_to")
    moved = expenses_update_recorded(
        Expense.objects.filter(category=category), actor=actor or category.owner, category=reassign_to
    )
    category.delete()
    return moved


def normalise_tag_name(name: str) -> str:
    """'Client dinner!' -> 'Client-dinner': spaces become hyphens, only letters, digits and hyphens stay."""
    hyphenated = re.sub(r"\s+", "-", (name or "").strip())
    cleaned = re.sub(r"[^A-Za-z0-9-]", "", hyphenated)
    return re.sub(r"-{2,}", "-", cleaned).strip("-")


@transaction.atomic
def tag_create(*, owner: User, name: str, color: str = "#6c757d", description: str = "") -> Tag:
    tag = Tag(owner=owner, name=normalise_tag_name(name), color=color, description=description)
    if not tag.name:
        raise DomainError("A tag needs at least one letter or digit.", field="name")
    full_clean_or_raise(tag, exclude=["owner"])
    return save_unique(tag, "You already have this tag.", "name")


@transaction.atomic
def tag_update(*, tag: Tag, **fields) -> Tag:
    for name, value in fields.items():
        if name not in {"name", "color", "description"}:
            raise DomainError(f"Unknown field {name}.", field=name)
        setattr(tag, name, normalise_tag_name(value) if name == "name" else value)
    full_clean_or_raise(tag, exclude=["owner"])
    return save_unique(tag, "You already have this tag.", "name")


def tag_delete(*, tag: Tag) -> None:
    tag.delete()


def tags_resolve(*, owner: User, names: list[str]) -> list[Tag]:
    """The owner's tags for these names, creating the ones that do not exist yet (order kept)."""
    wanted: dict[str, str] = {}
    for raw in names:
        name = normalise_tag_name(raw)
        if name:
            wanted.setdefault(name.lower(), name)
    existing = {
        tag.name.lower(): tag
        for tag in Tag.objects.filter(owner=owner).annotate(key=Lower("name")).filter(key__in=wanted)
    }
    return [existing.get(key) or tag_create(owner=owner, name=name) for key, name in wanted.items()]
