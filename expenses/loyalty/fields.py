"""A text field stored encrypted (Fernet): the database only ever sees ciphertext."""

from django.db import models

from expenses.loyalty.crypto import decrypt_text, encrypt_text


class EncryptedTextField(models.TextField):
    """Encrypted at rest. Fernet tokens are random, so the column cannot be filtered, ordered or unique."""

    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(value)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            return None  # a LIKE or range over ciphertext would silently match nothing
        return super().get_lookup(lookup_name)
