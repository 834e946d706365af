import uuid
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone as django_timezone

from accounts.validators import validate_currency, validate_timezone


class Role(models.TextChoices):
    MEMBER = "member", "Member"
    MANAGER = "manager", "Manager"
    ADMIN = "admin", "Admin"
    FINANCE = "finance", "Finance"  # second approver, reimbursement batches
    AUDITOR = "auditor", "Auditor"  # reads the teams assigned to them, changes nothing


# What each role may do in the Django admin, by permission codename. Admins hold every permission.
ROLE_PERMISSIONS = {
    Role.MEMBER: frozenset(),
    Role.MANAGER: frozenset(
        {
            "expenses.view_expense",
            "expenses.approve_expense",
            "expenses.view_receipt",
            "expenses.view_approvalevent",
            "expenses.view_attendee",
            "expenses.view_lineitem",
            "expenses.view_share",
            "expenses.view_settlement",
            "expenses.view_trip",
            "expenses.view_expensereport",
        }
    ),
}
# Auditors read what managers read in the back office (scoped to their assigned teams), and the reports around it.
ROLE_PERMISSIONS[Role.AUDITOR] = ROLE_PERMISSIONS[Role.MANAGER] - {"expenses.approve_expense"} | {
    "expenses.view_expensereport",
    "expenses.view_reimbursementbatch",
}
# Finance decides second approvals and pays batches; it reads the business meals of every team.
ROLE_PERMISSIONS[Role.FINANCE] = ROLE_PERMISSIONS[Role.AUDITOR] | {
    "expenses.approve_expense",
    "expenses.add_reimbursementbatch",
    "expenses.change_reimbursementbatch",
}
# Roles that sign in to the back office.
STAFF_ROLES = (Role.MANAGER, Role.ADMIN, Role.FINANCE, Role.AUDITOR)


class Team(models.Model):
    name = models.CharField(max_length=100)
    managers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="managed_teams", blank=True)
    # Substantiation: a business meal above this amount (reporting currency) needs a receipt; when blocking,
    # a meal missing who/when/where/why/how much/receipt cannot be submitted.
    receipt_threshold = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal("75.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Business meals above this amount, in the reporting currency, need a receipt.",
    )
    substantiation_blocking = models.BooleanField(
        default=False, help_text="Refuse to submit a business meal while its substantiation is incomplete."
    )
    auditors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="audited_teams", blank=True, help_text="Auditors who read this team."
    )
    # Second approval by finance: above an amount (reporting currency), for meals over policy, for some categories.
    second_approval_above = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Business meals above this amount, in the reporting currency, also need finance's approval.",
    )
    second_approval_over_policy = models.BooleanField(
        default=False, help_text="Meals over the team's meal policy also need finance's approval."
    )
    second_approval_categories = models.CharField(
        max_length=500,
        blank=True,
        help_text="Category names, separated by commas, whose meals also need finance's approval.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="accounts_team_name_unique"),
            models.CheckConstraint(
                condition=models.Q(receipt_threshold__gte=0), name="accounts_team_receipt_threshold_not_negative"
            ),
        ]

    def __str__(self):
        return self.name


