"""Permission-matrix rows for the expenses API (format: mealtracker/tests/test_api_permission_matrix.py)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mealtracker.tests.api_matrix import Row

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SIGNED_IN_200 = (401, 200, 200, 200, 200, 200)
SIGNED_IN_201 = (401, 201, 201, 201, 201, 201)
# Member's own object that only they see (restaurants, categories, tags are personal; admins do not browse them).
OWN_ONLY_200 = (401, 200, 404, 404, 404, 404)
OWN_ONLY_204 = (401, 204, 404, 404, 404, 404)
# Member's expense: the team's manager and admins read it; only the member (or an admin) changes it.
EXPENSE_READ = (401, 200, 404, 200, 404, 200)
EXPENSE_EDIT = (401, 200, 404, 403, 404, 200)
EXPENSE_DELETE = (401, 204, 404, 403, 404, 204)
# Decisions: the member's manager or an admin; the member may see but not decide.
REVIEW = (401, 403, 404, 200, 404, 200)
ADMIN_WRITES = (401, 403, 403, 403, 403)


def _yesterday():
    return (timezone.now() - datetime.timedelta(days=1)).isoformat()


def _new_expense(world):
    return {"amount": "12.50", "occurred_at": _yesterday()}


def _pk(attribute):
    return lambda w: {"pk": getattr(w, attribute).pk}


def _business(status):
    return lambda w: {"pk": w.business_expense(status).pk}


def _receipt_upload(world):
    return {"expense": world.expense.pk, "file": SimpleUploadedFile("lunch.png", PNG, content_type="image/png")}


def _direct_upload_request(world):
    return {"expense": world.expense.pk, "content_type": "image/png", "size": 2048}


def _direct_upload_done(world):
    """The member's upload, already in the bucket: only the member may turn it into a receipt."""
    import io

    import boto3
    from django.conf import settings
    from PIL import Image

    from expenses.services.receipt_uploads import receipt_upload_begin

    form = receipt_upload_begin(expense=world.expense, actor=world.member, content_type="image/png", size=2048)
    image = io.BytesIO()
    Image.new("RGB", (8, 8)).save(image, format="PNG")
    boto3.client("s3").put_object(Bucket=settings.RECEIPTS_BUCKET, Key=form["key"], Body=image.getvalue())
    return {"expense": world.expense.pk, "key": form["key"], "original_name": "lunch.png"}


