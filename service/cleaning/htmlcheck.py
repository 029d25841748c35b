"""Checks raw HTML before any parser runs: entity tricks and element depth, in linear time.

Every scan here moves forward only (str.find and anchored matches), so a page of repeated
unfinished markup ("<a " * 40000, "<!DOCTYPE " * 60000) costs what its length costs.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Final

__all__ = ["declares_entities", "nesting_depth"]

# "<!DOCTYPE" up to the first ">" or "[": greedy over a class that excludes both, so each
# match ends at the first terminator and finditer never scans the same characters twice.
_DECLARATION: Final = re.compile(r"<!ENTITY|<!DOCTYPE[^>\[]*(\[)?", re.IGNORECASE)
_TAG_NAME: Final = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)")
# Elements that hold no children, or that HTML parsers close implicitly: they add no depth.
_FLAT_TAGS: Final = frozenset(
    "area base br col embed hr img input link meta param source track wbr "
    "p li dt dd tr td th option optgroup thead tbody tfoot colgroup rp rt".split()
)
# Elements whose content is text to the parser, not markup: "<div>" inside a script is no div.
_RAW_TEXT: Final = frozenset({"script", "style", "textarea", "title", "xmp", "noembed"})
_RAW_END: Final = {name: re.compile(rf"</{name}\b", re.IGNORECASE) for name in _RAW_TEXT}
# Constructs skipped whole: where each ends. "<![CDATA[" is no CDATA section in HTML: like
# any "<!" it is a bogus comment up to the first ">", as libxml2 and browsers read it.
_SKIPPED: Final = (("<!--", "-->"), ("<!", ">"), ("<?", ">"))


def declares_entities(html: str) -> bool:
    """Whether the HTML declares an entity or opens a DOCTYPE internal subset."""
    return any(match.group(0)[2] in "Ee" or match.group(1) for match in _DECLARATION.finditer(html))


def nesting_depth(html: str, limit: int) -> int:
    """Element depth as a parser builds it, stopping early once past `limit`.

    Comments, declarations and the content of script-like elements hold no elements;
    an end tag closes up to its open element (the ones inside it too) and a stray one is ignored.
    """
    stack: list[str] = []
    open_names: Counter[str] = Counter()
    deepest = pos = 0
    while (pos := html.find("<", pos)) >= 0:
        skipped = _skip(html, pos)
        if skipped is not None:
            pos = skipped
            continue
        match = _TAG_NAME.match(html, pos)
        if match is None:
            pos += 1
            continue
        end = html.find(">", match.end())
        if end < 0:
            break  # the rest is one unfinished tag: text to a parser, no element
        pos = end + 1
        closing, name = match.group(1), match.group(2).lower()
        if closing:
            _close(stack, open_names, name)
        elif name in _RAW_TEXT:
            found = _RAW_END[name].search(html, pos)
            pos = found.end() if found else len(html)
        elif html[end - 1] != "/" and name not in _FLAT_TAGS:
            stack.append(name)
            open_names[name] += 1
            deepest = max(deepest, len(stack))
            if deepest > limit:
                break
    return deepest


def _skip(html: str, pos: int) -> int | None:
    """Where a comment or declaration starting at `pos` ends, or None."""
    for opener, closer in _SKIPPED:
        if html.startswith(opener, pos):
            end = html.find(closer, pos + len(opener))
            return len(html) if end < 0 else end + len(closer)
    return None


def _close(stack: list[str], open_names: Counter[str], name: str) -> None:
    """Pop up to and including the innermost open `name`; nothing when none is open."""
    if not open_names[name]:
        return
    while stack:
        top = stack.pop()
        open_names[top] -= 1
        if top == name:
            return
