from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import oidc_views, views, webhook_views
from accounts.forms import LoginForm, OutboxPasswordResetForm

auth_patterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/setup/", views.two_factor_setup, name="two-factor-setup"),
    path("login/verify/", views.two_factor_verify, name="two-factor-verify"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(form_class=OutboxPasswordResetForm),
        name="password_reset",
    ),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    # Issue 13 (oidc): organisation login (accounts/oidc.py); the provider's redirect URI is /oidc/callback/.
    path("login/organisation/", oidc_views.organisation_choice, name="oidc-choice"),
    path("login/organisation/<int:pk>/", oidc_views.OrganisationRequestView.as_view(), name="oidc-start"),
    path("oidc/callback/", oidc_views.OrganisationCallbackView.as_view(), name="oidc-callback"),
]

account_patterns = [
    path("administration/", views.admin_home, name="admin-home"),
    path("administration/role-grants/", views.role_grants, name="role-grants"),
    path(
        "administration/role-grants/<int:pk>/approve/",
        views.role_grant_decide,
        {"decision": "approve"},
        name="role-grant-approve",
    ),
    path(
        "administration/role-grants/<int:pk>/refuse/",
        views.role_grant_decide,
        {"decision": "refuse"},
        name="role-grant-refuse",
    ),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications-read"),
    # Issue 14 (api-push): the organisation's webhook subscriptions.
    path("webhooks/", webhook_views.webhook_list, name="webhooks"),
    path("webhooks/<int:pk>/", webhook_views.webhook_detail, name="webhook-detail"),
    path("webhooks/<int:pk>/ping/", webhook_views.webhook_ping, name="webhook-ping"),
    path("webhooks/<int:pk>/delete/", webhook_views.webhook_delete, name="webhook-delete"),
    # Issue 14 (api-webhooks): pause and resume.
    path("webhooks/<int:pk>/pause/", webhook_views.webhook_pause, name="webhook-pause"),
    path("webhooks/<int:pk>/resume/", webhook_views.webhook_resume, name="webhook-resume"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("", include(auth_patterns)),
    path("", include((account_patterns, "accounts"))),
    path("", include("placement.urls")),
    path("", include("capacity.urls")),
    path("", include("intake.urls")),
    path("", include("reporting.urls")),
    path("", include("planning.urls")),
    path("", include("privacy.urls")),
]