ROWS = [
    Row("expenses_api:expense-list", "get", SIGNED_IN_200),
    Row("expenses_api:expense-list", "post", SIGNED_IN_201, data=_new_expense),
    Row("expenses_api:expense-detail", "get", EXPENSE_READ, kwargs=_pk("expense")),
    Row("expenses_api:expense-detail", "patch", EXPENSE_EDIT, kwargs=_pk("expense"), data={"notes": "Team lunch"}),
    Row("expenses_api:expense-detail", "delete", EXPENSE_DELETE, kwargs=_pk("expense")),
    Row("expenses_api:expense-submit", "post", (401, 200, 404, 403, 404, 403), kwargs=_business("draft")),
    Row("expenses_api:expense-approve", "post", REVIEW, kwargs=_business("submitted")),
    Row("expenses_api:expense-reject", "post", REVIEW, kwargs=_business("submitted"), data={"comment": "No receipt."}),
    Row("expenses_api:expense-reimburse", "post", REVIEW, kwargs=_business("approved")),
    Row("expenses_api:expense-events", "get", EXPENSE_READ, kwargs=_business("submitted")),
    Row("expenses_api:colleague-list", "get", SIGNED_IN_200),
    Row("expenses_api:restaurant-list", "get", SIGNED_IN_200),
    Row("expenses_api:restaurant-list", "post", SIGNED_IN_201, data={"name": "Chez Matrix", "city": "Paris"}),
    Row("expenses_api:restaurant-detail", "get", OWN_ONLY_200, kwargs=_pk("restaurant")),
    Row("expenses_api:restaurant-detail", "patch", OWN_ONLY_200, kwargs=_pk("restaurant"), data={"rating": 4}),
    Row("expenses_api:restaurant-detail", "delete", OWN_ONLY_204, kwargs=_pk("restaurant")),
    Row("expenses_api:category-list", "get", SIGNED_IN_200),
    Row("expenses_api:category-list", "post", SIGNED_IN_201, data={"name": "Client meals"}),
    Row("expenses_api:category-detail", "get", OWN_ONLY_200, kwargs=_pk("category")),
    Row("expenses_api:category-detail", "patch", OWN_ONLY_200, kwargs=_pk("category"), data={"icon": "star"}),
    Row("expenses_api:category-detail", "delete", OWN_ONLY_204, kwargs=_pk("category")),
    Row("expenses_api:tag-list", "get", SIGNED_IN_200),
    Row("expenses_api:tag-list", "post", SIGNED_IN_201, data={"name": "client dinner"}),
    Row("expenses_api:tag-detail", "get", OWN_ONLY_200, kwargs=_pk("tag")),
    Row("expenses_api:tag-detail", "patch", OWN_ONLY_200, kwargs=_pk("tag"), data={"color": "#112233"}),
    Row("expenses_api:tag-detail", "delete", OWN_ONLY_204, kwargs=_pk("tag")),
    Row("expenses_api:merchant-list", "get", SIGNED_IN_200),
    Row("expenses_api:merchant-list", "post", (*ADMIN_WRITES, 201), data={"name": "New Chain"}),
    Row("expenses_api:merchant-detail", "get", SIGNED_IN_200, kwargs=_pk("merchant")),
    Row("expenses_api:merchant-detail", "patch", (*ADMIN_WRITES, 200), kwargs=_pk("merchant"), data={"is_chain": 0}),
    Row("expenses_api:merchant-detail", "delete", (*ADMIN_WRITES, 204), kwargs=_pk("merchant")),
    Row("expenses_api:receipt-list", "get", SIGNED_IN_200),
    # Someone else's expense is a 400 on the `expense` field; the manager sees it but may not attach to it.
    Row("expenses_api:receipt-list", "post", (401, 201, 400, 403, 400, 201), data=_receipt_upload, format="multipart"),
    # Direct uploads (presigned POST to S3): who may attach to the expense; a staged upload is its uploader's only.
    Row("expenses_api:receipt-upload-start", "post", (401, 201, 400, 403, 400, 201), data=_direct_upload_request),
    Row("expenses_api:receipt-upload-complete", "post", (401, 201, 400, 403, 400, 400), data=_direct_upload_done),
    Row("expenses_api:receipt-detail", "get", EXPENSE_READ, kwargs=_pk("receipt")),
    Row("expenses_api:receipt-detail", "delete", EXPENSE_DELETE, kwargs=_pk("receipt")),
    Row("expenses_api:receipt-download", "get", EXPENSE_READ, kwargs=_pk("receipt")),
]  # fmt: skip

# Receipt reading (expenses/api/receipt_reading.py): whoever may see the receipt (OCR is off in these tests).
ROWS += [
    Row("expenses_api:receipt-prefill", "get", EXPENSE_READ, kwargs=_pk("receipt")),
    Row("expenses_api:receipt-mismatches", "get", EXPENSE_READ, kwargs=_pk("receipt")),
]  # fmt: skip

# Google places (expenses/api/places.py), against the recorded fake Places server: anyone signed in; a place
# added becomes the caller's own restaurant.
GOLDEN_SPOON = "ChIJgoldenspoon0001"
ROWS += [
    Row("expenses_api:place-search", "get", SIGNED_IN_200, data={"query": "golden spoon"}),
    Row("expenses_api:place-detail", "get", SIGNED_IN_200, kwargs={"place_id": GOLDEN_SPOON}),
    Row("expenses_api:place-add", "post", SIGNED_IN_201, kwargs={"place_id": GOLDEN_SPOON}),
]  # fmt: skip


# Trips, favourites and recurring meals to confirm (expenses/api/trips.py). A trip is its owner's; a manager reads
# a team member's trip once it holds a submitted business meal ("claimed"), and never changes it.
OWNER_AND_ADMIN_200 = (401, 200, 404, 404, 404, 200)
OWNER_AND_ADMIN_204 = (401, 204, 404, 404, 404, 204)
OWN_ONLY_201 = (401, 201, 404, 404, 404, 404)


def _trip(world):
    from expenses.tests.trip_factories import TripFactory

    return {"pk": TripFactory(owner=world.member).pk}


