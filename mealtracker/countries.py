"""Countries as ISO 3166-1 alpha-2 codes, read from what people and other apps write ("United States", "USA", "us").

The names and codes come from pycountry (the ISO 3166 tables); only everyday English names that ISO spells
differently are listed here.
"""

import functools
import re
import unicodedata

import pycountry

# Everyday names (many are what map services print) that are not an ISO 3166 name, official name or common name.
EVERYDAY_NAMES = {
    "uk": "GB", "britain": "GB", "great britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "northern ireland": "GB", "russia": "RU", "turkey": "TR", "brunei": "BN", "cape verde": "CV", "macau": "MO",
    "vatican": "VA", "vatican city": "VA", "palestine": "PS", "micronesia": "FM", "swaziland": "SZ",
    "macedonia": "MK", "ivory coast": "CI", "burma": "MM", "myanmar (burma)": "MM", "east timor": "TL",
    "holland": "NL", "uae": "AE", "dr congo": "CD", "democratic republic of the congo": "CD",
    "congo - kinshasa": "CD", "republic of the congo": "CG", "congo - brazzaville": "CG",
}  # fmt: skip


def _key(text: str) -> str:
    """Compare names without accents, case, dots, 'the' or 'St.' spelling: 'The U.S.A.' ~ 'usa'."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(char for char in folded if not unicodedata.combining(char)).casefold()
    folded = folded.replace("&", " and ").replace(".", "").replace("\u2019", "'")
    folded = " ".join(folded.split())
    folded = re.sub(r"^the ", "", folded)
    return re.sub(r"\bst (?=\w)", "saint ", folded)


@functools.cache
def _index() -> dict[str, str]:
    index = {_key(name): code for name, code in EVERYDAY_NAMES.items()}
    for country in pycountry.countries:
        for attribute in ("alpha_2", "alpha_3", "numeric", "name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                index.setdefault(_key(value), country.alpha_2)
    return index


def country_code(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code a country name or code means, '' for blank, None when it is not a country."""
    text = str(text or "").strip()
    if not text:
        return ""
    return _index().get(_key(text))
