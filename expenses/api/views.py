"""The expenses API. Thin: `get_queryset` starts from a visibility selector, writes call services."""

from http import HTTPStatus

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from expenses import selectors, services
from expenses.api import filters, merges, serializers
from expenses.api.receipt_reading import ReceiptReadingActions, presigned_download
from expenses.filters import ExpenseFilter
from expenses.models import Category, Expense, Merchant, Receipt, Restaurant, Tag
from expenses.permissions import IsAdminOrReadOnly
from expenses.rate_selectors import rate_checks
from expenses.services.merchants import merchant_create, merchant_delete, merchant_update
from expenses.services.receipt_uploads import receipt_check_inline_size
from expenses.services.receipts import receipt_attach, receipt_delete, receipt_stored_file, wants_thumbnail
from mealtracker.api.conditional import etag_for, expected_version
from mealtracker.api.filtering import FilterBackend
from mealtracker.api.idempotency import run_idempotently
from mealtracker.api.pagination import KeysFirstCursorPagination

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER,
    description="Retrying a create with the same key returns the first result instead of creating again.",
)  # fmt: skip
IF_MATCH_HEADER = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER,
    description="The ETag you read; a stale one answers 412 instead of overwriting a newer change.",
)  # fmt: skip
SCOPE_PARAMETER = OpenApiParameter(
    "scope", OpenApiTypes.STR, enum=["mine", "team"],
    description="`mine` (default): your own expenses; `team` (managers, admins): every expense you review.",
)  # fmt: skip


class CrudViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """List, create (idempotent with a key), read, PATCH and delete; PUT is not offered."""

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    @extend_schema(parameters=[IDEMPOTENCY_HEADER])
    def create(self, request, *args, **kwargs):
        return run_idempotently(request, lambda: super(CrudViewSet, self).create(request, *args, **kwargs))


class ExpensePagination(KeysFirstCursorPagination):
    ordering = ("-occurred_at", "-id")

    def pages_by_keys(self, request) -> bool:
        # One person's list reads straight down the (owner, -occurred_at) index; a team's spans many owners.
        return request.query_params.get("scope") == "team"

    totals_schema = {
        "type": "object",
        "description": "Count, sum and average per person of the whole filtered list, in the reporting currency.",
        "properties": {
            "count": {"type": "integer"},
            "total": {"type": "string", "format": "decimal"},
            "average_per_person": {"type": "string", "format": "decimal"},
            "currency": {"type": "string"},
        },
        "required": ["count", "total", "average_per_person", "currency"],
    }