def _claimed_trip(world):
    from expenses.tests.factories import ExpenseFactory
    from expenses.tests.trip_factories import TripFactory

    trip = TripFactory(owner=world.member)
    ExpenseFactory(owner=world.member, business=True, status="submitted", occurred_at=trip.starts_at)
    return {"pk": trip.pk}


def _new_trip(world):
    return {"name": "Matrix trip", "start_date": "2026-03-10", "end_date": "2026-03-12", "city": "Boston",
            "region": "MA"}  # fmt: skip


def _favourite(world):
    from expenses.tests.trip_factories import MealTemplateFactory

    return {"pk": MealTemplateFactory(owner=world.member).pk}


def _pending_meal(world):
    import datetime

    from expenses.models import PendingMeal
    from expenses.tests.trip_factories import MealTemplateFactory

    template = MealTemplateFactory(owner=world.member, repeat="daily", time_of_day=datetime.time(8),
                                   starts_on=datetime.date(2026, 1, 1))  # fmt: skip
    occurred_at = datetime.datetime(2026, 1, 2, 8, tzinfo=datetime.UTC)
    pending = PendingMeal.objects.create(template=template, owner=world.member, occurs_on=occurred_at.date(),
                                         occurred_at=occurred_at)  # fmt: skip
    return {"pk": pending.pk}


ROWS += [
    Row("expenses_api:trip-list", "get", SIGNED_IN_200),
    Row("expenses_api:trip-list", "post", SIGNED_IN_201, data=_new_trip),
    Row("expenses_api:trip-detail", "get", OWNER_AND_ADMIN_200, kwargs=_trip),
    Row("expenses_api:trip-detail", "get", EXPENSE_READ, kwargs=_claimed_trip, label="claimed"),
    Row("expenses_api:trip-detail", "patch", OWNER_AND_ADMIN_200, kwargs=_trip, data={"purpose": "Renewals"}),
    Row("expenses_api:trip-detail", "patch", EXPENSE_EDIT, kwargs=_claimed_trip, data={"purpose": "Renewals"},
        label="claimed"),
    Row("expenses_api:trip-detail", "delete", OWNER_AND_ADMIN_204, kwargs=_trip),
    Row("expenses_api:trip-per-diem", "get", OWNER_AND_ADMIN_200, kwargs=_trip),
    Row("expenses_api:trip-per-diem", "get", EXPENSE_READ, kwargs=_claimed_trip, label="claimed"),
    Row("expenses_api:trip-meals-provided", "post", OWNER_AND_ADMIN_200, kwargs=_trip,
        data={"date": "2026-03-11", "lunch": True}),
    Row("expenses_api:favourite-list", "get", SIGNED_IN_200),
    Row("expenses_api:favourite-list", "post", SIGNED_IN_201, data={"name": "Coffee", "amount": "4.50"}),
    Row("expenses_api:favourite-detail", "get", OWN_ONLY_200, kwargs=_favourite),
    Row("expenses_api:favourite-detail", "patch", OWN_ONLY_200, kwargs=_favourite, data={"amount": "4.75"}),
    Row("expenses_api:favourite-detail", "delete", OWN_ONLY_204, kwargs=_favourite),
    Row("expenses_api:favourite-log", "post", OWN_ONLY_201, kwargs=_favourite),
    Row("expenses_api:pending-meal-list", "get", SIGNED_IN_200),
    Row("expenses_api:pending-meal-detail", "get", OWN_ONLY_200, kwargs=_pending_meal),
    Row("expenses_api:pending-meal-confirm", "post", OWN_ONLY_201, kwargs=_pending_meal),
    Row("expenses_api:pending-meal-discard", "post", OWN_ONLY_204, kwargs=_pending_meal),
]  # fmt: skip


# Items, splits, shares, balances and settlements: a meal's items and split are the payer's (and an admin's); a
# settlement is seen only by its two people; recording one takes being one of them, with a meal shared.
PAYER_ONLY_200 = (401, 200, 404, 404, 404, 200)


def _shared_meal(world):
    """The member paid a dinner with their teammate (other_member), split evenly."""
    from expenses.services.splits import expense_split
    from expenses.tests.split_factories import dinner_with

    dinner = dinner_with(world.member, world.other_member)
    expense_split(expense=dinner, actor=world.member, method="even")
    return dinner


def _settlement_between(world):
    from expenses.services.splits import settlement_record

    _shared_meal(world)
    settlement = settlement_record(payer=world.other_member, payee=world.member, amount="5.00", currency="USD",
                                   recorded_by=world.other_member)  # fmt: skip
    return {"pk": settlement.pk}


