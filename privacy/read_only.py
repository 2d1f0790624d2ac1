class WrittenBySite:
    """Admin mixin for records the site writes through its own functions and staff only read:
    no add, change or delete from the admin, whatever permissions a staff member holds. A
    class that does let staff do one of them says so (`staff_may_delete = True`), and Django's
    permission check still applies to it."""

    staff_may_add = False
    staff_may_change = False
    staff_may_delete = False

    def has_add_permission(self, request, *obj):  # inlines are also given the parent object
        return self.staff_may_add and super().has_add_permission(request, *obj)

    def has_change_permission(self, request, obj=None):
        return self.staff_may_change and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.staff_may_delete and super().has_delete_permission(request, obj)
