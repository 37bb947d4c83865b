"""Validators for what a resident gives at the counter: the ID number (GB 11643-1999) and a phone number.

They live in the core (governance.identity), which a person's record uses too; the names stay here for
this app's code and its migrations."""

from governance.identity import (  # noqa: F401
    id_number_check_digit,
    mask_id_number,
    mask_phone,
    validate_id_number,
    validate_phone,
)
