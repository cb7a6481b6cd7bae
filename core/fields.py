"""Model fields for personal data encrypted at rest (issue 10).

`EncryptedTextField` and `EncryptedDateField` keep the attribute a plain `str` / `date` in
Python (`youth.family_name`, `youth.birth_date`), and store a Fernet token (core.crypto)
in a text column. Encryption is randomised, so the database cannot compare, order or
group these columns: every lookup except `isnull` is refused (FieldError) instead of
silently matching nothing. Find rows through a blind index (`DerivedField` holding
`core.crypto.blind_index` of the normalised value) or in Python.

`DerivedField` columns are recomputed from the instance on every save (and in
`bulk_create`) by calling the model method named in `compute`, so a blind index or a
derived, non-identifying column (the birth month for reports) cannot go stale through
the ORM. `QuerySet.update()` on a source column bypasses this: do not use it for them.
"""

import datetime

from django.core import validators
from django.db import models

from core import crypto


class EncryptedField:
    """Mixin: the Python value is converted to text, encrypted on the way in, decrypted
    and converted back on the way out."""

    def get_internal_type(self):
        return "TextField"

    def db_type(self, connection):
        return "text"

    def rel_db_type(self, connection):
        return "text"

    def _to_text(self, value) -> str:
        return str(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return self.to_python(crypto.decrypt(value))

    def get_prep_value(self, value):
        value = self.to_python(value)
        if value is None:
            return None
        return crypto.encrypt(self._to_text(value))

    def get_db_prep_value(self, value, connection, prepared=False):
        return value if prepared else self.get_prep_value(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None  # Django raises FieldError: Unsupported lookup

    def get_transform(self, lookup_name):
        return None


class EncryptedTextField(EncryptedField, models.TextField):
    """Text, stored encrypted. `max_length` is validated (forms, full_clean), not a column
    limit (the token is longer than the text)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))


class EncryptedEmailField(EncryptedTextField):
    default_validators = [validators.validate_email]


class EncryptedDateField(EncryptedField, models.DateField):
    """A date, stored encrypted as its ISO text."""

    def _to_text(self, value) -> str:
        return value.isoformat()

    def pre_save(self, model_instance, add):
        return getattr(model_instance, self.attname)

    def to_python(self, value):
        if isinstance(value, datetime.datetime):
            return value.date()
        return models.DateField.to_python(self, value)


class DerivedField:
    """Mixin for a column computed by `instance.<compute>()` at every save."""

    def __init__(self, *args, compute: str = "", **kwargs):
        self.compute = compute
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["compute"] = self.compute
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        method = getattr(model_instance, self.compute, None)
        if method is None:  # a historical model in a migration has no methods
            return super().pre_save(model_instance, add)
        value = method()
        setattr(model_instance, self.attname, value)
        return value


class BlindIndexField(DerivedField, models.CharField):
    """An HMAC-SHA256 hex digest (core.crypto.blind_index), '' when there is no value."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)


class DerivedDateField(DerivedField, models.DateField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)
