"""Demo data for attendees: Bob's latest personal dinner becomes a business dinner with Alice (a colleague) and a
client, sent for approval; the approver's card shows who was there and what is still missing. Idempotent: a
dinner Bob already has with the client is kept."""

import datetime

from django.db import transaction

from accounts.models import User
from expenses.choices import MealType
from expenses.models import Attendee, Expense
from expenses.services import expense_submit, expense_update

CLIENT = {"name": "Priya Shah", "company": "Globex", "relationship": "client"}
PURPOSE = "Renewal dinner with Globex"


@transaction.atomic
def seed_attendee_demo(bob: User, alice: User, *, now: datetime.datetime) -> None:
    """Alice and the Globex client named at Bob's dinner, one more person at the table left unnamed."""
    if Attendee.objects.filter(expense__owner=bob, company=CLIENT["company"]).exists():
        return
    personal = Expense.objects.filter(owner=bob, is_business=False, occurred_at__lte=now)
    personal = personal.order_by("-occurred_at", "-id")
    dinner = personal.filter(meal_type=MealType.DINNER).first() or personal.first()
    if dinner is None:
        return
    dinner = expense_update(
        expense=dinner, actor=bob, meal_type=MealType.DINNER, is_business=True, business_purpose=PURPOSE,
        attendees=[alice, CLIENT], party_size=4,
    )  # fmt: skip
    expense_submit(expense=dinner, actor=bob, comment="Globex renewal")