def avatar_storage_key(instance: "User", filename: str) -> str:
    # Like receipts: a random key, never the user's file name; avatars are always stored as JPEG.
    return f"avatars/{uuid.uuid4().hex}.jpg"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # Emails are stored lower-cased, so "Alice@Example.com" signs in as alice@example.com.
        return self.get(email__iexact=username)

    def _create_user(self, email, password, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("role", Role.MEMBER)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields["role"] = Role.ADMIN
        return self._create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(max_length=254, unique=True)
    display_name = models.CharField(max_length=128, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="members")
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    default_currency = models.CharField(
        max_length=3, default=settings.DEFAULT_USER_CURRENCY, validators=[validate_currency]
    )
    bio = models.CharField(max_length=500, blank=True)
    phone = models.CharField(max_length=16, blank=True, help_text="E.164, e.g. +14155550123.")
    avatar = models.FileField(upload_to=avatar_storage_key, max_length=255, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, editable=False, help_text="Derived from the role: managers and admins use the admin."
    )
    date_joined = models.DateTimeField(default=django_timezone.now)
    # The bell's count, kept by the notification services, so no page pays a query to show it.
    unread_notifications = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="accounts_user_role_valid"
            ),
        ]

    def __str__(self):
        return self.display_name or self.email

    def clean(self):
        super().clean()
        self.email = self.email.strip().lower()

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        # Staff and superuser flags follow the role so there is one source of truth for access.
        self.is_staff = self.role in STAFF_ROLES
        self.is_superuser = self.role == Role.ADMIN
        super().save(*args, **kwargs)

    @property
    def initials(self) -> str:
        """Up to two letters for the avatar's fallback: the display name's words, else the e-mail's first letter."""
        words = [word for word in self.display_name.split() if word[:1].isalnum()]
        letters = "".join(word[0] for word in words[:1] + words[1:][-1:]) if words else self.email[:1]
        return letters.upper() or "?"

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_finance(self) -> bool:
        return self.role == Role.FINANCE

    @property
    def is_auditor(self) -> bool:
        return self.role == Role.AUDITOR

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def has_perm(self, perm, obj=None):
        if not self.is_active:
            return False
        if self.is_admin:
            return True
        return perm in ROLE_PERMISSIONS.get(self.role, frozenset())

    def has_module_perms(self, app_label):
        if not self.is_active:
            return False
        if self.is_admin:
            return True
        return any(p.startswith(f"{app_label}.") for p in ROLE_PERMISSIONS.get(self.role, frozenset()))


class ApprovalDelegation(models.Model):
    """While a manager is away (`starts_on`..`ends_on`, both included), `delegate` decides for their teams."""

    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delegations_given")
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delegations_received"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "id"]
        indexes = [models.Index(fields=["delegate", "starts_on", "ends_on"], name="accounts_delegation_delegate")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="accounts_delegation_dates"
            ),
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("delegate")), name="accounts_delegation_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.delegate} for {self.manager}, {self.starts_on} to {self.ends_on}"


class NotificationKind(models.TextChoices):
    """What a notification is about; each can be e-mailed or not (NotificationPreferences)."""

    SUBMITTED = "submitted", "A meal or report waits for my approval"
    SECOND_APPROVAL = "second_approval", "A meal or report waits for finance's second approval"
    APPROVED = "approved", "My meal or report was approved"
    REJECTED = "rejected", "My meal or report was rejected"
    REIMBURSED = "reimbursed", "My meal was reimbursed"
    COMMENT = "comment", "A comment on a meal or report of mine, or mentioning me"
    REMINDER = "reminder", "Reminders of decisions waiting for me"
    BUDGET_ALERT = "budget_alert", "A budget is nearly or fully spent"


class EmailDelivery(models.TextChoices):
    INSTANT = "instant", "One e-mail per notification"
    DIGEST = "digest", "One daily digest"


class NotificationPreferences(models.Model):
    """A user's e-mail choices; without a row every kind is e-mailed at once."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs")
    muted_kinds = models.JSONField(default=list, blank=True, help_text="Kinds never e-mailed (still shown in-app).")
    delivery = models.CharField(max_length=10, choices=EmailDelivery.choices, default=EmailDelivery.INSTANT)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "notification preferences"

    def __str__(self):
        return f"Notification preferences of {self.user_id}"

    def emails(self, kind: str) -> bool:
        return kind not in self.muted_kinds


class RealtimeConnection(models.Model):
    """An open WebSocket of a user on the API Gateway WebSocket API (in AWS); live updates are posted to each."""

    connection_id = models.CharField(max_length=128, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="realtime_connections")
    connected_at = models.DateTimeField(default=django_timezone.now)

    def __str__(self):
        return f"Connection {self.connection_id} of {self.user_id}"
