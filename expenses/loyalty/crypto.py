"""Field encryption at rest with Fernet; keys come from settings.FIELD_ENCRYPTION_KEY, never from SECRET_KEY.

Comma-separated keys rotate: the first encrypts, every one decrypts (MultiFernet). A key is a Fernet key, or any
other secret string from which one is derived (HKDF-SHA256).
"""

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

KDF_INFO = b"mealtracker field encryption v1"


def _fernet_key(secret: str) -> bytes:
    """A Fernet key as given, or one derived (HKDF-SHA256) from any other secret string."""
    try:
        if len(base64.urlsafe_b64decode(secret.encode())) == 32:
            return secret.encode()
    except (ValueError, TypeError):
        pass
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KDF_INFO).derive(secret.encode())
    return base64.urlsafe_b64encode(derived)


@functools.lru_cache(maxsize=8)
def _keys(configured: str) -> tuple[Fernet, ...]:
    secrets = [part.strip() for part in configured.split(",") if part.strip()]
    if not secrets:  # the settings refuse to start without a key when DEBUG is off
        raise ValueError("FIELD_ENCRYPTION_KEY is empty.")
    return tuple(Fernet(_fernet_key(secret)) for secret in secrets)


def cipher() -> MultiFernet:
    return MultiFernet(list(_keys(settings.FIELD_ENCRYPTION_KEY)))


def encrypt_text(plain: str) -> str:
    return cipher().encrypt(plain.encode()).decode()


def encrypted_with_current_key(token: str) -> bool:
    """Whether `token` was written with the first (current) key, so a rotation can skip it."""
    try:
        _keys(settings.FIELD_ENCRYPTION_KEY)[0].decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def decrypt_text(token: str) -> str:
    try:
        return cipher().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        # A wrong or rotated-away key: fail loudly rather than show ciphertext as if it were the number.
        raise ValueError("An encrypted field could not be decrypted with the configured keys.") from exc
