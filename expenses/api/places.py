"""Google places in the API, as on the web: search by text (optionally near a point), a place's details, and a new
restaurant from a place. The server's key stays on the server; every call is cached, asks only its billing tier's
fields, and counts towards the same per-user budget of paid lookups as the web pages (a 429 past it)."""

from decimal import Decimal
from http import HTTPStatus

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import Throttled
from rest_framework.response import Response
from rest_framework.views import APIView

from expenses.api.serializers import RestaurantSerializer
from expenses.places import places_enabled
from expenses.places.client import MAX_RESULTS, PLACE_ID_RE
from expenses.services.places import place_details, place_search, restaurant_from_place
from expenses.views.throttle import over_budget

NEAR_QUERY = "restaurants"  # what a search near a point without words looks for


class PlaceSearchQuerySerializer(serializers.Serializer):
    query = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Words; without them, restaurants near the point."
    )
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False)
    longitude = serializers.DecimalField(max_digits=10, decimal_places=6, min_value=-180, max_value=180, required=False)
    radius_km = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0.1"), max_value=50, required=False,
        help_text="With a point: drop places farther than this.",
    )  # fmt: skip
    max_results = serializers.IntegerField(min_value=1, max_value=MAX_RESULTS, default=10)

    def validate(self, attrs):
        if ("latitude" in attrs) != ("longitude" in attrs):
            raise serializers.ValidationError({"longitude": "Give latitude and longitude together."})
        if not (attrs.get("query") or "").strip() and "latitude" not in attrs:
            raise serializers.ValidationError({"query": "Give words to search for, or a point to search near."})
        return attrs


class PlaceSerializer(serializers.Serializer):
    """A place as the restaurant fields it would fill."""

    place_id = serializers.CharField()
    name = serializers.CharField(required=False)
    formatted_address = serializers.CharField(required=False, allow_blank=True)
    address_line_1 = serializers.CharField(required=False, allow_blank=True)
    city = serializers.CharField(required=False, allow_blank=True)
    region = serializers.CharField(required=False, allow_blank=True)
    postal_code = serializers.CharField(required=False, allow_blank=True)
    country = serializers.CharField(required=False, allow_blank=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=10, decimal_places=6, required=False, allow_null=True)
    phone = serializers.CharField(required=False, allow_blank=True)
    website = serializers.CharField(required=False, allow_blank=True)
    price_level = serializers.IntegerField(required=False, allow_null=True)
    cuisine = serializers.CharField(required=False, allow_blank=True)
    service_level = serializers.CharField(required=False, allow_blank=True)
    distance_km = serializers.FloatField(required=False, help_text="From the point searched near.")
    already_saved = serializers.IntegerField(
        required=False, allow_null=True, help_text="Your restaurant with this place id, if you saved it."
    )


class PlaceListSerializer(serializers.Serializer):
    results = PlaceSerializer(many=True)


class PlaceLookup(APIView):
    """Hidden (404) where place lookups are off; each call is one paid lookup of the caller's budget."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not hasattr(self, request.method.lower()):
            return  # a method the route does not offer: DRF answers 405
        if not places_enabled():
            raise Http404("Place lookup is not set up on this server.")
        if over_budget(request.user, "places", settings.PLACES_USER_CALLS_PER_MINUTE):
            raise Throttled(wait=60, detail="Too many place lookups in a minute; wait a moment and try again.")


def _place_id(value: str) -> str:
    if not PLACE_ID_RE.match(value or ""):
        raise Http404("That is not a place id.")
    return value


class PlaceSearchView(PlaceLookup):
    @extend_schema(operation_id="places_search", parameters=[PlaceSearchQuerySerializer], responses=PlaceListSerializer)
    def get(self, request):
        """Google places for words (near a point when given), as restaurant fields; `already_saved` names yours."""
        params = PlaceSearchQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        results = place_search(
            user=request.user,
            query=(data.get("query") or "").strip() or NEAR_QUERY,
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            radius_km=data.get("radius_km"),
            max_results=data["max_results"],
        )
        return Response({"results": PlaceSerializer(results, many=True).data})


class PlaceDetailView(PlaceLookup):
    @extend_schema(operation_id="places_retrieve", responses=PlaceSerializer)
    def get(self, request, place_id: str):
        """One place's details as restaurant fields."""
        return Response(PlaceSerializer(place_details(place_id=_place_id(place_id))).data)


class PlaceAddView(PlaceLookup):
    @extend_schema(operation_id="places_add", request=None, responses={201: RestaurantSerializer})
    def post(self, request, place_id: str):
        """A new restaurant of yours from the place's details (linked to its brand); 409 if you saved it."""
        restaurant = restaurant_from_place(owner=request.user, place_id=_place_id(place_id))
        return Response(RestaurantSerializer(restaurant, context={"request": request}).data, status=HTTPStatus.CREATED)
