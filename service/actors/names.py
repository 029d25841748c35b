"""How the knowledge base's build reads and compares names (service.actors.build and its
sources)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["key", "named_country", "proper", "role_head", "unique"]


def key(name: str) -> str:
    """How names are compared: no accents, lower case, no dots, single spaces."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(plain.lower().replace(".", "").replace("_", " ").split())


def proper(word: str) -> bool:
    """A name rather than a common noun: 'Hizballah', 'al-Qaeda', not 'militia'."""
    return any(c.isupper() for c in word)


def role_head(name: str, roles: dict[str, str], *, first: bool = False) -> str | None:
    """The sector of the last role word in a name ('Central Intelligence Agency' -> SPY), or
    of the first in a gloss ('a fundamentalist Islamic militia; in 1995 ...')."""
    words = re.findall(r"[a-z][a-z'-]*", key(name))
    found = None
    for i in range(len(words)):
        for n in (3, 2, 1):
            sector = roles.get(" ".join(words[i : i + n]))
            if sector is not None:
                if first:
                    return sector
                found = sector
                break
    return found


def named_country(text: str, country_of: dict[str, str]) -> str | None:
    """The first country a text names (capitalised words only, longest name first)."""
    words = re.findall(r"[A-Za-z][A-Za-z.'-]*", text)
    for i, word in enumerate(words):
        if not word[0].isupper():
            continue
        for n in range(min(4, len(words) - i), 0, -1):
            code = country_of.get(key(" ".join(words[i : i + n])))
            if code is not None:
                return code
    return None


def unique(names: Iterable[str]) -> list[str]:
    """The names, each once (compared by `key`), in order."""
    seen: set[str] = set()
    return [n for n in names if not (key(n) in seen or seen.add(key(n)))]  # type: ignore[func-returns-value]
