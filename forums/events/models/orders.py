"""Orders for paid tickets and the payments made for them (django-payments).

An order holds the registrations it pays for, with its lines, tax and total fixed when it is
made (from the ticket types' prices on the server, never from the form). The payment row is
django-payments' `BasePayment`, without the personal fields the library offers: no billing name,
address, email or phone and no customer IP address are stored (the provider's page asks for
what it needs), and the raw gateway data is reduced to what a refund needs once the payment is
final (`Payment.save`).
"""

import json
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from payments import PaymentStatus, PurchasedItem
from payments.models import BasePayment

from community.validators import validate_single_line

CENTS = Decimal("0.01")


class OrderQuerySet(models.QuerySet):
    def of_member(self, user):
        return self.filter(buyer=user)

    def due_to_lapse(self, now):
        return self.filter(status=Order.Status.PENDING, expires_at__lt=now)


class Order(models.Model):
    """What a buyer pays for: their tickets, the tax and the total, in one currency."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for payment"
        PAID = "paid", "Paid"
        CANCELLED = "cancelled", "Cancelled (not paid)"
        REFUNDED = "refunded", "Refunded"

    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_orders",
    )
    name = models.CharField(max_length=120, validators=[validate_single_line])
    email = models.EmailField(blank=True)
    company = models.CharField(max_length=120, blank=True, validators=[validate_single_line])
    address = models.TextField(blank=True, max_length=500)
    currency = models.CharField(max_length=3)
    # [{"registration": id, "description": str, "quantity": 1, "unit_price": "12.00"}]
    lines = models.JSONField(default=list)
    subtotal = models.DecimalField(max_digits=10, decimal_places=2)
    tax_rate = models.DecimalField(max_digits=7, decimal_places=4, default=Decimal("0"))
    tax = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    total = models.DecimalField(max_digits=10, decimal_places=2)
    refunded = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Set when a paid ticket is cancelled, until the refund is made (sales.settle_refunds).
    refund_requested_at = models.DateTimeField(null=True, blank=True)
    # The first moment after the financial year of the order's last payment or refund: the
    # accounting records' retention starts here (P18, RETENTION_ACCOUNTING_DAYS).
    financial_year_end = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"Order {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("events:order", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class Payment(BasePayment):
    """One attempt to pay an order through a provider (`variant`, see PAYMENT_VARIANTS)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="payments")

    # The library's personal fields are not columns here: the provider's own page collects
    # what it needs. Providers read them (Stripe passes a billing email on when there is one).
    billing_first_name = billing_last_name = billing_email = billing_phone = property(
        lambda self: ""
    )
    billing_address_1 = billing_address_2 = billing_city = billing_postcode = property(
        lambda self: ""
    )
    billing_country_code = billing_country_area = property(lambda self: "")
    customer_ip_address = property(lambda self: None)

    # What may happen after each status; anything else arriving late or twice changes nothing.
    FINAL = (
        PaymentStatus.CONFIRMED,
        PaymentStatus.REJECTED,
        PaymentStatus.CANCELLED,
        PaymentStatus.REFUNDED,
        PaymentStatus.ERROR,
    )
    NEXT = {
        PaymentStatus.CONFIRMED: {PaymentStatus.REFUNDED},
        PaymentStatus.REFUNDED: set(),
        # Money can still arrive for a session that lapsed on our side: it is recorded (and
        # given back, forums.events.sales.payment_changed).
        PaymentStatus.REJECTED: {PaymentStatus.CONFIRMED},
        PaymentStatus.CANCELLED: {PaymentStatus.CONFIRMED},
        PaymentStatus.ERROR: {PaymentStatus.CONFIRMED},
    }
    # The only gateway data kept once final: what a refund needs (Stripe's payment intent,
    # PayPal's refund link). Card details never reach the site; these hold no personal data.
    REFUND_KEYS = (("session", "payment_intent"), ("links", "refund"))

    class Meta:
        ordering = ["-created"]

    def change_status(self, status, message="") -> None:
        """The library's, refusing what cannot follow the current status (a webhook arriving
        twice or late: "expired" after "completed", say), so the signal fires once per change."""
        if status == self.status or status not in self.NEXT.get(self.status, {status}):
            return
        super().change_status(status, message[:500])

    def save(self, **kwargs):
        if self.status in self.FINAL:
            reduced = self.refund_data()
            if reduced != self.extra_data:
                self.extra_data = reduced
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "extra_data"}
        super().save(**kwargs)

    def refund_data(self) -> str:
        """`extra_data` reduced to the keys a refund needs (none once refunded or failed)."""
        if self.status != PaymentStatus.CONFIRMED:
            return ""
        try:
            data = json.loads(self.extra_data or "{}")
        except ValueError:
            return ""
        kept = {}
        for outer, inner in self.REFUND_KEYS:
            value = data.get(outer)
            if isinstance(value, dict) and inner in value:
                kept[outer] = {inner: value[inner]}
        return json.dumps(kept) if kept else ""

    def get_purchased_items(self):
        for line in self.order.lines:
            yield PurchasedItem(
                name=line["description"],
                quantity=line["quantity"],
                price=Decimal(line["unit_price"]),
                currency=self.currency,
                sku=str(line["registration"]),
            )

    def get_process_url(self) -> str:
        return reverse("payments:process", kwargs={"token": self.token})

    def get_success_url(self) -> str:
        """The order's page: paid, or still waiting for the provider's word (its webhook)."""
        return settings.SITE_URL + reverse("events:order", args=[self.order_id])

    def get_failure_url(self) -> str:
        """The order's page, where the buyer may try again while the order lasts."""
        return settings.SITE_URL + reverse("events:order", args=[self.order_id])
