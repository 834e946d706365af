"""The loyalty API: your rewards programmes, your account in each (the number written, never read back: answers
show it masked), which merchant earns in which programme, and the CSV/JSON export and import."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from expenses.loyalty import selectors
from expenses.loyalty.transfer import loyalty_export_file, loyalty_file_read, loyalty_import
from expenses.models import MerchantRewardsLink, RewardsMembership, RewardsProgram
from expenses.selectors import merchants_all
from expenses.services import loyalty as services
from mealtracker.api.parsers import JSONParser
from mealtracker.errors import DomainError


class MerchantBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RewardsMembershipSerializer(serializers.ModelSerializer):
    program = serializers.PrimaryKeyRelatedField(queryset=RewardsProgram.objects.none())
    account_number = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=100,
        help_text="Stored encrypted; answers show only `account_number_masked`.",
    )  # fmt: skip
    account_number_masked = serializers.CharField(read_only=True)
    points_balance = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)

    class Meta:
        model = RewardsMembership
        fields = ["id", "program", "membership_email", "membership_phone", "portal_username", "account_number",
                  "account_number_masked", "tier", "points_balance", "notes", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if "program" not in fields:
            return fields
        if request is not None and request.user.is_authenticated:
            # Only the caller's own programmes: anyone else's is a 400 on `program`.
            fields["program"].queryset = RewardsProgram.objects.filter(owner=request.user)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["program"].read_only = True  # an account moves by being deleted and created again
        return fields


class MembershipInProgramSerializer(RewardsMembershipSerializer):
    class Meta(RewardsMembershipSerializer.Meta):
        fields = [name for name in RewardsMembershipSerializer.Meta.fields if name not in {"program", "account_number"}]


class RewardsProgramSerializer(serializers.ModelSerializer):
    membership = serializers.SerializerMethodField()
    merchants = serializers.SerializerMethodField()

    class Meta:
        model = RewardsProgram
        fields = ["id", "name", "website", "portal_url", "email", "phone", "notes", "membership", "merchants",
                  "created_at", "updated_at"]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    @extend_schema(responses=MembershipInProgramSerializer(allow_null=True))
    def get_membership(self, program) -> dict | None:
        membership = next(iter(program.memberships.all()), None)
        return MembershipInProgramSerializer(membership).data if membership else None

    @extend_schema(responses=MerchantBriefSerializer(many=True))
    def get_merchants(self, program) -> list[dict]:
        links = sorted(program.merchant_links.all(), key=lambda link: link.merchant.name.lower())
        return [{"id": link.merchant_id, "name": link.merchant.name} for link in links]


class MerchantRewardsLinkSerializer(serializers.ModelSerializer):
    merchant = serializers.PrimaryKeyRelatedField(queryset=merchants_all())
    program = serializers.PrimaryKeyRelatedField(queryset=RewardsProgram.objects.none())
    merchant_name = serializers.CharField(source="merchant.name", read_only=True)
    program_name = serializers.CharField(source="program.name", read_only=True)

    class Meta:
        model = MerchantRewardsLink
        fields = ["id", "merchant", "merchant_name", "program", "program_name", "created_at"]
        read_only_fields = ["created_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            fields["program"].queryset = RewardsProgram.objects.filter(owner=request.user)
        return fields


class LoyaltyImportSerializer(serializers.Serializer):
    file = serializers.FileField(required=False, help_text="A CSV or JSON loyalty export (multipart).")
    csv = serializers.CharField(required=False, help_text="CSV text, instead of a file.")
    programs = serializers.ListField(child=serializers.DictField(), required=False, help_text="A JSON export's list.")


class LoyaltyImportResultSerializer(serializers.Serializer):
    programs_created = serializers.IntegerField()
    programs_updated = serializers.IntegerField()
    memberships_saved = serializers.IntegerField()
    links_saved = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.CharField())


EXPORT_PARAMETERS = [
    OpenApiParameter("file_format", OpenApiTypes.STR, enum=["json", "csv"], description="Default json."),
    OpenApiParameter(
        "account_numbers", OpenApiTypes.BOOL,
        description="Include the account numbers in clear (the file is not encrypted). Default: left out.",
    ),
]  # fmt: skip
CRUD = ["get", "post", "patch", "delete", "head", "options"]


def _truthy(value) -> bool:
    return str(value or "").lower() in {"1", "true", "yes", "on"}


class RewardsProgramViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your rewards programmes, each with your account (number masked) and the merchants that earn in it."""

    queryset = RewardsProgram.objects.none()  # the model, for the schema; get_queryset() applies visibility
    serializer_class = RewardsProgramSerializer
    http_method_names = CRUD
    search_fields = ["name"]
    ordering_fields = ["name", "created_at"]

    def get_queryset(self):
        return selectors.rewards_programs_owned_by(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.rewards_program_create(owner=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.rewards_program_update(program=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.rewards_program_delete(program=instance)

    @extend_schema(
        parameters=EXPORT_PARAMETERS,
        responses={(200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT), (200, "text/csv"): str},
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def export(self, request):
        """All your programmes as a JSON document or CSV (one row per programme), for `import` or a spreadsheet."""
        numbers = _truthy(request.query_params.get("account_numbers"))
        file_format = request.query_params.get("file_format", "json")
        text, content_type = loyalty_export_file(request.user, file_format=file_format, include_account_numbers=numbers)
        response = HttpResponse(text, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="loyalty.{file_format}"'
        response["Cache-Control"] = "private, no-store"
        return response

    @extend_schema(request=LoyaltyImportSerializer, responses=LoyaltyImportResultSerializer)
    @action(
        detail=False, methods=["post"], url_path="import", url_name="import", pagination_class=None,
        filter_backends=[], parser_classes=[JSONParser, MultiPartParser, FormParser],
    )  # fmt: skip
    def import_file(self, request):
        """Create or update programmes by name from an export (a `file`, `csv` text or a JSON document's
        `programs`); all or nothing. Unknown merchants are warnings."""
        data = request.data if isinstance(request.data, dict) else {}  # a JSON body may be null or a list
        if "file" in request.FILES:
            document, csv_text = loyalty_file_read(request.FILES["file"])
        elif "programs" in data:
            document, csv_text = {"programs": data["programs"]}, None
        elif "csv" in data:
            document, csv_text = None, str(data["csv"])
        else:
            raise DomainError("Send a file, CSV text or a JSON export.", field="file")
        summary = loyalty_import(request.user, document=document, csv_text=csv_text)
        return Response(LoyaltyImportResultSerializer(summary).data)


class RewardsMembershipViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your account in each programme (one per programme). The account number is written, never read back."""

    queryset = RewardsMembership.objects.none()
    serializer_class = RewardsMembershipSerializer
    http_method_names = CRUD

    def get_queryset(self):
        return selectors.rewards_memberships_owned_by(self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        program = data.pop("program")
        serializer.instance = services.rewards_membership_create(owner=self.request.user, program=program, **data)

    def perform_update(self, serializer):
        serializer.instance = services.rewards_membership_update(
            membership=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.rewards_membership_delete(membership=instance)


class MerchantRewardsLinkViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Which of your programmes earns at a merchant: one per merchant (linking again replaces the programme)."""

    queryset = MerchantRewardsLink.objects.none()
    serializer_class = MerchantRewardsLinkSerializer

    def get_queryset(self):
        return selectors.merchant_rewards_links_owned_by(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.merchant_rewards_link_set(owner=self.request.user, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.merchant_rewards_link_delete(link=instance)