def _settle_up(world):
    _shared_meal(world)
    return {"payer": world.member.pk, "payee": world.other_member.pk, "amount": "5.00", "currency": "USD"}


ROWS += [
    Row("expenses_api:expense-items", "get", PAYER_ONLY_200, kwargs=_pk("expense")),
    Row("expenses_api:expense-items", "put", PAYER_ONLY_200, kwargs=_pk("expense"),
        data={"items": [{"description": "Soup", "amount": "9.00"}]}),
    Row("expenses_api:expense-split", "get", PAYER_ONLY_200, kwargs=_pk("expense")),
    Row("expenses_api:expense-split", "put", PAYER_ONLY_200, kwargs=_pk("expense"), data={"method": "even"}),
    Row("expenses_api:expense-split", "delete", (401, 204, 404, 404, 404, 204), kwargs=_pk("expense")),
    Row("expenses_api:share-list", "get", SIGNED_IN_200),
    Row("expenses_api:balance-list", "get", SIGNED_IN_200),
    Row("expenses_api:settlement-list", "get", SIGNED_IN_200),
    Row("expenses_api:settlement-list", "post", (401, 201, 201, 400, 400, 400), data=_settle_up),
    Row("expenses_api:settlement-detail", "get", (401, 200, 200, 404, 404, 404), kwargs=_settlement_between),
]  # fmt: skip


# Merging: a member merges their own restaurants (anyone else's ids are a 400 naming the field); admins merge merchants.
def _restaurant_merge(world):
    from expenses.tests.factories import RestaurantFactory

    twin = RestaurantFactory(owner=world.member, name="Member's bistro (again)")
    return {"restaurants": [world.restaurant.pk, twin.pk], "keep": world.restaurant.pk}


def _merchant_merge(world):
    from expenses.tests.factories import MerchantFactory

    return {"merchants": [world.merchant.pk, MerchantFactory(name="Matrix Chain Ltd").pk], "keep": world.merchant.pk}


ROWS += [
    Row("expenses_api:restaurant-merge", "post", (401, 200, 400, 400, 400, 400), data=_restaurant_merge),
    Row("expenses_api:merchant-merge", "post", (*ADMIN_WRITES, 200), data=_merchant_merge),
]  # fmt: skip


# Loyalty: programmes, accounts and merchant links are personal (admins included: 404); someone else's programme
# given as a field is a 400 on that field.
MEMBER_ONLY_201 = (401, 201, 400, 400, 400, 400)


def _program(world):
    from expenses.services.loyalty import rewards_program_create

    return rewards_program_create(owner=world.member, name="Matrix points")


def _program_pk(world):
    return {"pk": _program(world).pk}


def _membership_pk(world):
    from expenses.services.loyalty import rewards_membership_create

    return {"pk": rewards_membership_create(owner=world.member, program=_program(world), account_number="12345").pk}


def _link_pk(world):
    from expenses.services.loyalty import merchant_rewards_link_set

    return {"pk": merchant_rewards_link_set(owner=world.member, merchant=world.merchant, program=_program(world)).pk}


ROWS += [
    Row("expenses_api:rewards-program-list", "get", SIGNED_IN_200),
    Row("expenses_api:rewards-program-list", "post", SIGNED_IN_201, data={"name": "Coffee club"}),
    Row("expenses_api:rewards-program-detail", "get", OWN_ONLY_200, kwargs=_program_pk),
    Row("expenses_api:rewards-program-detail", "patch", OWN_ONLY_200, kwargs=_program_pk, data={"notes": "Gold"}),
    Row("expenses_api:rewards-program-detail", "delete", OWN_ONLY_204, kwargs=_program_pk),
    Row("expenses_api:rewards-program-export", "get", SIGNED_IN_200),
    Row("expenses_api:rewards-program-import", "post", SIGNED_IN_200, data={"programs": [{"name": "Imported"}]}),
    Row("expenses_api:rewards-membership-list", "get", SIGNED_IN_200),
    Row("expenses_api:rewards-membership-list", "post", MEMBER_ONLY_201,
        data=lambda w: {"program": _program(w).pk, "account_number": "998877"}),
    Row("expenses_api:rewards-membership-detail", "get", OWN_ONLY_200, kwargs=_membership_pk),
    Row("expenses_api:rewards-membership-detail", "patch", OWN_ONLY_200, kwargs=_membership_pk, data={"tier": "Gold"}),
    Row("expenses_api:rewards-membership-detail", "delete", OWN_ONLY_204, kwargs=_membership_pk),
    Row("expenses_api:rewards-link-list", "get", SIGNED_IN_200),
    Row("expenses_api:rewards-link-list", "post", MEMBER_ONLY_201,
        data=lambda w: {"merchant": w.merchant.pk, "program": _program(w).pk}),
    Row("expenses_api:rewards-link-detail", "get", OWN_ONLY_200, kwargs=_link_pk),
    Row("expenses_api:rewards-link-detail", "delete", OWN_ONLY_204, kwargs=_link_pk),
]  # fmt: skip


