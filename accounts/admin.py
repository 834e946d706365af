from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from accounts.models import Team, User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "display_name", "role", "team", "timezone", "default_currency", "is_active"]
    list_filter = ["role", "team", "is_active"]
    search_fields = ["email", "display_name"]
    list_select_related = ["team"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["display_name", "timezone", "default_currency"]}),
        ("Access", {"fields": ["role", "team", "is_active"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "role", "team", "password1", "password2"]}),
    ]
    filter_horizontal = []


class TeamMemberInline(admin.TabularInline):
    model = User
    fk_name = "team"
    fields = ["email", "display_name", "role"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "manager_list", "created_at"]
    search_fields = ["name"]
    filter_horizontal = ["managers"]
    inlines = [TeamMemberInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("managers")

    @admin.display(description="Managers")
    def manager_list(self, team):
        return ", ".join(str(m) for m in team.managers.all())
