"""The one exception type for a policy rule that blocks an action (STYLE.md 7).

It carries the rule's key and clause, so the API can answer 400 with the rule named and a page can
show it as a form error. Raise it from services only.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class RuleViolation(ValidationError):
    def __init__(self, message: str, *, rule: str, clause: str, field: str | None = None):
        self.rule = rule
        self.clause = clause
        self.field = field
        # The clerk reads the rule's Chinese title; its key stays in `rule` (the API's "rule" field).
        text = _("%(message)s（依据：%(clause)s，%(title)s）") % {"message": message, "clause": clause,
                                                               "title": _rule_title(rule)}
        self.text = text
        if field:
            super().__init__({field: [text]}, code=rule)
        else:
            super().__init__(text, code=rule)


def _rule_title(key: str) -> str:
    from governance.rules import SEED

    return next((row["title"] for row in SEED if row["key"] == key), key)
