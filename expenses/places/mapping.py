"""A Google place as restaurant fields: address parts, contact, price level, coordinates, cuisine, service level."""

from decimal import ROUND_HALF_UP, Decimal

from expenses.choices import ServiceLevel

PRICE_LEVELS = {
    "PRICE_LEVEL_FREE": 0,
    "PRICE_LEVEL_INEXPENSIVE": 1,
    "PRICE_LEVEL_MODERATE": 2,
    "PRICE_LEVEL_EXPENSIVE": 3,
    "PRICE_LEVEL_VERY_EXPENSIVE": 4,
}
# Place types (Places API New, table A) that name a cuisine.
CUISINES = {
    "afghani_restaurant": "Afghan", "african_restaurant": "African", "american_restaurant": "American",
    "asian_restaurant": "Asian", "barbecue_restaurant": "Barbecue", "brazilian_restaurant": "Brazilian",
    "chinese_restaurant": "Chinese", "french_restaurant": "French", "greek_restaurant": "Greek",
    "hamburger_restaurant": "Burgers", "indian_restaurant": "Indian", "indonesian_restaurant": "Indonesian",
    "italian_restaurant": "Italian", "japanese_restaurant": "Japanese", "korean_restaurant": "Korean",
    "lebanese_restaurant": "Lebanese", "mediterranean_restaurant": "Mediterranean",
    "mexican_restaurant": "Mexican", "middle_eastern_restaurant": "Middle Eastern", "pizza_restaurant": "Pizza",
    "ramen_restaurant": "Japanese", "seafood_restaurant": "Seafood", "spanish_restaurant": "Spanish",
    "steak_house": "Steakhouse", "sushi_restaurant": "Sushi", "thai_restaurant": "Thai",
    "turkish_restaurant": "Turkish", "vegan_restaurant": "Vegan", "vegetarian_restaurant": "Vegetarian",
    "vietnamese_restaurant": "Vietnamese", "bakery": "Bakery", "cafe": "Cafe", "coffee_shop": "Coffee",
    "ice_cream_shop": "Desserts", "dessert_shop": "Desserts", "sandwich_shop": "Sandwiches",
    "breakfast_restaurant": "Breakfast", "brunch_restaurant": "Brunch", "bar": "Bar", "pub": "Pub",
}  # fmt: skip
QUICK_SERVICE_TYPES = {"fast_food_restaurant", "meal_takeaway", "food_court", "ice_cream_shop", "coffee_shop"}
FAST_CASUAL_TYPES = {"sandwich_shop", "cafe", "bakery", "pizza_restaurant", "hamburger_restaurant", "deli"}
FINE_DINING_TYPES = {"fine_dining_restaurant"}
MICRO = Decimal("0.000001")


def _component(components: list[dict], kind: str, text: str = "longText") -> str:
    return next((part.get(text, "") for part in components if kind in part.get("types", [])), "")


def price_level(value: str | None) -> int | None:
    return PRICE_LEVELS.get(value or "")


def cuisine_for(types: list[str], primary_type: str = "") -> str:
    for kind in [primary_type, *types]:
        if kind in CUISINES:
            return CUISINES[kind]
    return ""


def service_level_for(types: list[str], primary_type: str = "", level: int | None = None) -> str:
    """Quick service, fast casual, casual or fine dining, from the place's types and then its price level."""
    kinds = {primary_type, *types}
    if kinds & FINE_DINING_TYPES:
        return ServiceLevel.FINE_DINING
    if kinds & QUICK_SERVICE_TYPES:
        return ServiceLevel.QUICK_SERVICE
    if kinds & FAST_CASUAL_TYPES:
        return ServiceLevel.FAST_CASUAL
    if level is not None and level >= 4:
        return ServiceLevel.FINE_DINING
    if "restaurant" in kinds or any(kind.endswith("_restaurant") for kind in kinds) or level is not None:
        return ServiceLevel.CASUAL_DINING
    return ""


def coordinate(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(MICRO, rounding=ROUND_HALF_UP)


def place_to_restaurant_fields(place: dict) -> dict:
    """Restaurant fields (as restaurant_create takes them) from a Places API (New) place resource."""
    components = place.get("addressComponents") or []
    types = place.get("types") or []
    primary = place.get("primaryType") or ""
    street = " ".join(
        part for part in (_component(components, "street_number"), _component(components, "route")) if part
    )
    city = (
        _component(components, "locality")
        or _component(components, "postal_town")
        or _component(components, "sublocality")
        or _component(components, "administrative_area_level_2")
    )
    level = price_level(place.get("priceLevel"))
    location = place.get("location") or {}
    fields = {
        "name": ((place.get("displayName") or {}).get("text") or "")[:100],
        "place_id": place.get("id") or "",
        "address_line_1": street[:200] or (place.get("formattedAddress") or "").split(",")[0][:200],
        "address_line_2": _component(components, "subpremise")[:200],
        "city": city[:100],
        "region": _component(components, "administrative_area_level_1", "shortText")[:100],
        "postal_code": _component(components, "postal_code")[:20],
        "country": _component(components, "country", "shortText").upper()[:2],
        "phone": (place.get("nationalPhoneNumber") or place.get("internationalPhoneNumber") or "")[:30],
        "website": (place.get("websiteUri") or "")[:500],
        "price_level": level,
        "latitude": coordinate(location.get("latitude")),
        "longitude": coordinate(location.get("longitude")),
        "cuisine": cuisine_for(types, primary),
        "service_level": service_level_for(types, primary, level),
    }
    # Only what Google told us: a field missing from the (tiered) response must not blank a stored value.
    return {name: value for name, value in fields.items() if value not in ("", None)}
