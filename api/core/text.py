"""One normalisation for search, duplicate detection and storage: Persian/Arabic letter variants,
invisible characters, diacritics, digit forms and case; e-mails lower-cased; phones in E.164."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

_DIGITS = {ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")} | {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
_LETTERS = {
    ord("ي"): "ی", ord("ى"): "ی", ord("ئ"): "ی",   # Arabic yeh, alef maksura, yeh with hamza
    ord("ك"): "ک",                                 # Arabic kaf
    ord("ة"): "ه", ord("ۀ"): "ه", ord("ہ"): "ه", ord("ە"): "ه",
    ord("أ"): "ا", ord("إ"): "ا", ord("آ"): "ا", ord("ٱ"): "ا",
    ord("ؤ"): "و",
}
# Zero-width and direction marks people paste in by accident; ZWNJ joins the word halves it separates.
_INVISIBLE = {ord(c): None for c in "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u0640"}
_TABLE = _DIGITS | _LETTERS | _INVISIBLE
_SPACE = re.compile(r"\s+")


def to_ascii_digits(value: str) -> str:
    """Persian (۰–۹) and Arabic-Indic (٠–٩) digits as ASCII digits."""
    return value.translate(_DIGITS)


def normalize_text(value: str) -> str:
    """The form text is compared in: «علي» and «علی», «۱۲» and «12», «Ali» and «ALI» are equal."""
    text = unicodedata.normalize("NFKC", value)  # presentation forms → letters, full-width → ASCII
    text = text.translate(_TABLE)
    # Drop combining marks (Arabic harakat, the superscript alef, Latin accents).
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFC", text).translate(_TABLE).casefold()
    return _SPACE.sub(" ", text).strip()


def normalize_email(value: str) -> str:
    return to_ascii_digits(value).strip().lower()


def normalize_phone(value: str, default_region: str = "IR") -> str | None:
    """A phone number in E.164 (``+989123456789``), or None when it is not a valid number."""
    raw = to_ascii_digits(unicodedata.normalize("NFKC", value)).strip()
    if not raw:
        return None
    try:
        number = phonenumbers.parse(raw, default_region.upper())
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
