"""Need to know in the admin (P6, P7): a role never shown a personal field cannot read it through
the query string (lookups, sorting, search) or on any page."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from forums.models import Post

from ..factories import PostFactory

pytestmark = pytest.mark.django_db

NOTHING = "zq-matches-nothing"


def changelist_rows(client, model, params):
    """How many rows the changelist finds, or None when the admin refuses the query."""
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.get(url, params)
    if response.status_code in (400, 403) or (
        response.status_code == 302 and "e=1" in response["Location"]
    ):
        return None
    assert response.status_code == 200, f"{url} {params}: {response.status_code}"
    return response.context["cl"].result_count


def test_a_moderator_cannot_read_post_ip_addresses_prefix_by_prefix(moderator_client):
    PostFactory(ip_address="198.51.100.7")
    url = reverse("admin:forums_post_changelist")
    for lookup in ("ip_address__startswith", "ip_address", "ip_address__isnull"):
        assert moderator_client.get(url, {lookup: "198.51."}).status_code == 400
    assert changelist_rows(moderator_client, Post, {}) == 2


def test_staff_with_the_permission_filter_by_ip_address(moderator):
    PostFactory(ip_address="198.51.100.7")
    moderator.user_permissions.add(Permission.objects.get(codename="view_ip_address"))
    client = Client()
    client.force_login(moderator)
    assert changelist_rows(client, Post, {"ip_address__startswith": "198.51."}) == 1
    assert changelist_rows(client, Post, {"ip_address__startswith": "10."}) == 0


@admin.display(ordering="ip_address")
def written_from(post):
    return "somewhere"


def test_search_sorting_and_columns_leave_out_what_a_moderator_may_not_see(
    moderator_client, staff_client, monkeypatch
):
    post_admin = admin.site._registry[Post]
    monkeypatch.setattr(post_admin, "search_fields", ["=ip_address", "author__email"])
    monkeypatch.setattr(post_admin, "list_display", ["__str__", written_from, "ip_address"])
    monkeypatch.setattr(post_admin, "list_filter", ["ip_address", "author__email"])
    post = PostFactory(ip_address="198.51.100.7")  # its topic's first post: 203.0.113.5
    for term in ("198.51.100.7", post.author.email):
        for client, difference in ((moderator_client, False), (staff_client, True)):
            found, nothing = (changelist_rows(client, Post, {"q": q}) for q in (term, NOTHING))
            assert (found != nothing) is difference
    url = reverse("admin:forums_post_changelist")
    assert moderator_client.get(url, {"author__email": post.author.email}).status_code == 400
    page = moderator_client.get(url).content.decode()
    assert "198.51.100.7" not in page and "203.0.113.5" not in page
    assert post.author.email not in page

    def order(client, o):
        return [row.pk for row in client.get(url, {"o": o}).context["cl"].result_list]

    # Column 0 holds the action checkboxes, 2 sorts by the IP address.
    assert order(moderator_client, "2") == order(moderator_client, "-2")
    assert order(staff_client, "2") != order(staff_client, "-2")
