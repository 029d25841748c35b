"""Read the number a noun phrase states ("1,500 forces", "two shells", "1.2 million people")."""

from __future__ import annotations

import math
import re
from typing import Any, Final

from service.models import Quantity

__all__ = ["QuantityReader", "parse_number"]

_WORDS: Final[dict[str, float]] = {
    word: float(i)
    for i, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
               "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12, "dozens": 24,
               "hundreds": 200, "thousands": 2000})  # fmt: skip
_SCALES: Final[dict[str, float]] = {
    "hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000, "bn": 1_000_000_000, "m": 1_000_000,
}  # fmt: skip
_NOT_COUNTED: Final = frozenset({"DATE", "TIME", "PERCENT", "ORDINAL"})
_NUMERIC_RE: Final = re.compile(r"^[$£€]?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$")


def parse_number(words: list[str]) -> float | None:
    """The value of a short number phrase, or None when it is not one."""
    value: float | None = None
    for word in words:
        low = word.lower().strip("$£€")
        if match := _NUMERIC_RE.match(word):
            value = float(match.group(1).replace(",", "") + "." + (match.group(2) or "0"))
        elif low in _SCALES and value is not None:
            value *= _SCALES[low]
        elif low in _WORDS:
            value = (value or 0.0) + _WORDS[low]
        elif low in ("-", "and", "some", "about", "around", "nearly", "almost", "over"):
            continue
        else:
            return None
    # "1,000,000,...,000" past float range reads as infinity: no number a record can carry.
    return value if value is None or math.isfinite(value) else None


class QuantityReader:
    """Finds the counted noun and its number in the phrases an event's trigger governs."""

    _COUNT_DEPS: Final = frozenset({"nummod"})

    def __call__(self, heads: list[Any]) -> Quantity | None:
        """The first number modifying one of the given noun heads (or inside their phrase)."""
        for head in heads:
            if not head.tag_.startswith("NN") or head.ent_type_ in _NOT_COUNTED:
                continue
            for token in head.children:
                if token.dep_ not in self._COUNT_DEPS or token.ent_type_ in _NOT_COUNTED:
                    continue
                words = [t.text for t in token.subtree if t.like_num or t.lower_ in _SCALES]
                value = parse_number(words)
                if value is not None and value > 0:
                    return Quantity(value=value, unit=head.lower_)
        return None
