"""Meal policies (managers) and the over-policy flags on expenses."""

from http import HTTPStatus

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from expenses.policy_selectors import meal_policies_visible_to, policy_flags_visible_to
from expenses.services import policies as services
from reports.api.serializers import (
    MealPolicyInputSerializer,
    MealPolicyListSerializer,
    MealPolicySerializer,
    PolicyFlagListSerializer,
    PolicyFlagSerializer,
)

MAX_FLAGS = 500


class MealPolicyListView(APIView):
    """GET /api/v1/meal-policies/; POST sets (creates or replaces) the limit of a team for a meal type."""

    @extend_schema(operation_id="meal_policies_list", responses=MealPolicyListSerializer)
    def get(self, request):
        policies = meal_policies_visible_to(request.user)
        return Response({"results": MealPolicySerializer(policies, many=True).data})

    @extend_schema(
        operation_id="meal_policies_create", request=MealPolicyInputSerializer, responses={201: MealPolicySerializer}
    )
    def post(self, request):
        data = MealPolicyInputSerializer(data=request.data, user=request.user)
        data.is_valid(raise_exception=True)
        policy = services.meal_policy_set(actor=request.user, **data.validated_data)
        return Response(MealPolicySerializer(policy).data, status=HTTPStatus.CREATED)


class MealPolicyDetailView(APIView):
    """GET, DELETE /api/v1/meal-policies/<id>/."""

    def get_object(self):
        return get_object_or_404(meal_policies_visible_to(self.request.user), pk=self.kwargs["pk"])

    @extend_schema(operation_id="meal_policies_retrieve", responses=MealPolicySerializer)
    def get(self, request, pk):
        return Response(MealPolicySerializer(self.get_object()).data)

    @extend_schema(operation_id="meal_policies_destroy", responses={204: None})
    def delete(self, request, pk):
        services.meal_policy_delete(actor=request.user, policy=self.get_object())
        return Response(status=HTTPStatus.NO_CONTENT)


class PolicyFlagListView(APIView):
    """GET /api/v1/policy-flags/?status=submitted — over-policy expenses the caller may see (approvals queue)."""

    @extend_schema(
        operation_id="policy_flags_list",
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, description="the expense's status, e.g. submitted")],
        responses=PolicyFlagListSerializer,
    )
    def get(self, request):
        flags = policy_flags_visible_to(request.user).order_by("-created_at", "-id")
        if status := request.query_params.get("status"):
            flags = flags.filter(expense__status=status)
        return Response({"results": PolicyFlagSerializer(flags[:MAX_FLAGS], many=True).data})
