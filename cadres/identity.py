"""Resident ID numbers (GB 11643-1999): validation, keyed hashing and masking."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Masking is shared with the staff accounts of villages (a lower app): it lives in the core.
from core.masking import mask_id_number as mask_id_number
from core.masking import mask_phone as mask_phone

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"  # ISO 7064 MOD 11-2: remainder -> check character


def normalize_id_number(value: str) -> str:
    """Strip blanks and full-width characters; a lower-case x becomes X."""
    value = (value or "").strip().replace(" ", "")
    value = value.translate({0xFF10 + i: ord("0") + i for i in range(10)} | {0xFF38: ord("X")})
    return value.upper()


def check_character(first17: str) -> str:
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def birth_date_of(id_number: str) -> dt.date:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def is_male(id_number: str) -> bool:
    """The 17th character is odd for men and even for women."""
    return int(id_number[16]) % 2 == 1


def validate_id_number(value: str) -> None:
    """Refuse anything but an 18-character resident ID number with a correct check digit."""
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError(
            _("A resident ID number has 18 characters; this one has %(n)d."),
            code="length",
            params={"n": len(number)},
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("A resident ID number is 17 digits followed by a digit or X."), code="format"
        )
    try:
        born = birth_date_of(number)
    except ValueError:
        raise ValidationError(
            _("The birth date inside the ID number (%(date)s) does not exist."),
            code="birth_date",
            params={"date": number[6:14]},
        ) from None
    if not dt.date(1900, 1, 1) <= born <= dt.date.today():
        raise ValidationError(
            _("The birth date inside the ID number (%(date)s) is not plausible."),
            code="birth_date",
            params={"date": number[6:14]},
        )
    if check_character(number[:17]) != number[17]:
        raise ValidationError(
            _("The check digit of the ID number is wrong: please check each digit again."),
            code="check_digit",
        )


def id_number_hash(value: str) -> str:
    """A keyed hash for exact lookup: the same number always gives the same value, and without
    the key nobody can test guesses against the database."""
    key = settings.ID_NUMBER_HASH_KEY.encode()
    return hmac.new(key, normalize_id_number(value).encode(), hashlib.sha256).hexdigest()
