"""Resident identity numbers (GB 11643-1999) and phone numbers: validated where they are entered, masked
where a role may not read them. Shared by the core (a person's record) and the apps (a case's applicant)."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_number_check_digit(first17: str) -> str:
    """GB 11643-1999: the check character of the first 17 digits (ISO 7064 MOD 11-2)."""
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: str | None) -> str:
    """As stored: no surrounding spaces, a check character x written X."""
    return (value or "").strip().upper()


def validate_id_number(value: str) -> None:
    """A resident identity number: 18 characters, 17 digits, a valid birth date, and the check character."""
    value = normalize_id_number(value)
    if len(value) != 18 or not value[:17].isascii() or not value[:17].isdigit() or value[17] not in "0123456789X":
        raise ValidationError(gettext_lazy("身份证号码应为18位：前17位数字，最后一位为数字或X。"), code="id_number_format")
    try:
        datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(gettext_lazy("身份证号码中的出生日期无效。"), code="id_number_birth_date") from None
    if id_number_check_digit(value[:17]) != value[17]:
        raise ValidationError(gettext_lazy("身份证号码校验位不正确（GB 11643），请核对后重新输入。"),
                              code="id_number_check_digit")


def birth_date_from_id_number(value: str) -> datetime.date | None:
    """The birth date an 18-digit ID number carries (digits 7-14), or None if it carries none."""
    value = normalize_id_number(value)
    if len(value) != 18 or not value[6:14].isascii() or not value[6:14].isdigit():
        return None
    try:
        return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def birth_year_from_id_number(value: str) -> int | None:
    """The birth year an ID number carries (Person.birth_year), or None."""
    born = birth_date_from_id_number(value)
    return born.year if born else None


validate_phone = RegexValidator(
    r"^(1\d{10}|0\d{2,3}-?\d{7,8})$",
    gettext_lazy("请输入11位手机号码或带区号的固定电话（如 0951-6012345）。"),
    code="phone",
)


def mask_id_number(value: str) -> str:
    return f"{value[:3]}{'*' * 11}{value[-4:]}" if len(value) == 18 else ("*" * len(value))


def mask_phone(value: str) -> str:
    return f"{value[:3]}****{value[-4:]}" if len(value) >= 8 else ("*" * len(value))
