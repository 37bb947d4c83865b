"""The one exception type for a policy rule that blocks an action (STYLE.md 7).

It carries the rule (its key, title and clause, taken from the rule object that the check read), so
the API can answer 400 with the rule named and a page can show it as a form error citing the clause
and the rule's Chinese title. Raise it from services and rule checks only.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class RuleViolation(ValidationError):
    def __init__(self, message: str, *, rule, field: str | None = None):
        """`rule` is the rule version the check read (a governance.rules.RuleValue, or a RuleRef for a
        rule with no version in force)."""
        self.rule = rule.key
        self.clause = rule.clause
        self.title = rule.title
        self.field = field
        text = _("%(message)s（依据：%(clause)s %(title)s）") % {
            "message": message, "clause": rule.clause, "title": rule.title}
        self.text = text
        if field:
            super().__init__({field: [text]}, code=rule.key)
        else:
            super().__init__(text, code=rule.key)


class Conflict(Exception):
    """The record changed since the caller read it: the edit carried a version that is no longer current.

    The API answers 412 when the version came in `If-Match`, 409 otherwise; a page shows the message on
    the form (and keeps what the clerk typed) so they can reload and re-apply it."""

    def __init__(self, *, instance, expected: int):
        self.instance = instance
        self.expected = expected
        self.current = instance.version
        self.message = _("%(what)s已被他人修改（您打开的是第 %(expected)s 版，当前为第 %(current)s 版），本次修改未保存。"
                         "请刷新页面查看最新内容后重新修改。") % {
            "what": instance._meta.verbose_name, "expected": expected, "current": instance.version}
        super().__init__(self.message)
