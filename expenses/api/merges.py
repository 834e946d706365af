"""Merging duplicate restaurants (each member their own) and catalogue merchants (admins): the API's inputs and
answers around restaurant_merge and merchant_merge."""

from rest_framework import serializers
from rest_framework.response import Response

from expenses.services.merchants import merchant_merge
from expenses.services.restaurants import restaurant_merge


class RestaurantMergeSerializer(serializers.Serializer):
    restaurants = serializers.ListField(
        child=serializers.IntegerField(min_value=1), help_text="Ids of two or more of your restaurants."
    )
    keep = serializers.IntegerField(min_value=1, help_text="The one to keep (it may be left out of `restaurants`).")


class MerchantMergeSerializer(serializers.Serializer):
    merchants = serializers.ListField(
        child=serializers.IntegerField(min_value=1), help_text="Ids of two or more catalogue merchants."
    )
    keep = serializers.IntegerField(min_value=1, help_text="The one to keep (it may be left out of `merchants`).")


class RestaurantMergeResultSerializer(serializers.Serializer):
    kept = serializers.IntegerField(help_text="The restaurant kept.")
    merged = serializers.IntegerField(help_text="How many restaurants were merged into it (and deleted).")
    moved = serializers.DictField(child=serializers.IntegerField(), help_text="Rows re-pointed, by kind.")
    aliases = serializers.IntegerField(help_text="Aliases added to the restaurant kept.")


class MerchantMergeResultSerializer(serializers.Serializer):
    kept = serializers.IntegerField()
    merged = serializers.IntegerField()
    restaurants = serializers.IntegerField(help_text="Restaurants now linked to the merchant kept.")
    rewards_links = serializers.IntegerField(help_text="Members' loyalty links now on the merchant kept.")
    aliases = serializers.IntegerField()


def restaurant_merge_response(request) -> Response:
    form = RestaurantMergeSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    done = restaurant_merge(
        owner=request.user, restaurant_ids=form.validated_data["restaurants"], keep_id=form.validated_data["keep"]
    )
    return Response({"kept": done.kept.pk, "merged": done.merged, "moved": done.moved, "aliases": done.aliases})


def merchant_merge_response(request) -> Response:
    form = MerchantMergeSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    done = merchant_merge(
        actor=request.user, merchant_ids=form.validated_data["merchants"], keep_id=form.validated_data["keep"]
    )
    answer = {"kept": done.kept.pk, "merged": done.merged, "restaurants": done.restaurants}
    return Response({**answer, "rewards_links": done.rewards_links, "aliases": done.aliases})
