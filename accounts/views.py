"""Account pages: sign in, register, profile, password change and reset."""

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from accounts.forms import ProfileForm, RegisterForm, SignInForm
from accounts.models import User
from accounts.services import PROFILE_FIELDS, user_register, user_update_profile
from mealtracker.errors import DomainError
from mealtracker.web import user_page


class SignInView(auth_views.LoginView):
    """Django's sign-in page; attempts are also throttled per client and per account (a 429 with Retry-After)."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, code="throttled"):
            response.status_code = HTTPStatus.TOO_MANY_REQUESTS
            response["Retry-After"] = str(int(form.retry_after) + 1)
        return response


@sensitive_post_parameters("password", "password_again")
@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # The same answer whether or not the address already has an account: its owner is e-mailed instead.
            user_register(
                email=data["email"],
                password=data["password"],
                display_name=data["display_name"],
                timezone=data["timezone"],
                default_currency=data["default_currency"],
                **registration_links(request),
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            return redirect("register_done")
    return render(request, "accounts/register.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
def register_done(request):
    return render(request, "accounts/register_done.html")


def registration_links(request) -> dict[str, str]:
    """Where the sign-up e-mails send their reader: the sign-in and password-reset pages of this site."""
    return {
        "sign_in_url": request.build_absolute_uri(reverse("login")),
        "password_reset_url": request.build_absolute_uri(reverse("password_reset")),
    }


@user_page
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    initial = {name: getattr(user, name) for name in PROFILE_FIELDS}
    form = ProfileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_update_profile(
                user=user,
                **{name: data[name] for name in PROFILE_FIELDS},
                avatar=data["avatar"] or None,
                avatar_clear=data["avatar_clear"],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "Profile saved.")
            return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form}, status=400 if form.errors else 200)


@user_page
@require_GET
def avatar(request, pk):
    """A user's avatar image (their own, or anyone's for an admin); 404 when there is none to show."""
    owner = request.user if request.user.pk == pk else None
    if owner is None and request.user.is_admin:
        owner = User.objects.filter(pk=pk).first()
    if owner is None or not owner.avatar:
        raise Http404("No avatar.")
    try:
        handle = owner.avatar.open("rb")
    except FileNotFoundError as exc:
        raise Http404("No avatar.") from exc
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
