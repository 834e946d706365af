"""Where the user's restaurants are: "my restaurants near me", with the distance computed by the database."""

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.db.models import F, FloatField, Q, QuerySet, Value
from django.db.models.functions import ASin, Cast, Cos, Least, Power, Radians, Sin, Sqrt

from accounts.models import User
from expenses.models import Restaurant
from mealtracker.errors import DomainError

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = 111.32
MAX_RADIUS_KM = 500
MICRO = Decimal("0.000001")


def _degrees(value: float, rounding: str) -> Decimal:
    return Decimal(repr(value)).quantize(MICRO, rounding=rounding)


def _bounding_box(latitude: float, longitude: float, radius_km: float) -> Q:
    """A latitude/longitude box around the circle (served by the (owner, latitude, longitude) index)."""
    margin = 1.01  # a hair wider than the circle, so rounding never drops a point on the edge
    dlat = radius_km / KM_PER_DEGREE * margin
    south, north = max(-90.0, latitude - dlat), min(90.0, latitude + dlat)
    box = Q(latitude__gte=_degrees(south, ROUND_FLOOR), latitude__lte=_degrees(north, ROUND_CEILING))
    cos_lat = min(math.cos(math.radians(south)), math.cos(math.radians(north)))
    if north >= 90 or south <= -90 or cos_lat <= 1e-9:
        return box  # the circle reaches a pole: every longitude is inside
    dlon = radius_km / (KM_PER_DEGREE * cos_lat) * margin
    if dlon >= 180:
        return box
    west, east = longitude - dlon, longitude + dlon
    if west < -180:  # the box crosses the antimeridian: two longitude ranges
        lon = Q(longitude__gte=_degrees(west + 360, ROUND_FLOOR)) | Q(longitude__lte=_degrees(east, ROUND_CEILING))
    elif east > 180:
        lon = Q(longitude__gte=_degrees(west, ROUND_FLOOR)) | Q(longitude__lte=_degrees(east - 360, ROUND_CEILING))
    else:
        lon = Q(longitude__gte=_degrees(west, ROUND_FLOOR), longitude__lte=_degrees(east, ROUND_CEILING))
    return box & lon


def metres_between(lat1, lon1, lat2, lon2) -> float:
    """Great-circle (haversine) distance in metres between two points given in degrees; the SQL's twin."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * 1000 * math.asin(min(1.0, math.sqrt(a)))


def distance_km_expression(latitude: float, longitude: float):
    """Haversine distance in km from a point to each row's coordinates, as a database expression."""
    lat0, lon0 = Value(math.radians(latitude)), Value(math.radians(longitude))
    lat1 = Radians(Cast(F("latitude"), FloatField()))
    lon1 = Radians(Cast(F("longitude"), FloatField()))
    half_chord = Power(Sin((lat1 - lat0) / 2), 2) + Cos(lat0) * Cos(lat1) * Power(Sin((lon1 - lon0) / 2), 2)
    # Least(..., 1) keeps float noise from pushing ASIN out of its domain for antipodal points.
    return Value(2 * EARTH_RADIUS_KM) * ASin(Least(Sqrt(half_chord), Value(1.0)), output_field=FloatField())


def restaurants_near(user: User, latitude, longitude, radius_km) -> QuerySet[Restaurant]:
    """The user's restaurants within `radius_km` of a point, nearest first, each with `distance_km`."""
    try:
        lat, lon, radius = float(latitude), float(longitude), float(radius_km)
    except (TypeError, ValueError) as exc:
        raise DomainError("Give a latitude, a longitude and a radius in km.") from exc
    if not -90 <= lat <= 90:
        raise DomainError("The latitude must be between -90 and 90.", field="latitude")
    if not -180 <= lon <= 180:
        raise DomainError("The longitude must be between -180 and 180.", field="longitude")
    if not 0 < radius <= MAX_RADIUS_KM:
        raise DomainError(f"The radius must be more than 0 and at most {MAX_RADIUS_KM} km.", field="radius_km")
    return (
        Restaurant.objects.filter(owner=user)
        .filter(_bounding_box(lat, lon, radius))
        .annotate(distance_km=distance_km_expression(lat, lon))
        .filter(distance_km__lte=radius)
        .select_related("merchant")
        .order_by("distance_km", "name", "pk")
    )
