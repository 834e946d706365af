from django.core.management.base import BaseCommand

from expenses.models import Receipt
from expenses.services.receipts import receipt_convert_stored_heic
from mealtracker.errors import DomainError


class Command(BaseCommand):
    help = (
        "Store HEIC receipts uploaded before HEIC photos were converted as JPEG without EXIF/GPS, with a thumbnail; "
        "the original files are deleted. Safe to run again."
    )

    def handle(self, *args, **options):
        converted, unreadable = 0, []
        for receipt in Receipt.objects.filter(content_type="image/heic").order_by("pk").iterator():
            try:
                converted += receipt_convert_stored_heic(receipt)
            except DomainError as exc:
                unreadable.append(f"receipt {receipt.pk}: {exc.message}")
        self.stdout.write(f"{converted} HEIC receipt(s) stored as JPEG without metadata.")
        for line in unreadable:
            self.stderr.write(f"Left as it is, {line}")