@extend_schema_view(
    list=extend_schema(parameters=[SCOPE_PARAMETER]),
    partial_update=extend_schema(parameters=[IF_MATCH_HEADER]),
    destroy=extend_schema(parameters=[IF_MATCH_HEADER]),
)
class ExpenseViewSet(CrudViewSet):
    """Meals: yours, or your team's with `?scope=team`. Business meals go through the approval actions."""

    queryset = Expense.objects.none()  # the model, for the schema; get_queryset() applies visibility
    serializer_class = serializers.ExpenseSerializer
    pagination_class = ExpensePagination
    # Filters, `search` and `ordering` are the web list's and the reports' own (expenses.filters).
    filter_backends = [FilterBackend, filters.ExpenseOrdering]
    filterset_class = ExpenseFilter

    def get_queryset(self):
        if self.action == "list":
            return selectors.expenses_listed_for(self.request.user, scope=self.request.query_params.get("scope"))
        return selectors.expenses_listed_for(self.request.user, scope="team" if self._reviews() else "mine")

    def _reviews(self) -> bool:
        user = self.request.user
        return user.is_manager or user.is_admin or user.is_finance or user.is_auditor

    def get_object(self):
        return selectors.with_listed_relations([super().get_object()], reader=self.request.user)[0]

    def list(self, request, *args, **kwargs):
        scope = request.query_params.get("scope")
        filtered = self.filter_queryset(self.get_queryset())
        expenses = selectors.with_listed_columns(filtered, scope=scope)
        page = selectors.with_listed_relations(self.paginate_queryset(expenses), reader=request.user)
        if self.paginator.wants_totals(request):
            # Over the filtered list without the page's joins for names, which an aggregate would keep.
            self.paginator.totals = serializers.ExpenseTotalsSerializer(selectors.expense_totals(filtered)).data
        checks = rate_checks(page)  # the page's foreign-currency meals against their days' stored rates, one query
        for expense in page:
            expense.rate_check = checks.get(expense.pk)
        # One serializer renders each expense, rather than a ListSerializer holding the page: its parent/child
        # reference cycle kept every expense of the page alive until a full garbage collection (docs/performance.md).
        serializer = self.get_serializer()
        return self.get_paginated_response([serializer.to_representation(expense) for expense in page])

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = etag_for(self.get_object())
        return response

    def _respond(self, expense, status=HTTPStatus.OK):
        expense = selectors.with_listed_relations([self.get_queryset().get(pk=expense.pk)], reader=self.request.user)[0]
        return Response(self.get_serializer(expense).data, status=status, headers={"ETag": etag_for(expense)})

    def perform_create(self, serializer):
        user = self.request.user
        serializer.instance = services.expense_create(owner=user, actor=user, **serializer.validated_data)

    def create(self, request, *args, **kwargs):
        def create_once():
            serializer = self.get_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            self.perform_create(serializer)
            return self._respond(serializer.instance, status=HTTPStatus.CREATED)

        return run_idempotently(request, create_once)

    def partial_update(self, request, *args, **kwargs):
        expense = self.get_object()
        serializer = self.get_serializer(expense, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        updated = services.expense_update(
            expense=expense,
            actor=request.user,
            expected_version=expected_version(request, expense),
            **serializer.validated_data,
        )
        return self._respond(updated)

    def destroy(self, request, *args, **kwargs):
        expense = self.get_object()
        version = expected_version(request, expense)
        services.expense_delete(expense=expense, actor=request.user, expected_version=version)
        return Response(status=HTTPStatus.NO_CONTENT)

    def _transition(self, request, service, form_class=serializers.DecisionCommentSerializer):
        form = form_class(data=request.data)
        form.is_valid(raise_exception=True)
        return self._respond(service(expense=self.get_object(), actor=request.user, **form.validated_data))

    @extend_schema(request=serializers.DecisionCommentSerializer, responses=serializers.ExpenseSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The owner sends a draft or rejected business meal for approval."""
        return self._transition(request, services.expense_submit)

    @extend_schema(request=serializers.DecisionCommentSerializer, responses=serializers.ExpenseSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """The owner's manager (never the owner) or an admin approves a submitted meal."""
        return self._transition(request, services.expense_approve)

    @extend_schema(request=serializers.RejectSerializer, responses=serializers.ExpenseSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Send a submitted meal back to its owner with a reason."""
        return self._transition(request, services.expense_reject, serializers.RejectSerializer)

    @extend_schema(request=serializers.DecisionCommentSerializer, responses=serializers.ExpenseSerializer)
    @action(detail=True, methods=["post"])
    def reimburse(self, request, pk=None):
        """Record that an approved meal has been paid back."""
        return self._transition(request, services.expense_reimburse)

    @extend_schema(responses=serializers.ApprovalEventSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        """The approval trail: who moved the meal from which status to which, and why."""
        events = self.get_object().approval_events.select_related("actor", "on_behalf_of")
        return Response(serializers.ApprovalEventSerializer(events, many=True).data)


class RestaurantViewSet(CrudViewSet):
    """Your restaurants. Deleting one keeps its expenses (they lose the restaurant)."""

    queryset = Restaurant.objects.none()  # the model, for the schema; get_queryset() applies visibility
    serializer_class = serializers.RestaurantSerializer
    filterset_class = filters.RestaurantFilter
    search_fields = ["name", "location_name", "address_line_1", "city", "cuisine", "aliases__name"]
    ordering_fields = ["name", "city", "rating", "created_at"]
    ordering = ["name", "id"]

    def get_queryset(self):
        return selectors.restaurants_owned_by(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.restaurant_create(owner=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.restaurant_update(restaurant=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.restaurant_delete(restaurant=instance)

    @extend_schema(request=merges.RestaurantMergeSerializer, responses=merges.RestaurantMergeResultSerializer)
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def merge(self, request):
        """Merge two or more of your restaurants into `keep`: their expenses move to it and their names and
        addresses become its aliases (matched by imports, receipts and search). A foreign or unknown id, or a
        single restaurant, is a 400 naming `restaurants` or `keep`."""
        return merges.restaurant_merge_response(request)


class CategoryViewSet(CrudViewSet):
    """Your categories. Deleting one leaves its expenses uncategorised."""

    queryset = Category.objects.none()  # the model, for the schema; get_queryset() applies visibility
    serializer_class = serializers.CategorySerializer
    search_fields = ["name"]
    ordering_fields = ["name", "created_at"]
    ordering = ["name", "id"]

    def get_queryset(self):
        return selectors.categories_owned_by(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.category_create(owner=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.category_update(category=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.category_delete(category=instance)


class TagViewSet(CrudViewSet):
    """Your tags."""

    queryset = Tag.objects.none()  # the model, for the schema; get_queryset() applies visibility
    serializer_class = serializers.TagSerializer
    search_fields = ["name"]
    ordering_fields = ["name", "created_at"]
    ordering = ["name", "id"]

    def get_queryset(self):
        return selectors.tags_owned_by(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.tag_create(owner=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.tag_update(tag=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.tag_delete(tag=instance)


class MerchantViewSet(CrudViewSet):
    """The global catalogue of brands and chains: everyone reads, admins write."""

    queryset = Merchant.objects.none()  # the model, for the schema; get_queryset() applies visibility
    serializer_class = serializers.MerchantSerializer
    permission_classes = [IsAdminOrReadOnly]
    search_fields = ["name", "short_name", "cuisine"]
    ordering_fields = ["name", "created_at"]
    ordering = ["name", "id"]
    filterset_fields = ["format_category", "service_level", "is_chain"]

    def get_queryset(self):
        return selectors.merchants_all()

    def perform_create(self, serializer):
        serializer.instance = merchant_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = merchant_update(
            merchant=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        merchant_delete(merchant=instance, actor=self.request.user)

    @extend_schema(request=merges.MerchantMergeSerializer, responses=merges.MerchantMergeResultSerializer)
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def merge(self, request):
        """Admins: merge catalogue merchants into `keep`; restaurants and loyalty links move to it, the merged names
        become its aliases for matching."""
        return merges.merchant_merge_response(request)


THUMBNAIL_PARAMETER = OpenApiParameter(
    "thumbnail", OpenApiTypes.STR, enum=["0", "1", "false", "true"],
    description="1: the receipt's JPEG thumbnail (images only; a receipt without one, e.g. a PDF, answers 404 "
    "`no_thumbnail`). Left out: the file itself.",
)  # fmt: skip


@extend_schema_view(
    create=extend_schema(
        request={"multipart/form-data": serializers.ReceiptSerializer},
        responses={201: serializers.ReceiptUploadSerializer},
    )
)
class ReceiptViewSet(
    ReceiptReadingActions,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Receipts of the expenses you may see. Upload as multipart (`expense`, `file`); download streams the file.

    Attaching and removing follow the expense's lock: its owner until it is submitted, an admin at any time (each
    such change by an admin is written to the approval trail); otherwise 403.
    """

    queryset = Receipt.objects.none()  # the model, for the schema; get_queryset() applies visibility
    serializer_class = serializers.ReceiptSerializer
    filterset_class = filters.ReceiptFilter
    search_fields = ["original_name"]
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return selectors.receipts_visible_to(self.request.user)

    @extend_schema(parameters=[IDEMPOTENCY_HEADER])
    def create(self, request, *args, **kwargs):
        return run_idempotently(request, lambda: super(ReceiptViewSet, self).create(request, *args, **kwargs))

    def get_serializer_class(self):
        if self.action == "create":  # the upload's answer also says whether the file is a duplicate
            return serializers.ReceiptUploadSerializer
        return super().get_serializer_class()

    def perform_create(self, serializer):
        data = serializer.validated_data
        receipt_check_inline_size(data["file"])  # larger ones: POST /api/v1/receipts/uploads/ (straight to S3)
        serializer.instance = receipt_attach(expense=data["expense"], file=data["file"], actor=self.request.user)

    def perform_destroy(self, instance):
        receipt_delete(receipt=instance, actor=self.request.user)

    @extend_schema(
        parameters=[THUMBNAIL_PARAMETER],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, or its JPEG thumbnail with `thumbnail=1`."
            )
        },
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def download(self, request, pk=None):
        """The stored file (or `?thumbnail=1` its thumbnail), streamed after the receipt's own permission check."""
        receipt = self.get_object()
        thumbnail = wants_thumbnail(request.query_params.get("thumbnail"))
        stored, content_type = receipt_stored_file(receipt, thumbnail=thumbnail)
        extension = "-thumbnail.jpg" if thumbnail else receipt.EXTENSIONS.get(receipt.content_type, "")
        name = f"receipt-{receipt.pk}{extension}"
        redirect = presigned_download(receipt, attachment_name=name, thumbnail=thumbnail)
        if redirect is not None:  # S3: a presigned URL valid PRESIGNED_URL_SECONDS, after the same check
            return redirect
        response = FileResponse(stored.open("rb"), content_type=content_type, as_attachment=True, filename=name)
        response["Cache-Control"] = "private, no-store"
        return response