# Expense reports and reimbursement batches. The report is the member's, built once per world.
def _report(world, status="draft"):
    key = f"_report_{status}"
    if key not in world.__dict__:
        from expenses.models import Expense, ExpenseReport

        report = ExpenseReport.objects.create(owner=world.member, title="Matrix report", status="open")
        line = world.business_expense(status)
        Expense.objects.filter(pk=line.pk).update(report=report)
        if status != "draft":
            ExpenseReport.objects.filter(pk=report.pk).update(status="submitted")
        world.__dict__[key] = (report, line)
    return world.__dict__[key]


def _report_pk(status="draft"):
    return lambda w: {"pk": _report(w, status)[0].pk}


def _ready_bundle(world):
    from expenses.services.report_bundles import bundle_request

    report, _ = _report(world)
    bundle_request(report=report, actor=world.member)
    return {"pk": report.pk}


def _batch(world):
    if "_batch" not in world.__dict__:
        from expenses.models import Expense
        from expenses.tests.report_factories import ReimbursementBatchFactory

        batch = ReimbursementBatchFactory(created_by=world.admin)
        Expense.objects.filter(pk=world.business_expense("approved").pk).update(batch=batch)
        world.__dict__["_batch"] = batch
    return world.__dict__["_batch"]


BATCH_READ = (401, 404, 404, 404, 404, 200)  # finance and admins; the team's auditor reads it too
OWNER_ONLY_WRITE = (401, 200, 404, 403, 404, 403)

ROWS += [
    Row("expenses_api:report-list", "get", SIGNED_IN_200),
    Row("expenses_api:report-list", "post", SIGNED_IN_201, data={"title": "March clients"}),
    Row("expenses_api:report-detail", "get", EXPENSE_READ, kwargs=_report_pk()),
    Row("expenses_api:report-detail", "patch", OWNER_ONLY_WRITE, kwargs=_report_pk(), data={"purpose": "Clients"}),
    Row("expenses_api:report-detail", "delete", (401, 204, 404, 403, 404, 403), kwargs=_report_pk()),
    Row("expenses_api:report-submit", "post", OWNER_ONLY_WRITE, kwargs=_report_pk(), data={}),
    Row("expenses_api:report-approve", "post", REVIEW, kwargs=_report_pk("submitted"), data={}),
    Row("expenses_api:report-reject-line", "post", REVIEW, kwargs=_report_pk("submitted"),
        data=lambda w: {"expense": _report(w, "submitted")[1].pk, "comment": "No receipt."}),
    Row("expenses_api:report-add-lines", "post", OWNER_ONLY_WRITE, kwargs=_report_pk(),
        data=lambda w: {"expenses": [w.business_expense("draft").pk]}),
    Row("expenses_api:report-remove-lines", "post", OWNER_ONLY_WRITE, kwargs=_report_pk(),
        data=lambda w: {"expenses": [_report(w)[1].pk]}),
    Row("expenses_api:report-bundle", "get", EXPENSE_READ, kwargs=_ready_bundle),
    Row("expenses_api:report-bundle", "post", (401, 201, 404, 201, 404, 201), kwargs=_report_pk()),
    Row("expenses_api:report-bundle-download", "get", EXPENSE_READ, kwargs=_ready_bundle),
    Row("expenses_api:batch-list", "get", SIGNED_IN_200),
    Row("expenses_api:batch-list", "post", (401, 403, 403, 403, 403, 201),
        data=lambda w: {"reference": "PAY-M", "payout_date": "2026-03-31",
                        "expenses": [w.business_expense("approved").pk]}),
    Row("expenses_api:batch-detail", "get", BATCH_READ, kwargs=lambda w: {"pk": _batch(w).pk}, auditor=200),
    Row("expenses_api:batch-pay", "post", BATCH_READ, kwargs=lambda w: {"pk": _batch(w).pk}),
    Row("expenses_api:batch-payout-csv", "get", BATCH_READ, kwargs=lambda w: {"pk": _batch(w).pk}, auditor=200),
]  # fmt: skip


