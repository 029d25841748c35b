"""Raw text or HTML -> the clean article body (boilerplate gone), and its language."""

from service.cleaning.cleaner import Cleaned, Cleaner
from service.cleaning.language import detect_language, is_latin_script

__all__ = ["Cleaned", "Cleaner", "detect_language", "is_latin_script"]
