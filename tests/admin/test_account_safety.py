"""Account safety: lockout after failed logins, admin at a configurable path, sessions
that expire, strong passwords, and no way to sign up."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "a long test password 123"


def login(client: Client, password: str) -> int:
    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": password, "next": reverse("admin:index")},
    )
    return response.status_code


def test_lockout_after_repeated_failures() -> None:
    User.objects.create_user("editor", password=PASSWORD, is_staff=True, is_superuser=True)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "wrong password") == 200  # the form again, with an error
    # The last allowed failure locks the account ...
    assert login(client, "wrong password") == 429
    # ... and even the right password is refused until the cool-off ends.
    assert login(client, PASSWORD) == 429
    assert "_auth_user_id" not in client.session


def test_right_password_logs_in_and_resets_the_count() -> None:
    User.objects.create_user("editor", password=PASSWORD, is_staff=True, is_superuser=True)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 2):
        login(client, "wrong password")
    assert login(client, PASSWORD) == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_path_comes_from_settings() -> None:
    assert reverse("admin:index") == "/" + settings.ADMIN_URL


def test_sessions_expire() -> None:
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert settings.SESSION_COOKIE_HTTPONLY


@pytest.mark.parametrize("weak", ["short1", "password123456", "123456789012"])
def test_weak_passwords_are_refused(weak: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_no_public_sign_up() -> None:
    client = Client()
    for path in ["/accounts/signup/", "/signup/", "/register/", "/en/signup/"]:
        assert client.get(path).status_code == 404
    # The admin has no self-service user creation for anonymous visitors either.
    response = client.get(reverse("admin:auth_user_add"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
