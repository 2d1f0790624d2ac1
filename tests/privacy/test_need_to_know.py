"""Need to know in the admin (P6, P7): a role never shown a personal field cannot read it through
the query string (lookups, sorting, search) or on any page."""

import datetime
import itertools
import uuid

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import models, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from forums.models import Post, SignIn
from privacy import need_to_know, registry
from tests.factories import add_second_factor

from ..factories import PostFactory, UserFactory

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


def test_sign_in_addresses_need_the_ip_address_permission_not_only_the_view_one(moderator):
    member = UserFactory()
    SignIn.objects.create(user=member, ip_address="198.51.100.9", user_agent="Firefox")
    moderator.user_permissions.add(Permission.objects.get(codename="view_signin"))
    client = Client()
    client.force_login(moderator)
    url = reverse("admin:forums_signin_changelist")
    assert client.get(url, {"ip_address__startswith": "198.51."}).status_code == 400
    assert "198.51.100.9" not in client.get(url).content.decode()
    moderator.user_permissions.add(Permission.objects.get(codename="view_ip_address"))
    client.force_login(moderator)  # a fresh permission cache
    assert changelist_rows(client, SignIn, {"ip_address__startswith": "198.51."}) == 1


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


# The class test: every ModelAdmin, every personal field the registry declares.

MAX_HOPS = 2  # relations followed from the admin's model: post -> author -> sign_ins
ROWS_PER_MODEL = 2  # two rows, so sorting by a field would change their order


