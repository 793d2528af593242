"""Admin users of each role, on the demo catalog (Florida, California, Puerto Rico)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from plans.models import State, StateRole

PASSWORD = "a long test password 123"


def make_user(username: str, roles: list[tuple[str, str]], *, superuser: bool = False) -> User:
    user = User.objects.create_user(
        username, password=PASSWORD, is_staff=True, is_superuser=superuser
    )
    for state, role in roles:
        StateRole.objects.create(user=user, state=State.objects.get(code=state), role=role)
    return user


def make_role_users() -> dict[str, User]:
    """One user of each kind the admin tests need: national, FL and CA roles, no role."""
    return {
        "national": make_user("national", [], superuser=True),
        "fl_editor": make_user("fl_editor", [("FL", "editor")]),
        "fl_reviewer": make_user("fl_reviewer", [("FL", "reviewer")]),
        "fl_reviewer2": make_user("fl_reviewer2", [("FL", "reviewer")]),
        "ca_editor": make_user("ca_editor", [("CA", "editor")]),
        "ca_reviewer": make_user("ca_reviewer", [("CA", "reviewer")]),
        "no_role": make_user("no_role", []),
    }


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def users(demo_catalog: None) -> dict[str, User]:
    return make_role_users()
