"""Budgets and notices API: list with progress (one aggregate query), create, change, delete; read notices."""

from http import HTTPStatus

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from reports.api.serializers import (
    BudgetInputSerializer,
    BudgetListSerializer,
    BudgetSerializer,
    NoticeListSerializer,
    NoticeSerializer,
)
from reports.models import Notice
from reports.services import budgets as services


def _serialize(budgets, many=False):
    items = list(budgets) if many else [budgets]
    progress = services.budget_progress(items)
    data = BudgetSerializer(items, many=True, context={"progress": progress}).data
    return data if many else data[0]


class BudgetListView(APIView):
    """GET /api/v1/budgets/ (with progress and projection); POST creates one."""

    @extend_schema(operation_id="budgets_list", responses=BudgetListSerializer)
    def get(self, request):
        return Response({"results": _serialize(services.budgets_visible_to(request.user), many=True)})

    @extend_schema(operation_id="budgets_create", request=BudgetInputSerializer, responses={201: BudgetSerializer})
    def post(self, request):
        data = BudgetInputSerializer(data=request.data, user=request.user)
        data.is_valid(raise_exception=True)
        budget = services.budget_create(actor=request.user, **data.validated_data)
        return Response(_serialize(budget), status=HTTPStatus.CREATED)


class BudgetDetailView(APIView):
    """GET, PATCH, DELETE /api/v1/budgets/<id>/ — someone else's budget is a 404."""

    def get_object(self):
        return get_object_or_404(services.budgets_visible_to(self.request.user), pk=self.kwargs["pk"])

    @extend_schema(operation_id="budgets_retrieve", responses=BudgetSerializer)
    def get(self, request, pk):
        return Response(_serialize(self.get_object()))

    @extend_schema(operation_id="budgets_partial_update", request=BudgetInputSerializer, responses=BudgetSerializer)
    def patch(self, request, pk):
        budget = self.get_object()
        data = BudgetInputSerializer(data=request.data, user=request.user, partial=True)
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k != "team"}
        budget = services.budget_update(budget=budget, actor=request.user, **fields)
        return Response(_serialize(budget))

    @extend_schema(operation_id="budgets_destroy", responses={204: None})
    def delete(self, request, pk):
        services.budget_delete(budget=self.get_object(), actor=request.user)
        return Response(status=HTTPStatus.NO_CONTENT)


class NoticeListView(APIView):
    """GET /api/v1/notices/ — the caller's in-app notices, newest first (?unread=true for unread only)."""

    @extend_schema(
        operation_id="notices_list",
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="only unread notices")],
        responses=NoticeListSerializer,
    )
    def get(self, request):
        notices = Notice.objects.filter(recipient=request.user)
        if request.query_params.get("unread") in {"1", "true"}:
            notices = notices.filter(read_at__isnull=True)
        return Response({"results": NoticeSerializer(notices[:100], many=True).data})


class NoticeReadView(APIView):
    """POST /api/v1/notices/<id>/read/ marks one of the caller's notices read."""

    @extend_schema(operation_id="notices_read", request=None, responses=NoticeSerializer)
    def post(self, request, pk):
        notice = get_object_or_404(Notice.objects.filter(recipient=request.user), pk=pk)
        return Response(NoticeSerializer(services.notice_mark_read(notice=notice)).data)
