"""Stripe Checkout's webhook (StripeProviderV3 with its signature check): signed events pay the
order once, whatever their order; forged or unknown ones are refused with a 4xx. No network:
the events are signed here as Stripe signs them, and Stripe's refund call is replaced."""

import hashlib
import hmac
import json
import time
import uuid

import pytest
import stripe
from django.urls import reverse
from payments import PaymentStatus
from payments.core import PROVIDER_CACHE

from forums.events import registration, sales
from forums.events.models import CreditNote, Invoice, Order, Payment

from .payment_helpers import awaiting_registration, paid_event

pytestmark = pytest.mark.django_db
SECRET = "whsec_the_right_secret"
WEBHOOK = reverse("payments:webhook", args=["stripe"])


@pytest.fixture(autouse=True)
def stripe_configured(settings):
    settings.PAYMENT_VARIANTS = {
        "stripe": (
            "forums.events.providers.StripeCheckout",
            {"api_key": "sk_test_not_used", "endpoint_secret": SECRET},
        )
    }
    PROVIDER_CACHE.clear()
    yield
    PROVIDER_CACHE.clear()


@pytest.fixture
def run_tasks(eager_tasks, django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def payment(user):
    """A payment whose Checkout session Stripe made (as `get_form` stores it)."""
    order = sales.create_order(awaiting_registration(paid_event(), user), buyer=user)
    payment = sales.start_payment(order, "stripe")
    payment.transaction_id = "cs_test_123"
    payment.attrs.session = {"id": "cs_test_123", "url": "https://checkout.stripe.com/c/pay/x"}
    payment.save()
    return payment


def signed(event: dict, secret: str = SECRET) -> dict:
    payload = json.dumps(event)
    timestamp = int(time.time())
    signature = hmac.new(
        secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256
    ).hexdigest()
    return {
        "data": payload,
        "content_type": "application/json",
        "HTTP_STRIPE_SIGNATURE": f"t={timestamp},v1={signature}",
    }


def checkout_event(token, kind="checkout.session.completed", **session) -> dict:
    session = {
        "id": "cs_test_123",
        "client_reference_id": str(token),
        "status": "complete",
        "payment_status": "paid",
        "payment_intent": "pi_test_456",
        "customer_details": {"email": "bea@example.org", "name": "Bea Buyer"},
        **session,
    }
    return {"id": f"evt_{uuid.uuid4().hex}", "type": kind, "data": {"object": session}}


def test_a_signed_completed_checkout_pays_the_order_and_keeps_only_what_a_refund_needs(
    client, payment, run_tasks, mailoutbox
):
    with run_tasks():
        response = client.post(WEBHOOK, **signed(checkout_event(payment.token)))
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    # The customer's name and address, and the rest of the session, are not kept.
    assert json.loads(payment.extra_data) == {"session": {"payment_intent": "pi_test_456"}}
    order = payment.order
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and Invoice.objects.filter(order=order).exists()
    assert any(order.invoice.number in m.subject for m in mailoutbox)


def test_a_webhook_signed_with_the_wrong_secret_is_refused(client, payment):
    event = checkout_event(payment.token)
    forged = client.post(WEBHOOK, **signed(event, secret="whsec_a_guess"))
    unsigned = client.post(WEBHOOK, data=json.dumps(event), content_type="application/json")
    garbage = client.post(WEBHOOK, data="not json", content_type="application/json")
    assert (forged.status_code, unsigned.status_code, garbage.status_code) == (400, 400, 400)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.WAITING and not Invoice.objects.exists()


def test_a_webhook_for_an_unknown_payment_is_not_found(client, payment):
    response = client.post(WEBHOOK, **signed(checkout_event(uuid.uuid4())))
    assert response.status_code == 404
    no_reference = client.post(WEBHOOK, **signed(checkout_event(payment.token) | {"data": {}}))
    assert no_reference.status_code == 400
    assert client.post(reverse("payments:webhook", args=["nobody"])).status_code == 400
    assert client.get(WEBHOOK).status_code == 405


def test_the_same_webhook_twice_or_out_of_order_changes_nothing_twice(client, payment, run_tasks):
    completed = signed(checkout_event(payment.token))
    expired = signed(checkout_event(payment.token, "checkout.session.expired", status="expired"))
    with run_tasks():
        assert client.post(WEBHOOK, **completed).status_code == 200
        assert client.post(WEBHOOK, **completed).status_code == 200
        assert client.post(WEBHOOK, **expired).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    assert Invoice.objects.count() == 1
    assert Order.objects.get().status == Order.Status.PAID


def test_an_expired_session_leaves_the_order_to_pay_again_until_it_lapses(
    client, payment, run_tasks
):
    with run_tasks():
        client.post(
            WEBHOOK,
            **signed(checkout_event(payment.token, "checkout.session.expired", status="expired")),
        )
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.REJECTED
    assert Order.objects.get().status == Order.Status.PENDING  # the order may still be paid


def test_a_cancelled_ticket_is_refunded_through_stripe_with_the_kept_payment_intent(
    client, payment, run_tasks, monkeypatch
):
    refunds = []

    def refund(**kwargs):
        refunds.append(kwargs)
        return {"id": "re_1", "status": "succeeded", "amount": kwargs["amount"]}

    monkeypatch.setattr(stripe.Refund, "create", refund)
    with run_tasks():
        client.post(WEBHOOK, **signed(checkout_event(payment.token)))
    with run_tasks():
        registration.cancel_registration(payment.order.registrations.get())
    assert refunds == [
        {"payment_intent": "pi_test_456", "amount": 2500, "reason": "requested_by_customer"}
    ]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED and payment.extra_data == ""
    assert CreditNote.objects.get().total == payment.total


def test_a_refund_stripe_refuses_is_tried_again_by_the_sweep(
    client, payment, run_tasks, monkeypatch
):
    def refuse(**kwargs):
        raise stripe.APIConnectionError("Stripe is down")

    monkeypatch.setattr(stripe.Refund, "create", refuse)
    with run_tasks():
        client.post(WEBHOOK, **signed(checkout_event(payment.token)))
    with run_tasks():  # the refund task fails (and would be retried by the worker's sweep)
        registration.cancel_registration(payment.order.registrations.get())
    order = Order.objects.get()
    assert order.refund_requested_at is not None and not CreditNote.objects.exists()
    monkeypatch.setattr(stripe.Refund, "create", lambda **kwargs: {"id": "re_2"})
    with run_tasks():
        sales.lapse_unpaid_orders()
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED and order.refund_requested_at is None
    assert CreditNote.objects.count() == 1


def test_back_from_stripe_before_its_webhook_the_order_page_says_to_wait(client, payment):
    session = client.session
    session["events_orders"] = [payment.order_id]
    session.save()
    payment.order.buyer = None
    Order.objects.filter(pk=payment.order_id).update(buyer=None)
    page = client.get(reverse("events:order", args=[payment.order_id])).content.decode()
    assert "reload this page before paying again" in page
