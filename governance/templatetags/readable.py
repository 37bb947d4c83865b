"""Template filters that show figures as a clerk reads them (no JSON, no keys, one number and date format)."""

import datetime

from django import template

from governance.access import may_open_street as _may_open_street
from governance.rule_words import n, rule_in_words

register = template.Library()


@register.filter
def money(value):
    """Whole yuan with thousands separators: 1234567 → 1,234,567 (empty for None)."""
    if value is None or value == "":
        return ""
    try:
        return n(int(value))
    except (TypeError, ValueError):
        return value


@register.filter
def ymd(value):
    """The one date format of the pages and exports: YYYY-MM-DD (with HH:MM for a moment in time)."""
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    return "" if value is None else value


@register.filter
def rule_words(basis_or_rule):
    """A rule's value in words, from a basis dict ({"rule", "value"}) or a RuleValue."""
    if isinstance(basis_or_rule, dict):
        return rule_in_words(basis_or_rule.get("rule", ""), basis_or_rule.get("value"))
    return rule_in_words(getattr(basis_or_rule, "key", ""), getattr(basis_or_rule, "value", None))


@register.filter
def may_open_street(user, street_id):
    return _may_open_street(user, street_id)
