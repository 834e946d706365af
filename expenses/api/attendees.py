"""The colleagues a caller may name as attendees of their meals (the API's list to pick from)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from expenses.attendee_selectors import colleagues_of


class ColleagueSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()


class ColleagueList(APIView):
    """The active members and managers of your team: the `user` ids an expense's attendees may name."""

    @extend_schema(responses={200: ColleagueSerializer(many=True)})
    def get(self, request):
        colleagues = colleagues_of(request.user).only("id", "email", "display_name")
        return Response(ColleagueSerializer(colleagues, many=True).data)
