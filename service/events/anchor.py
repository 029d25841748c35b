"""The word an event hangs on in a sentence: the encoder reads the sentence through it.

The trigger nearest the parse's root is the sentence's main act ("X said Y attacked Z": the
attack, since "said" is reported speech and no trigger); with no trigger, the root itself. The
training script and the coder both call this, so the head is fit on the anchors it will see.
"""

from __future__ import annotations

from collections.abc import Collection

from service.events.tokens import Sent, Tok

__all__ = ["anchor_span", "anchor_token", "token_span"]


def _depth(token: Tok, limit: int) -> int:
    depth = 0
    while token.head.i != token.i and depth < limit:
        token = token.head
        depth += 1
    return depth


def anchor_token(sent: Sent, triggers: Collection[Tok]) -> Tok | None:
    """The trigger token nearest the root (first in the sentence on a tie), else the root."""
    if triggers:
        limit = len(sent)
        return min(triggers, key=lambda t: (_depth(t, limit), t.i))
    return sent.root if len(sent) else None


def anchor_span(sent: Sent, triggers: Collection[Tok]) -> tuple[int, int] | None:
    """The anchor's characters within the sentence's text."""
    token = anchor_token(sent, triggers)
    return None if token is None else token_span(sent, token)


def token_span(sent: Sent, token: Tok) -> tuple[int, int]:
    """A token's characters within the sentence's text."""
    start = sent.doc[token.i].idx - sent.start_char
    return start, start + len(token.text)
