"""The normaliser that search, duplicate detection and storage share."""

from hypothesis import given
from hypothesis import strategies as st

from api.core.text import normalize_email, normalize_phone, normalize_text, to_ascii_digits

ARABIC_TO_PERSIAN = {"ي": "ی", "ك": "ک", "ى": "ی"}
persianish = st.text(alphabet=st.sampled_from(list("علیيكکمحدرضاةۀأإآ ‌۰۱۲٣٤5abcABC\u064e\u0650")), max_size=30)


def test_arabic_yeh_and_kaf_match_persian_ones():
    assert normalize_text("علي") == normalize_text("علی")
    assert normalize_text("كريم") == normalize_text("کریم")


def test_zwnj_diacritics_and_tatweel_are_ignored():
    assert normalize_text("می\u200cخواهم") == normalize_text("میخواهم")
    assert normalize_text("مُحَمَّد") == normalize_text("محمد")
    assert normalize_text("مـــحمد") == normalize_text("محمد")


def test_hamza_and_teh_marbuta_forms_fold():
    assert normalize_text("أحمد") == normalize_text("احمد")
    assert normalize_text("فاطمة") == normalize_text("فاطمه")


def test_digits_case_and_spaces():
    assert normalize_text("  Shop ۱۲   ٣٤ ") == "shop 12 34"
    assert to_ascii_digits("۰۹۱۲") == "0912"


@given(persianish)
def test_normalising_twice_changes_nothing(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@given(persianish)
def test_arabic_spelling_normalises_like_the_persian_one(text):
    arabic = "".join(ARABIC_TO_PERSIAN.get(c, c) for c in text)
    swapped = text.translate(str.maketrans({"ی": "ي", "ک": "ك"}))
    assert normalize_text(swapped) == normalize_text(arabic)


@given(st.text(max_size=40))
def test_no_invisible_characters_or_persian_digits_survive(text):
    out = normalize_text(text)
    assert not any(c in out for c in "\u200c\u200d\u200b\ufeff")
    assert not any("۰" <= c <= "۹" or "٠" <= c <= "٩" for c in out)


def test_iranian_mobile_forms_parse_to_e164():
    expected = "+989123456789"
    for raw in ("09123456789", "۰۹۱۲۳۴۵۶۷۸۹", "٠٩١٢٣٤٥٦٧٨٩", "+98 912 345 6789", "0098-912-345-6789", "9123456789"):
        assert normalize_phone(raw) == expected, raw


def test_default_region_applies_to_national_numbers_only():
    assert normalize_phone("+44 20 7946 0958", "IR") == "+442079460958"
    assert normalize_phone("020 7946 0958", "GB") == "+442079460958"


def test_invalid_phones_are_none():
    for raw in ("", "abc", "123", "0912"):
        assert normalize_phone(raw) is None


def test_emails_lower_case():
    assert normalize_email("  Sara.Ahmadi@Example.COM ") == "sara.ahmadi@example.com"
