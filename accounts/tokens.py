"""Refresh tokens whose chain of rotations has an absolute lifetime.

Each refresh hands out a new refresh token and blacklists the old one, so without a limit a stolen token could be
kept alive forever by refreshing it before it expires. Every token of a chain carries the time the chain began (the
sign-in) in `chain_iat`; past `JWT_REFRESH_CHAIN_LIFETIME` after it no token of the chain refreshes, and no token
of the chain is issued to expire later than that.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_to_epoch

CHAIN_START_CLAIM = "chain_iat"


class ChainedRefreshToken(RefreshToken):
    # The access token has no use for the chain's start.
    no_copy_claims = (*RefreshToken.no_copy_claims, CHAIN_START_CLAIM)

    def __init__(self, token=None, verify=True):
        super().__init__(token, verify=verify)
        if token is None:  # a new chain (a sign-in) starts now
            self.payload[CHAIN_START_CLAIM] = self.payload["iat"]

    @property
    def chain_started(self) -> datetime.datetime:
        """When the chain began; a token issued before chains were tracked counts from its own issue."""
        started = self.payload.get(CHAIN_START_CLAIM, self.payload.get("iat"))
        return datetime.datetime.fromtimestamp(int(started), tz=datetime.UTC)

    @property
    def chain_ends(self) -> datetime.datetime:
        return self.chain_started + settings.JWT_REFRESH_CHAIN_LIFETIME

    def rotate(self) -> None:
        """Turn this token into the chain's next one: a new id and lifetime, never past the chain's end."""
        ends = self.chain_ends
        self.payload[CHAIN_START_CLAIM] = datetime_to_epoch(self.chain_started)
        self.set_jti()
        self.set_exp()
        self.set_iat()
        if self.payload["exp"] > datetime_to_epoch(ends):
            self.payload["exp"] = datetime_to_epoch(ends)

    def chain_expired(self) -> bool:
        return timezone.now() >= self.chain_ends
