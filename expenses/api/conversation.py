"""The API of an expense's history and comments, the caller's notifications and preferences, and (admins) webhooks."""

from http import HTTPStatus

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import EmailDelivery, NotificationKind
from expenses.conversation_selectors import comments_on
from expenses.history_selectors import expense_history
from expenses.models import Notification, WebhookDelivery, WebhookEndpoint
from expenses.report_selectors import report_get
from expenses.selectors import expense_get
from expenses.services.comments import comment_create
from expenses.services.notifications import (
    notification_mark_read,
    notifications_mark_all_read,
    preferences_for,
    preferences_update,
)
from expenses.services.webhooks import (
    WEBHOOK_EVENTS,
    webhook_delivery_replay,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_update,
)
from mealtracker.api.pagination import CursorPagination


class ChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    actor = serializers.SerializerMethodField()
    source = serializers.CharField()
    changes = serializers.DictField(
        child=serializers.DictField(allow_null=True),
        help_text='Each changed field: {"old", "new", "old_label", "new_label"} (values as text, null when empty).',
    )

    def get_actor(self, change) -> str:
        return change.actor_label or (change.actor.email if change.actor else "")


class ExpenseHistoryView(APIView):
    """Every change of the expense after it was created (and its creation): who, when, through what, each field's
    old and new value. Append-only."""

    @extend_schema(responses={200: ChangeSerializer(many=True)})
    def get(self, request, pk):
        expense = expense_get(user=request.user, pk=pk)
        return Response(ChangeSerializer(expense_history(expense), many=True).data)


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    author = serializers.SerializerMethodField()
    body = serializers.CharField(max_length=4000, help_text="Mention someone with @name or @name@example.com.")
    mentions = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)

    def get_author(self, comment) -> str:
        return comment.author.email if comment.author else ""

    def get_mentions(self, comment) -> list[str]:
        return [user.email for user in comment.mentions.all()]


class _CommentsView(APIView):
    def subject(self, request, pk) -> dict:
        raise NotImplementedError

    @extend_schema(responses={200: CommentSerializer(many=True)})
    def get(self, request, pk):
        comments = comments_on(**self.subject(request, pk)).prefetch_related("mentions")
        return Response(CommentSerializer(comments, many=True).data)

    @extend_schema(request=CommentSerializer, responses={201: CommentSerializer})
    def post(self, request, pk):
        form = CommentSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        comment = comment_create(author=request.user, body=form.validated_data["body"], **self.subject(request, pk))
        return Response(CommentSerializer(comment).data, status=HTTPStatus.CREATED)


class ExpenseCommentsView(_CommentsView):
    """The conversation on an expense between its owner and approvers; mentions of people who may see it notify."""

    def subject(self, request, pk) -> dict:
        return {"expense": expense_get(user=request.user, pk=pk)}


class ReportCommentsView(_CommentsView):
    """The conversation on an expense report."""

    def subject(self, request, pk) -> dict:
        return {"report": report_get(user=request.user, pk=pk)}


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "expense", "report", "read_at", "created_at"]
        read_only_fields = fields


class NotificationPagination(CursorPagination):
    ordering = ("-created_at", "-id")


class NotificationViewSet(viewsets.GenericViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Your notifications, newest first; `?unread=true` for the unread ones. The bell's count is `unread_count`."""

    serializer_class = NotificationSerializer
    pagination_class = NotificationPagination
    queryset = Notification.objects.none()

    def get_queryset(self):
        notifications = Notification.objects.filter(recipient=self.request.user)
        if self.request.query_params.get("unread") in {"1", "true"}:
            notifications = notifications.filter(read_at__isnull=True)
        return notifications

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        response.data["unread_count"] = request.user.unread_notifications
        return response

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = notification_mark_read(notification=self.get_object(), user=request.user)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses={200: dict})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked_read": notifications_mark_all_read(user=request.user)})


class PreferencesSerializer(serializers.Serializer):
    muted_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=NotificationKind.choices), help_text="Kinds never e-mailed."
    )
    delivery = serializers.ChoiceField(choices=EmailDelivery.choices)


class NotificationPreferencesView(APIView):
    """Which notification kinds are e-mailed to you, and whether one by one or in a daily digest."""

    @extend_schema(responses=PreferencesSerializer)
    def get(self, request):
        return Response(PreferencesSerializer(preferences_for(request.user)).data)

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer)
    def put(self, request):
        form = PreferencesSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return Response(PreferencesSerializer(preferences_update(user=request.user, **form.validated_data)).data)


class IsSiteAdmin(BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_admin)


class WebhookEndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=sorted(WEBHOOK_EVENTS)))
    secret = serializers.CharField(
        required=False, write_only=True, max_length=128, help_text="Generated when not given; shown once."
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "secret", "description", "is_active", "created_at"]
        read_only_fields = ["id", "created_at"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id", "endpoint", "event", "event_id", "status", "attempts", "next_attempt_at", "last_attempt_at",
            "response_status", "response_body", "error", "replay_of", "created_at", "payload",
        ]  # fmt: skip
        read_only_fields = fields


class WebhookEndpointViewSet(
    viewsets.GenericViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
):
    """Webhook endpoints (admins only): https URLs on public addresses, the events they hear, the signing secret."""

    serializer_class = WebhookEndpointSerializer
    permission_classes = [IsSiteAdmin]
    queryset = WebhookEndpoint.objects.none()

    def get_queryset(self):
        return WebhookEndpoint.objects.order_by("id")

    def create(self, request, *args, **kwargs):
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_create(actor=request.user, **form.validated_data)
        data = WebhookEndpointSerializer(endpoint).data
        data["secret"] = endpoint.secret  # shown once, to set up the receiver
        return Response(data, status=HTTPStatus.CREATED)

    def perform_update(self, serializer):
        serializer.instance = webhook_endpoint_update(
            actor=self.request.user, endpoint=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        webhook_endpoint_delete(actor=self.request.user, endpoint=instance)

    @extend_schema(responses=WebhookDeliverySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def deliveries(self, request, pk=None):
        """The endpoint's last 100 deliveries, newest first, with the receiver's answers."""
        deliveries = self.get_object().deliveries.order_by("-created_at", "-id")[:100]
        return Response(WebhookDeliverySerializer(deliveries, many=True).data)


class WebhookDeliveryReplayView(APIView):
    """Send a delivery's event again (same body and event id) as a new delivery (admins only)."""

    permission_classes = [IsSiteAdmin]

    @extend_schema(request=None, responses={201: WebhookDeliverySerializer})
    def post(self, request, pk):
        delivery = get_object_or_404(WebhookDelivery, pk=pk)
        replay = webhook_delivery_replay(actor=request.user, delivery=delivery)
        return Response(WebhookDeliverySerializer(replay).data, status=HTTPStatus.CREATED)
