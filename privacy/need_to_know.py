"""Need to know in the admin (P6, P7): staff see, filter, sort and search on a personal field only
with the permission that shows it (``staff_may_see``, from the registry's declarations).

Django's admin lets any lookup on a field of the model through the query string
(``?ip_address__startswith=198.51.``), so a role that is never shown a value could still read it
prefix by prefix. ``NeedToKnowMixin`` refuses those lookups as Django refuses any disallowed one
(``DisallowedModelAdminLookup``: a 400), ignores sorting by such a field, leaves it out of the
search, the filters, the columns and the forms. ``AdminSite`` gives every ModelAdmin registered
on it the mixin, those of other apps included, so no admin can forget it.
"""

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_permission_codename, get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.urls import path

from . import registry

SEARCH_PREFIXES = "^=@"  # ModelAdmin.search_fields: starts with, exact, full-text


def staff_may_see(user, model: type[models.Model], field_name: str) -> bool:
    """Whether `user` may see `model.field_name` (P6, P7): a field no declaration covers is not
    personal; a declared one needs each covering declaration's permission (privacy.registry)."""
    model = model._meta.concrete_model
    for declaration in registry.declarations():
        if declaration.model._meta.concrete_model is model and field_name in declaration.fields:
            if declaration.staff_permission:
                allowed = user.has_perm(declaration.staff_permission)
            else:
                allowed = _may_view(user, model)
            if not allowed:
                return False
    return True


def _may_view(user, model: type[models.Model]) -> bool:
    """The admin's view permission: view or change (``ModelAdmin.has_view_permission``)."""
    opts = model._meta
    return any(
        user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
        for action in ("view", "change")
    )


def staff_may_see_path(user, model: type[models.Model], path: str) -> bool:
    """Whether `user` may see every field that `path` (a lookup, ordering or search such as
    ``author__email__startswith``) goes through."""
    previous = None
    for name in path.split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return True  # a lookup or transform (startswith, year, pk): no further field
        if not (_shown_with_link(previous, field) or staff_may_see(user, model, field.name)):
            return False
        if field.related_model is None:
            return True
        previous, model = field, field.related_model
    return True


def _shown_with_link(link, field) -> bool:
    """A link to a member is shown as their username (the user model's ``__str__``): whoever
    may see the link may see, and search by, the username it shows."""
    user_model = get_user_model()
    return (
        link is not None
        and link.concrete
        and link.related_model is user_model
        and field.name == user_model.USERNAME_FIELD
    )


class NeedToKnowChangeList(ChangeList):
    def __init__(self, request, *args, **kwargs):
        self.user = request.user  # get_ordering_field has no request, and __init__ already sorts
        super().__init__(request, *args, **kwargs)

    def get_ordering_field(self, field_name):
        """`?o=` names a column; sorting by a field the user may not see would rank its values."""
        order_field = super().get_ordering_field(field_name)
        if isinstance(order_field, str) and not staff_may_see_path(
            self.user, self.model, order_field.removeprefix("-")
        ):
            return None  # as Django does for a column it cannot sort by
        return order_field


class NeedToKnowMixin:
    def _may_see(self, request, path: str) -> bool:
        return staff_may_see_path(request.user, self.model, path)

    def lookup_allowed(self, lookup, value, request):
        return self._may_see(request, lookup) and super().lookup_allowed(lookup, value, request)

    def get_changelist(self, request, **kwargs):
        return NeedToKnowChangeList

    def get_search_fields(self, request):
        return [
            name
            for name in super().get_search_fields(request)
            if self._may_see(request, name.lstrip(SEARCH_PREFIXES))
        ]

    def get_list_filter(self, request):
        return [
            item
            for item in super().get_list_filter(request)
            if isinstance(item, type) or self._may_see(request, _filter_path(item))
        ]

    def get_list_display(self, request):
        return [
            item
            for item in super().get_list_display(request)
            if not isinstance(item, str) or self._may_see(request, item)
        ]

    def get_ordering(self, request):
        return [
            item
            for item in super().get_ordering(request) or ()
            if not isinstance(item, str) or self._may_see(request, item.lstrip("-"))
        ]

    def get_fieldsets(self, request, obj=None):
        """The change form, the read-only view and the add form are built from the fieldsets."""
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = []
            for field in options["fields"]:
                if isinstance(field, list | tuple):  # fields shown side by side
                    field = [f for f in field if self._may_see(request, f)]
                    if field:
                        fields.append(field)
                elif self._may_see(request, field):
                    fields.append(field)
            if fields:
                fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets


def _filter_path(item) -> str:
    """The field path of a list_filter entry: "name" or ("name", FilterClass)."""
    return item[0] if isinstance(item, list | tuple) else item


class AdminSite(admin.AdminSite):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[tuple[str, object, str]] = []

    def add_page(self, route: str, view, name: str) -> None:
        """An admin page of its own at `route` (``privacy/desk/``), behind the admin's sign-in
        (``admin_view``); the view checks its own permission."""
        self._pages.append((route, view, name))

    def get_urls(self):
        pages = [path(route, self.admin_view(view), name=name) for route, view, name in self._pages]
        return pages + super().get_urls()

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, NeedToKnowMixin):
            admin_class = type(
                admin_class.__name__,
                (NeedToKnowMixin, admin_class),
                {"__module__": admin_class.__module__},
            )
        super().register(model_or_iterable, admin_class, **options)
