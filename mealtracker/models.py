"""Project-wide models that belong to no product app."""

from django.conf import settings
from django.db import models


class IdempotencyKey(models.Model):
    """The first response to a create request sent with an `Idempotency-Key`, replayed on retries."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    fingerprint = models.CharField(max_length=64, help_text="sha256 of method, path and body.")
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField(null=True, blank=True)
    response_headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="mealtracker_idempotencykey_user_key")]

    def __str__(self):
        return f"{self.method} {self.path} [{self.key}]"


class RateCounter(models.Model):
    """Hits of one rate-limited key (a user, an address, a paid lookup) in the current and previous window.

    Written only by `mealtracker.ratelimit.hit` with a single upsert, so concurrent requests never lose a count.
    """

    key = models.CharField(max_length=200, primary_key=True)
    window_start = models.BigIntegerField(help_text="Unix time the current window began.")
    hits = models.PositiveIntegerField()
    previous_hits = models.PositiveIntegerField(help_text="Hits of the window just before the current one.")
    expires_at = models.BigIntegerField(db_index=True, help_text="Unix time after which the row counts for nothing.")

    def __str__(self):
        return f"{self.key}: {self.hits}"
