"""spaCy doc -> who-did-what-to-whom events (PLOVER types), with place, date and quantity."""

from service.events.extractor import EventExtractor

__all__ = ["EventExtractor"]