def _notification(world):
    from expenses.models import Notification

    return Notification.objects.create(recipient=world.member, kind="approved", title="Your meal was approved")


def _webhook(world):
    from expenses.models import WebhookEndpoint

    key = "_webhook"
    if key not in world.__dict__:
        world.__dict__[key] = WebhookEndpoint.objects.create(
            url="https://93.184.216.34/hooks", secret="s3cret", events=["expense.approved"]
        )
    return world.__dict__[key]


def _webhook_delivery(world):
    from django.utils import timezone

    from expenses.models import WebhookDelivery

    delivery = WebhookDelivery.objects.create(
        endpoint=_webhook(world), event="expense.approved", event_id="e-1", payload={"id": "e-1"},
        status="succeeded", attempts=1, last_attempt_at=timezone.now(),
    )  # fmt: skip
    return {"pk": delivery.pk}


COMMENT_WRITE = (401, 201, 404, 201, 404, 201)
OWN_NOTIFICATION = (401, 200, 404, 404, 404, 404)
ADMIN_ONLY = (401, 403, 403, 403, 403)
# Numeric and public: registration checks the address without a DNS lookup.
WEBHOOK = {"url": "https://93.184.216.34/hooks", "events": ["expense.approved", "batch.paid"]}

ROWS += [
    Row("expenses_api:expense-history", "get", EXPENSE_READ, kwargs=_pk("expense")),
    Row("expenses_api:expense-comments", "get", EXPENSE_READ, kwargs=_pk("expense")),
    Row("expenses_api:expense-comments", "post", COMMENT_WRITE, kwargs=_pk("expense"), data={"body": "Receipt?"}),
    Row("expenses_api:report-comments", "get", EXPENSE_READ, kwargs=_report_pk()),
    Row("expenses_api:report-comments", "post", COMMENT_WRITE, kwargs=_report_pk(), data={"body": "Which trip?"}),
    Row("expenses_api:notification-list", "get", SIGNED_IN_200),
    Row("expenses_api:notification-detail", "get", OWN_NOTIFICATION, kwargs=lambda w: {"pk": _notification(w).pk}),
    Row("expenses_api:notification-read", "post", OWN_NOTIFICATION, kwargs=lambda w: {"pk": _notification(w).pk},
        auditor=404),
    Row("expenses_api:notification-read-all", "post", SIGNED_IN_200),
    Row("expenses_api:notification-preferences", "get", SIGNED_IN_200),
    Row("expenses_api:notification-preferences", "put", SIGNED_IN_200,
        data={"muted_kinds": ["comment"], "delivery": "digest"}),
    Row("expenses_api:webhook-list", "get", (*ADMIN_ONLY, 200)),
    Row("expenses_api:webhook-list", "post", (*ADMIN_ONLY, 201), data=WEBHOOK),
    Row("expenses_api:webhook-detail", "get", (*ADMIN_ONLY, 200), kwargs=lambda w: {"pk": _webhook(w).pk}),
    Row("expenses_api:webhook-detail", "patch", (*ADMIN_ONLY, 200), kwargs=lambda w: {"pk": _webhook(w).pk},
        data={"is_active": False}),
    Row("expenses_api:webhook-detail", "put", (*ADMIN_ONLY, 200), kwargs=lambda w: {"pk": _webhook(w).pk},
        data=WEBHOOK),
    Row("expenses_api:webhook-detail", "delete", (*ADMIN_ONLY, 204), kwargs=lambda w: {"pk": _webhook(w).pk}),
    Row("expenses_api:webhook-deliveries", "get", (*ADMIN_ONLY, 200), kwargs=lambda w: {"pk": _webhook(w).pk}),
    Row("expenses_api:webhook-delivery-replay", "post", (*ADMIN_ONLY, 201), kwargs=_webhook_delivery),
]  # fmt: skip
