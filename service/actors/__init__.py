"""Who a party is: its country and sector (GOV, MIL, REB, ...) from a built knowledge base."""

from service.actors.resolver import ActorContext, ActorResolver, Party, shipped_resolver

__all__ = ["ActorContext", "ActorResolver", "Party", "shipped_resolver"]
