"""API for a bill's items, a meal's split, what colleagues owe each other and settling up.

GET/PUT  /api/v1/expenses/<id>/items/    the bill's line items (PUT replaces them all)
GET/PUT/DELETE /api/v1/expenses/<id>/split/   the meal's shares; PUT splits it (by items, evenly, shares, exact)
GET      /api/v1/shares/                 shares I owe (`?direction=owed_by_me`) or am owed (`owed_to_me`)
GET      /api/v1/balances/               my running balance with each colleague, per currency
GET/POST /api/v1/settlements/            settlements I paid or received; POST records one (never edited, deleted)
GET      /api/v1/settlements/<id>/
"""

from http import HTTPStatus

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin
from rest_framework.response import Response
from rest_framework.views import APIView

from expenses.models import Settlement, Split, SplitMethod
from expenses.selectors import expense_get
from expenses.services.splits import (
    expense_split,
    items_mismatch,
    line_items_replace,
    settlement_record,
    split_remove,
)
from expenses.split_selectors import (
    balances_for,
    colleagues_with_balances,
    debts_owed_by,
    debts_owed_to,
    items_total_of,
    line_items_of,
    settlement_get,
    settlements_visible_to,
    shares_of_expense,
)
from mealtracker.errors import DomainError, NotFound
from mealtracker.money import amount_text


class LineItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    description = serializers.CharField(max_length=200)
    quantity = serializers.DecimalField(max_digits=8, decimal_places=3, required=False, default=1)
    amount = serializers.DecimalField(max_digits=12, decimal_places=3, help_text="The line's cost, quantity included.")


class LineItemsInputSerializer(serializers.Serializer):
    items = LineItemSerializer(many=True, max_length=200)


class LineItemOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    description = serializers.CharField()
    quantity = serializers.CharField()
    amount = serializers.CharField()


class LineItemsSerializer(serializers.Serializer):
    items = LineItemOutSerializer(many=True)
    items_total = serializers.CharField(allow_null=True, help_text="The items' sum; null without items.")
    bill_mismatch = serializers.CharField(allow_null=True, help_text="items + tax + tip + fees - amount.")


class ShareSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    expense = serializers.IntegerField(source="expense_id")
    name = serializers.CharField()
    user = serializers.IntegerField(source="user_id", allow_null=True)
    attendee = serializers.IntegerField(source="attendee_id", allow_null=True)
    currency = serializers.CharField(source="expense.currency")
    subtotal = serializers.CharField()
    tax = serializers.CharField()
    tip = serializers.CharField()
    fees = serializers.CharField()
    total = serializers.CharField()
    rounding = serializers.CharField(help_text="What largest-remainder rounding gave this share beyond its exact part.")
    paid_by = serializers.IntegerField(source="expense.owner_id")
    occurred_at = serializers.DateTimeField(source="expense.occurred_at")

    def to_representation(self, share):
        currency = share.expense.currency
        data = {
            "id": share.pk,
            "expense": share.expense_id,
            "name": share.name,
            "user": share.user_id,
            "attendee": share.attendee_id,
            "currency": currency,
            "paid_by": share.expense.owner_id,
            "occurred_at": share.expense.occurred_at.isoformat(),
        }
        for column in ("subtotal", "tax", "tip", "fees", "total", "rounding"):
            data[column] = amount_text(getattr(share, column), currency)
        return data


class SplitSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=SplitMethod.choices, allow_null=True, help_text="Null: not split.")
    shares = ShareSerializer(many=True)


class ShareListSerializer(serializers.Serializer):
    results = ShareSerializer(many=True)


class BalanceUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class BalanceSerializer(serializers.Serializer):
    user = BalanceUserSerializer()
    currency = serializers.CharField()
    owed_to_me = serializers.CharField()
    i_owe = serializers.CharField()
    paid_to_me = serializers.CharField()
    paid_by_me = serializers.CharField()
    net = serializers.CharField(help_text="Positive: they owe me; negative: I owe them.")


class BalanceListSerializer(serializers.Serializer):
    results = BalanceSerializer(many=True)


class SplitInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=SplitMethod.choices)
    people = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        max_length=60,
        help_text='Evenly: the people\'s keys ("owner", "attendee-<id>"); all by default.',
    )
    weights = serializers.DictField(
        child=serializers.DecimalField(max_digits=12, decimal_places=3),
        required=False,
        help_text="By shares: each person's key and weight.",
    )
    amounts = serializers.DictField(
        child=serializers.DecimalField(max_digits=12, decimal_places=3),
        required=False,
        help_text="By exact amounts: each person's key and total.",
    )
    items = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(max_length=40), max_length=60),
        required=False,
        help_text="By items: each item id and the keys of who had it.",
    )


class SettlementSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    payer = serializers.IntegerField(help_text="The user who paid; you or the other person.")
    payee = serializers.IntegerField(help_text="The user who was paid; you or the other person.")
    amount = serializers.DecimalField(max_digits=12, decimal_places=3)
    currency = serializers.CharField(max_length=3)
    settled_on = serializers.DateField(required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    recorded_by = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, settlement):
        return {
            "id": settlement.pk,
            "payer": settlement.payer_id,
            "payee": settlement.payee_id,
            "amount": amount_text(settlement.amount, settlement.currency),
            "currency": settlement.currency,
            "settled_on": settlement.settled_on.isoformat(),
            "note": settlement.note,
            "recorded_by": settlement.recorded_by_id,
            "created_at": settlement.created_at.isoformat(),
        }


def _own_expense(request, pk):
    expense = expense_get(user=request.user, pk=pk)
    if expense.owner_id != request.user.pk and not request.user.is_admin:
        raise NotFound("Expense not found.")
    return expense


