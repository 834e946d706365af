"""Delegations in the API: a manager names another manager who decides for them between two dates."""

from http import HTTPStatus

from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from accounts.delegations import delegation_create, delegation_delete, delegations_of
from accounts.models import ApprovalDelegation, Role, User


class DelegationSerializer(serializers.ModelSerializer):
    manager = serializers.EmailField(source="manager.email", read_only=True)
    delegate = serializers.SlugRelatedField(
        slug_field="email", queryset=User.objects.filter(role=Role.MANAGER, is_active=True)
    )

    class Meta:
        model = ApprovalDelegation
        fields = ["id", "manager", "delegate", "starts_on", "ends_on", "note", "created_at"]
        read_only_fields = ["created_at"]


class DelegationViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Delegations you gave or hold. Creating one (managers) names the delegate by e-mail."""

    queryset = ApprovalDelegation.objects.none()
    serializer_class = DelegationSerializer

    def get_queryset(self):
        return delegations_of(self.request.user).order_by("-starts_on", "id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        delegation = delegation_create(manager=request.user, **serializer.validated_data)
        return Response(self.get_serializer(delegation).data, status=HTTPStatus.CREATED)

    def destroy(self, request, *args, **kwargs):
        delegation_delete(delegation=self.get_object(), actor=request.user)
        return Response(status=HTTPStatus.NO_CONTENT)