def _builders():
    """Rows of models whose rules a generic row breaks. A model missing here that the generic
    builder cannot make fails the class test by name."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    def periodic_task(n):
        every = IntervalSchedule.objects.create(every=n + 1, period=IntervalSchedule.DAYS)
        return PeriodicTask.objects.create(name=f"task-{n}", task="tasks.noop", interval=every)

    return {PeriodicTask: periodic_task}


_counter = itertools.count(1)


def _value(field):
    """A value for `field` that is distinctive enough to be found on a page."""
    n = next(_counter)
    marker = f"pd{n}x{field.name.replace('_', '')}"
    if field.choices:
        return field.default if field.has_default() else field.choices[0][0]
    if isinstance(field, models.EmailField):
        return f"{marker}@example.net"
    if isinstance(field, models.GenericIPAddressField):
        return f"192.0.2.{n % 250 + 1}"
    if isinstance(field, models.URLField):
        return f"https://example.net/{marker}"
    if isinstance(field, models.SlugField):
        return slugify(marker)[: field.max_length]
    if isinstance(field, models.CharField | models.TextField):
        return marker[: field.max_length] if field.max_length else marker
    if isinstance(field, models.JSONField):
        return {"note": marker}
    if isinstance(field, models.FileField):
        return f"files/{marker}.pdf"
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if field.has_default():
        return field.get_default()
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return timezone.localdate()
    if isinstance(field, models.TimeField):
        return datetime.time(12, n % 60)
    if isinstance(field, models.DurationField):
        return datetime.timedelta(days=1)
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.IntegerField | models.DecimalField | models.FloatField):
        return n % 90 + 1  # fits a latitude as well as a count
    return None


def _generic_row(model):
    user_model = get_user_model()
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or isinstance(field, models.BinaryField) or field.generated:
            continue
        if field.is_relation:
            target = field.related_model
            if field.one_to_one or (not field.null and target is not model):
                values[field.name] = build_row(target)
            elif field.null and target is user_model:
                values[field.name] = build_row(user_model)  # a member's link: personal data
            continue
        values[field.name] = _value(field)
    return model.objects.create(**values)


def build_row(model):
    builders = _builders()
    try:
        with transaction.atomic():
            if model in builders:
                return builders[model](next(_counter))
            return _generic_row(model)
    except Exception as error:
        pytest.fail(
            f"The class test cannot build a {model._meta.label} row ({error!r}): add a builder "
            "in tests/privacy/test_need_to_know.py so its personal fields are tested."
        )


def personal_paths(model, hops=MAX_HOPS, prefix=""):
    """Every path from `model` to a declared personal field, following relations both ways."""
    declared = {
        name
        for declaration in registry.declarations()
        if declaration.model._meta.concrete_model is model._meta.concrete_model
        for name in declaration.fields
    }
    for field in model._meta.get_fields():
        if field.name in declared and field.concrete and not field.is_relation:
            yield prefix + field.name
        if field.is_relation and field.related_model is not None and hops:
            yield from personal_paths(field.related_model, hops - 1, f"{prefix}{field.name}__")


def _leaf(model, path):
    for name in path.split("__")[:-1]:
        model = model._meta.get_field(name).related_model
    return model, model._meta.get_field(path.split("__")[-1])


def _hidden_values(user, model):
    """Paths `user` may not see, and the values of fields that no path they may see reaches."""
    paths = sorted(set(personal_paths(model)))
    hidden = [p for p in paths if not need_to_know.staff_may_see_path(user, model, p)]
    seen_fields = {_leaf(model, p) for p in paths if p not in hidden}
    values = set()
    for path in hidden:
        if _leaf(model, path) in seen_fields:
            continue  # e.g. a username, shown wherever a link to the member is
        for value in model._default_manager.values_list(path, flat=True).distinct()[:20]:
            if isinstance(value, str) and len(value) >= 5:
                values.add(value)
    return hidden, values


def _sample(model, path):
    value = model._default_manager.filter(**{f"{path}__isnull": False})
    return str(value.values_list(path, flat=True).first())


@pytest.fixture
def rows():
    for model in admin.site._registry:
        while model._default_manager.count() < ROWS_PER_MODEL:
            build_row(model)


@pytest.mark.parametrize("role", ["Moderators", "Privacy officers"])
def test_no_admin_lets_a_staff_role_read_a_field_it_may_not_see(rows, role):
    member = UserFactory(is_staff=True)
    member.groups.add(Group.objects.get(name=role))
    add_second_factor(member)  # staff act only with a second factor (P7)
    client = Client()
    client.force_login(member)
    leaks = []
    for model in admin.site._registry:
        if changelist_rows(client, model, {}) is None:
            continue  # the whole admin is refused
        hidden, values = _hidden_values(member, model)
        leaks += _lookup_leaks(client, model, hidden)
        leaks += _sorting_leaks(client, model, hidden)
        leaks += _page_leaks(client, model, values)
    assert leaks == []


def _lookup_leaks(client, model, hidden):
    """A filter or a search finds no more rows with a real value than with one matching nothing."""
    leaks = []
    searched = set()
    nothing_found = changelist_rows(client, model, {"q": NOTHING})
    for path in hidden:
        sample = _sample(model, path)
        for real, nothing in [
            ({f"{path}__startswith": sample[: len(sample) // 2 + 1]}, f"{path}__startswith"),
            ({f"{path}__isnull": "False"}, f"{path}__isnull"),
        ]:
            found = changelist_rows(client, model, real)
            # None: refused whatever the value, so there is nothing to compare.
            if found is not None and found != changelist_rows(client, model, {nothing: NOTHING}):
                leaks.append(f"{model._meta.label} {real}: {found} rows")
        if sample not in searched:
            searched.add(sample)
            found = changelist_rows(client, model, {"q": sample})
            if found != nothing_found:
                leaks.append(f"{model._meta.label} search {sample!r}: {found} rows")
    return leaks


def _sorting_leaks(client, model, hidden):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    columns = client.get(url).context["cl"]
    leaks = []
    for index, name in enumerate(columns.list_display):
        # Django's own resolution of the column (the admin's may refuse it, which is the point).
        path = ChangeList.get_ordering_field(columns, name)
        if not isinstance(path, str) or path.lstrip("-") not in hidden:
            continue
        orders = [
            [row.pk for row in client.get(url, {"o": o}).context["cl"].result_list]
            for o in (str(index), f"-{index}")
        ]
        if orders[0] != orders[1]:
            leaks.append(f"{model._meta.label} sorts by {path} (?o={index})")
    return leaks


def _page_leaks(client, model, values):
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    pages = [reverse(f"{prefix}_changelist")]
    pages += [
        reverse(f"{prefix}_change", args=[pk])
        for pk in model._default_manager.values_list("pk", flat=True)[:ROWS_PER_MODEL]
    ]
    leaks = []
    for page in pages:
        html = client.get(page).content.decode()
        leaks += [f"{page} shows {value!r}" for value in values if value in html]
    return leaks


def test_the_class_test_sees_the_values_an_administrator_may_filter_on(rows, staff_client):
    """Its data is real: the same lookups find rows for staff who may see the field."""
    found = changelist_rows(staff_client, Post, {"ip_address__isnull": "False"})
    assert found and found != changelist_rows(staff_client, Post, {"ip_address__isnull": "True"})