def _items_body(expense) -> dict:
    items = line_items_of(expense)
    total = items_total_of(expense) if items else None
    return {
        "items": [
            {"id": i.pk, "description": i.description, "quantity": f"{i.quantity.normalize():f}",
             "amount": amount_text(i.amount, expense.currency)}
            for i in items
        ],
        "items_total": amount_text(total, expense.currency),
        "bill_mismatch": amount_text(items_mismatch(expense, total), expense.currency),
    }  # fmt: skip


class LineItemsView(APIView):
    """The bill's items; PUT replaces them (only the payer). A mismatch with the amount is shown, never fixed."""

    @extend_schema(operation_id="expense_items_retrieve", responses=LineItemsSerializer)
    def get(self, request, pk):
        return Response(_items_body(_own_expense(request, pk)))

    @extend_schema(operation_id="expense_items_update", request=LineItemsInputSerializer,
                   responses=LineItemsSerializer)  # fmt: skip
    def put(self, request, pk):
        expense = _own_expense(request, pk)
        data = LineItemsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line_items_replace(expense=expense, actor=request.user, items=data.validated_data["items"])
        return Response(_items_body(expense))


def _split_body(request, expense) -> dict:
    split = Split.objects.filter(expense=expense).first()
    shares = shares_of_expense(request.user, expense)
    return {"method": split.method if split else None, "shares": ShareSerializer(shares, many=True).data}


class ExpenseSplitView(APIView):
    """A meal's shares (the payer sees all; a colleague who owes only their own via /shares/)."""

    @extend_schema(operation_id="expense_split_retrieve", responses=SplitSerializer)
    def get(self, request, pk):
        return Response(_split_body(request, _own_expense(request, pk)))

    @extend_schema(operation_id="expense_split_update", request=SplitInputSerializer,
                   responses=SplitSerializer)  # fmt: skip
    def put(self, request, pk):
        expense = _own_expense(request, pk)
        data = SplitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        arguments = dict(data.validated_data)
        if "items" in arguments:
            try:
                arguments["items"] = {int(key): value for key, value in arguments["items"].items()}
            except ValueError as exc:
                raise DomainError("Items are keyed by their id.", field="items") from exc
        expense_split(expense=expense, actor=request.user, **arguments)
        return Response(_split_body(request, expense))

    @extend_schema(operation_id="expense_split_destroy", responses={204: None})
    def delete(self, request, pk):
        split_remove(expense=_own_expense(request, pk), actor=request.user)
        return Response(status=HTTPStatus.NO_CONTENT)


class ShareListView(GenericAPIView):
    """What I owe colleagues (`owed_by_me`, the default) or they owe me (`owed_to_me`), newest meal first."""

    serializer_class = ShareSerializer
    pagination_class = None

    @extend_schema(
        operation_id="shares_list",
        parameters=[OpenApiParameter("direction", str, enum=["owed_by_me", "owed_to_me"])],
        responses=ShareListSerializer,
    )
    def get(self, request):
        direction = request.query_params.get("direction", "owed_by_me")
        if direction not in {"owed_by_me", "owed_to_me"}:
            raise DomainError("Use owed_by_me or owed_to_me.", field="direction")
        shares = debts_owed_by(request.user) if direction == "owed_by_me" else debts_owed_to(request.user)
        return Response({"results": ShareSerializer(shares[:100], many=True).data})


class BalanceListView(APIView):
    """My running balance with each colleague, per currency: positive `net` when they owe me."""

    @extend_schema(operation_id="balances_list", responses=BalanceListSerializer)
    def get(self, request):
        return Response({"results": [
            {"user": {"id": b.other.pk, "display_name": str(b.other)}, "currency": b.currency,
             "owed_to_me": amount_text(b.owed_to_me, b.currency), "i_owe": amount_text(b.i_owe, b.currency),
             "paid_to_me": amount_text(b.paid_to_me, b.currency), "paid_by_me": amount_text(b.paid_by_me, b.currency),
             "net": amount_text(b.net, b.currency)}
            for b in balances_for(request.user)
        ]})  # fmt: skip


class SettlementListView(ListModelMixin, GenericAPIView):
    """Settlements I paid or received, newest first; POST records one (either of the two people may)."""

    serializer_class = SettlementSerializer
    queryset = Settlement.objects.none()  # the model, for the schema; get_queryset() applies visibility

    def get_queryset(self):
        return settlements_visible_to(self.request.user)

    @extend_schema(operation_id="settlements_list")
    def get(self, request):
        return self.list(request)

    @extend_schema(operation_id="settlements_create", request=SettlementSerializer,
                   responses={201: SettlementSerializer})  # fmt: skip
    def post(self, request):
        data = SettlementSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        people = {fields["payer"], fields["payee"]}
        if request.user.pk not in people:
            raise DomainError("You can record only settlements you paid or received.", field="payer")
        other_pk = next(iter(people - {request.user.pk}), request.user.pk)
        other = colleagues_with_balances(request.user).filter(pk=other_pk).first()
        if other is None:
            field = "payee" if fields["payer"] == request.user.pk else "payer"
            raise DomainError("You can only settle up with someone you shared a meal with.", field=field)
        users = {request.user.pk: request.user, other.pk: other}
        settlement = settlement_record(
            payer=users[fields["payer"]], payee=users[fields["payee"]], amount=fields["amount"],
            currency=fields["currency"], settled_on=fields.get("settled_on"), note=fields["note"],
            recorded_by=request.user,
        )  # fmt: skip
        return Response(SettlementSerializer(settlement).data, status=HTTPStatus.CREATED)


class SettlementDetailView(APIView):
    @extend_schema(operation_id="settlements_retrieve", responses=SettlementSerializer)
    def get(self, request, pk):
        return Response(SettlementSerializer(settlement_get(user=request.user, pk=pk)).data)
