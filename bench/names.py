"""Names for generated people: Persian (with the spellings real data carries — zero-width non-joiners,
Arabic yeh and kaf) and Latin ones, each with a Latin form for e-mail addresses."""

from __future__ import annotations

ZWNJ = "\u200c"

PERSIAN_FIRST: list[tuple[str, str]] = [
    ("علی", "ali"), ("محمد", "mohammad"), ("حسین", "hossein"), ("رضا", "reza"), ("مهدی", "mahdi"),
    ("امیر", "amir"), ("حمید", "hamid"), ("سعید", "saeed"), ("مجید", "majid"), ("آرش", "arash"),
    ("بابک", "babak"), ("کاوه", "kaveh"), ("سیاوش", "siavash"), ("نیما", "nima"), ("پویا", "pouya"),
    ("امید", "omid"), ("کیوان", "keyvan"), ("فرهاد", "farhad"), ("مریم", "maryam"), ("فاطمه", "fatemeh"),
    ("زهرا", "zahra"), ("سارا", "sara"), ("نرگس", "narges"), ("لیلا", "leila"), ("ندا", "neda"),
    ("مینا", "mina"), ("الهام", "elham"), ("شیرین", "shirin"), ("پریسا", "parisa"), ("یاسمن", "yasaman"),
    ("هانیه", "hanieh"), ("ترانه", "taraneh"), ("مهسا", "mahsa"), ("آزاده", "azadeh"), ("فرشته", "fereshteh"),
    ("علي", "ali"), ("كاوه", "kaveh"),  # Arabic yeh / kaf, as keyboards and old systems still produce
]

PERSIAN_LAST: list[tuple[str, str]] = [
    ("محمدی", "mohammadi"), ("حسینی", "hosseini"), ("احمدی", "ahmadi"), ("رضایی", "rezaei"),
    ("کریمی", "karimi"), ("موسوی", "mousavi"), ("جعفری", "jafari"), ("صادقی", "sadeghi"),
    ("رحیمی", "rahimi"), ("نوری", "nouri"), ("قاسمی", "ghasemi"), ("عباسی", "abbasi"),
    ("کاظمی", "kazemi"), ("یزدانی", "yazdani"), ("تهرانی", "tehrani"), ("شیرازی", "shirazi"),
    ("اصفهانی", "esfahani"), ("طباطبایی", "tabatabaei"), ("هاشمی", "hashemi"), ("اکبری", "akbari"),
    ("زمانی", "zamani"), ("سلطانی", "soltani"), ("ملکی", "maleki"), ("فراهانی", "farahani"),
    (f"نیک{ZWNJ}نام", "niknam"), (f"میر{ZWNJ}حسینی", "mirhosseini"), (f"خوش{ZWNJ}نویس", "khoshnevis"),
    (f"پاک{ZWNJ}نژاد", "paknejad"), ("روحاني", "rouhani"), ("كريمي", "karimi"),
]

LATIN_FIRST: list[str] = [
    "John", "Lisa", "Michael", "Sarah", "David", "Emma", "James", "Olivia", "Daniel", "Sophie",
    "Thomas", "Anna", "Lukas", "Marie", "Jean", "Chloé", "Mehmet", "Ayşe", "Wei", "Yuki",
]

LATIN_LAST: list[str] = [
    "Miller", "Chen", "Smith", "Garcia", "Brown", "Müller", "O'Brien", "Schmidt", "Dubois", "Rossi",
    "Yılmaz", "Tanaka", "Kowalski", "Johansson", "Nguyen", "Fischer", "Martin", "Novak", "Silva", "Weber",
]

_LATIN_ASCII = str.maketrans({"é": "e", "ş": "s", "ü": "u", "ı": "i", "'": ""})


def latin_slug(name: str) -> str:
    return name.lower().translate(_LATIN_ASCII)
