"""Chinese names in the order a clerk looks them up: by pinyin (陈 before 李 before 王), not by code point."""

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar

from pypinyin import Style, lazy_pinyin

T = TypeVar("T")


@lru_cache(maxsize=50_000)  # a district has far fewer distinct names than people; a name's key never changes
def pinyin_key(name: str) -> tuple:
    """陈明 → ("chen2", "ming2"); characters without pinyin (Latin, digits) sort as themselves."""
    return tuple(lazy_pinyin(name or "", style=Style.TONE3, errors="default"))


def by_pinyin(items: Iterable[T], key: Callable[[T], str] = lambda item: item.name) -> list[T]:
    return sorted(items, key=lambda item: (pinyin_key(key(item)), key(item)))
