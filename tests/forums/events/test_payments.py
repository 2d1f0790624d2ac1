"""Paid tickets through the test provider, end to end through the site's pages: the order, the
payment, the invoice and the emails; twice-sent answers, lapsed orders, refunds, and other
people's orders."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from payments import PaymentStatus

from forums.events import links, registration, sales
from forums.events.models import CreditNote, Invoice, Order, Payment, Registration
from privacy.models import DailyVisitCount
from privacy.stats import flush

from ...factories import UserFactory
from .payment_helpers import (
    answer_test_payment,
    awaiting_registration,
    buy,
    choose_test_payment,
    order_from,
    paid_event,
    pay,
    register,
)

pytestmark = pytest.mark.django_db
YEAR = timezone.localtime().year


@pytest.fixture
def run_tasks(eager_tasks, django_capture_on_commit_callbacks):
    """`with run_tasks():` around a request runs what it queued after commit (eagerly)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_member_buys_a_ticket_and_gets_the_seat_the_ticket_and_the_invoice(
    user_client, user, run_tasks, mailoutbox
):
    event = paid_event(price="25.00")
    response = register(user_client, event)
    order = order_from(response)
    assert order.status == Order.Status.PENDING and order.total == Decimal("25.00")
    page = user_client.get(order.get_absolute_url()).content.decode()
    assert "Test payment: no money moves" in page and "Pay GBP 25.00" in page
    assert user_client.get(response["Location"]).status_code == 200
    with run_tasks():
        choose_test_payment(user_client, order, company="Acme Ltd", address="2 Side Road\nLeeds")
        answer = answer_test_payment(user_client, order)
    assert answer.status_code == 302 and answer["Location"].endswith(order.get_absolute_url())
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.buyer == user
    assert order.registrations.get().status == Registration.Status.CONFIRMED
    invoice = order.invoice
    assert invoice.number == f"{YEAR}-000001"
    assert (invoice.buyer_name, invoice.buyer_company) == ("Bea Buyer", "Acme Ltd")
    assert invoice.total == Decimal("25.00") and invoice.pdf.read().startswith(b"%PDF")
    receipt = next(m for m in mailoutbox if invoice.number in m.subject)
    assert receipt.to == ["bea@example.org"]  # the address on the registration form
    ((name, content, kind),) = receipt.attachments
    assert (name, kind) == (f"{invoice.number}.pdf", "application/pdf")
    assert content.startswith(b"%PDF") and order.registrations.get().code in receipt.body
    assert len(mailoutbox) == 2  # and the ticket, from the events side
    page = user_client.get(order.get_absolute_url()).content.decode()
    assert f"Invoice {invoice.number} (PDF)" in page


def test_the_member_downloads_their_invoice_from_their_account(user_client, user):
    order = buy(user_client, paid_event())
    listing = user_client.get(reverse("events:orders")).content.decode()
    assert order.invoice.number in listing
    assert reverse("events:orders") in user_client.get(reverse("account_overview")).content.decode()
    pdf = user_client.get(reverse("events:order_document", args=[order.pk, order.invoice.number]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_another_persons_order_and_invoice_are_not_found(user_client, client):
    order = buy(user_client, paid_event())
    other = UserFactory()
    client.force_login(other)
    number = order.invoice.number
    for url in (
        reverse("events:order", args=[order.pk]),
        reverse("events:order_document", args=[order.pk, number]),
        reverse("events:payment", args=[order.pk, order.payments.get().token]),
    ):
        assert client.get(url).status_code == 404
    theirs = buy(client, paid_event())
    # Their own order with someone else's invoice number: not found either.
    wrong = reverse("events:order_document", args=[theirs.pk, number])
    assert client.get(wrong).status_code == 404
    client.logout()
    assert client.get(reverse("events:order", args=[order.pk])).status_code == 404


def test_the_price_comes_from_the_ticket_type_not_the_form(user_client):
    event = paid_event(price="40.00")
    order = order_from(register(user_client, event, price="0.01", total="0.01"))
    choose_test_payment(user_client, order, total="0.01", currency="USD")
    payment = order.payments.get()
    assert (order.total, payment.total, payment.currency) == (Decimal("40.00"), 40, "GBP")


def test_a_ticket_priced_in_another_currency_is_refused_with_a_message(user_client, settings):
    event = paid_event(currency="USD")
    response = register(user_client, event)
    assert response["Location"] == event.get_absolute_url()
    assert not Order.objects.exists()
    page = user_client.get(event.get_absolute_url()).content.decode()
    assert "priced in USD" in page


def test_tax_is_added_at_the_configured_rate(user_client, settings):
    settings.EVENTS_TAX_RATE = Decimal("0.20")
    order = buy(user_client, paid_event(price="25.00"))
    assert (order.subtotal, order.tax, order.total) == (Decimal("25"), Decimal("5"), Decimal("30"))
    assert order.invoice.tax == Decimal("5.00") and order.payments.get().total == Decimal("30")


def test_a_payment_confirmed_twice_or_late_changes_nothing_twice(user, run_tasks, mailoutbox):
    order = sales.create_order(awaiting_registration(paid_event(), user), buyer=user)
    with run_tasks():
        payment = pay(order)
        # The same answer again, a stale copy, then one out of order: nothing more happens.
        payment.change_status(PaymentStatus.CONFIRMED)
        stale = Payment.objects.get(pk=payment.pk)
        stale.status = PaymentStatus.INPUT
        stale.change_status(PaymentStatus.CONFIRMED)
        payment.change_status(PaymentStatus.REJECTED)
        sales.record_payment(Payment.objects.get(pk=payment.pk))
    assert Invoice.objects.count() == 1 and len(mailoutbox) == 2
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_the_test_providers_return_sent_twice_is_harmless(user_client):
    order = buy(user_client, paid_event())
    again = answer_test_payment(user_client, order)
    assert again.status_code == 302
    payment = order.payments.get()
    process = reverse("payments:process", args=[payment.token])
    assert user_client.get(process + "?verification_result=rejected").status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED and Invoice.objects.count() == 1


def test_a_second_payment_for_a_paid_order_is_given_back(user, run_tasks):
    order = sales.create_order(awaiting_registration(paid_event(), user), buyer=user)
    with run_tasks():
        first = sales.start_payment(order, "default")
        second = sales.start_payment(order, "default")
        first.change_status(PaymentStatus.CONFIRMED)
        second.change_status(PaymentStatus.CONFIRMED)
    second.refresh_from_db()
    assert second.status == PaymentStatus.REFUNDED
    assert Invoice.objects.count() == 1 and not CreditNote.objects.exists()


def test_a_failed_payment_leaves_the_order_to_pay_again(user_client):
    order = order_from(register(user_client, paid_event()))
    choose_test_payment(user_client, order)
    answer_test_payment(user_client, order, status="rejected")
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING and not Invoice.objects.exists()
    assert "Pay GBP" in user_client.get(order.get_absolute_url()).content.decode()


def test_the_providers_errors_are_a_message_not_a_server_error(user_client):
    order = order_from(register(user_client, paid_event()))
    choose_test_payment(user_client, order)
    payment = order.payments.get()
    url = reverse("events:payment", args=[order.pk, payment.token])
    for failure in ("failure", "payment-error"):
        data = {"status": "confirmed", "fraud_status": "accept", "gateway_response": failure}
        response = user_client.post(url, data, follow=True)
        assert response.status_code == 200
        assert "did not answer as expected" in response.content.decode()


def test_an_unpaid_order_lapses_and_frees_its_seat_for_the_waiting_list(user, run_tasks):
    event = paid_event(capacity=1)
    order = sales.create_order(awaiting_registration(event, user), buyer=user)
    waiting = Registration.objects.create(
        event=event,
        ticket_type=event.ticket_types.first(),
        name="Next One",
        email="next@example.org",
        status=Registration.Status.WAITING,
    )
    payment = sales.start_payment(order, "default")
    assert sales.lapse_unpaid_orders(order.expires_at - timedelta(seconds=1)) == 0
    with run_tasks():
        assert sales.lapse_unpaid_orders(order.expires_at + timedelta(seconds=1)) == 1
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.registrations.get().status == Registration.Status.EXPIRED
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.OFFERED
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED
    with pytest.raises(sales.CheckoutRefused):
        sales.start_payment(order, "default")


def test_a_payment_arriving_after_the_order_lapsed_is_refunded_without_an_invoice(user, run_tasks):
    order = sales.create_order(awaiting_registration(paid_event(), user), buyer=user)
    payment = sales.start_payment(order, "default")
    Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.WAITING)
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    sales.lapse_unpaid_orders()
    with run_tasks():
        Payment.objects.get(pk=payment.pk).change_status(PaymentStatus.CONFIRMED)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED and not Invoice.objects.exists()
    assert order.registrations.get().status == Registration.Status.EXPIRED


def test_the_payment_page_of_a_lapsed_order_does_not_take_payment(user_client):
    order = order_from(register(user_client, paid_event()))
    choose_test_payment(user_client, order)
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    answer = answer_test_payment(user_client, order)
    assert answer["Location"] == order.get_absolute_url()
    assert order.payments.get().status != PaymentStatus.CONFIRMED
    assert "time ran out" in user_client.get(order.get_absolute_url()).content.decode()


def test_an_attendee_who_cancels_is_refunded_with_a_credit_note(user, run_tasks, mailoutbox):
    order = sales.create_order(awaiting_registration(paid_event(), user), buyer=user)
    with run_tasks():
        payment = pay(order)
    mailoutbox.clear()
    with run_tasks():
        assert registration.cancel_registration(order.registrations.get())
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == Order.Status.REFUNDED and order.refunded == order.total
    assert payment.status == PaymentStatus.REFUNDED and payment.extra_data == ""
    note = CreditNote.objects.get()
    assert (note.number, note.total) == (f"CN-{YEAR}-000001", order.total)
    assert note.invoice == order.invoice
    refund_email = next(m for m in mailoutbox if note.number in m.subject)
    assert refund_email.attachments[0][0] == f"{note.number}.pdf"
    with run_tasks():  # the task again, or the sweep: nothing more
        sales.settle_refunds(order.pk)
        sales.lapse_unpaid_orders()
    assert CreditNote.objects.count() == 1


def test_staff_cancelling_the_event_refunds_everyone(run_tasks):
    event = paid_event(capacity=5)
    buyers = [UserFactory() for _ in range(3)]
    orders = [sales.create_order(awaiting_registration(event, u), buyer=u) for u in buyers]
    with run_tasks():
        for order in orders:
            pay(order)
    unpaid = sales.create_order(awaiting_registration(event, email="late@example.org"))
    with run_tasks():
        assert registration.cancel_event(event) == 4
    assert set(Order.objects.values_list("status", flat=True)) == {"refunded", "cancelled"}
    assert CreditNote.objects.count() == 3
    unpaid.refresh_from_db()
    assert unpaid.status == Order.Status.CANCELLED
    numbers = sorted(CreditNote.objects.values_list("number", flat=True))
    assert numbers == [f"CN-{YEAR}-00000{n}" for n in (1, 2, 3)]


def test_issued_invoices_are_never_edited_or_deleted_one_by_one(user_client, staff_client):
    invoice = buy(user_client, paid_event()).invoice
    invoice.total = Decimal("1.00")
    with pytest.raises(Exception, match="never edited"):
        invoice.save()
    with pytest.raises(Exception, match="only the retention job"):
        invoice.delete()
    change = reverse("admin:events_invoice_change", args=[invoice.pk])
    page = staff_client.get(change)
    assert page.status_code == 200 and b'name="total"' not in page.content
    assert staff_client.post(change, {"total": "1.00"}).status_code == 403
    pdf = staff_client.get(reverse("admin:events_invoice_pdf", args=[invoice.pk]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_invoice_numbers_follow_each_other_without_gaps(run_tasks):
    event = paid_event(capacity=20)
    orders = [
        sales.create_order(awaiting_registration(event, email=f"b{n}@example.org"))
        for n in range(5)
    ]
    for order in orders[:2]:
        pay(order)
    # A payment whose transaction fails after taking a number gives the number back.
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            pay(orders[2])
            raise RuntimeError("the database went away")
    for order in orders[2:]:
        pay(order)
    numbers = list(Invoice.objects.order_by("number").values_list("number", flat=True))
    assert numbers == [f"{YEAR}-00000{n}" for n in range(1, 6)]


def test_a_visitor_confirms_their_address_then_pays_and_only_their_browser_sees_the_order(
    client, run_tasks, mailoutbox
):
    event = paid_event()
    with run_tasks():
        client.post(
            event.get_absolute_url(),
            {
                "ticket_type": event.ticket_types.get().pk,
                "name": "Vic Visitor",
                "email": "vic@example.org",
            },
        )
    confirm = re.search(r"https?://[^/\s]+(/events/confirm/[^\s\"<]+)", mailoutbox[0].body)
    with run_tasks():
        response = client.post(confirm.group(1))
    order = order_from(response)
    assert order.buyer is None and order.email == "vic@example.org"
    with run_tasks():
        choose_test_payment(client, order)
        answer_test_payment(client, order)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert any(
        order.invoice.number in m.subject and m.to == ["vic@example.org"] for m in mailoutbox
    )
    document = reverse("events:order_document", args=[order.pk, order.invoice.number])
    assert client.get(document).status_code == 200
    stranger = Client()
    assert stranger.get(order.get_absolute_url()).status_code == 404
    assert stranger.get(document).status_code == 404


def test_the_registration_page_offers_to_pay_while_the_seat_is_held(client):
    held = awaiting_registration(paid_event(), email="held@example.org")
    page = client.get(links.manage_url(held, absolute=False)).content.decode()
    assert "Pay for the ticket" in page
    response = client.post(
        reverse("events:pay", args=[links.manage_url(held).rstrip("/").rsplit("/", 1)[1]])
    )
    order = order_from(response)
    assert client.get(order.get_absolute_url()).status_code == 200
    # Again (another browser, the link from the email): the same order, not a second one.
    other = Client()
    other.post(response.wsgi_request.path)
    assert Order.objects.count() == 1


def test_only_what_a_refund_needs_is_kept_of_the_gateways_answers(user):
    order = sales.create_order(awaiting_registration(paid_event(), user), buyer=user)
    payment = sales.start_payment(order, "default")
    paypal = {
        "links": {"refund": {"href": "https://api.paypal.example/refund/1"}, "self": {}},
        "payer_info": {"email": "bea@example.org", "shipping_address": {"line1": "2 Road"}},
        "auth_response": {"access_token": "secret-token"},
        "session": {"payment_intent": "pi_1", "customer_details": {"name": "Bea"}},
    }
    payment.extra_data = json.dumps(paypal)
    payment.save()
    assert "bea@example.org" in Payment.objects.get(pk=payment.pk).extra_data  # still paying
    payment.change_status(PaymentStatus.CONFIRMED)
    assert json.loads(Payment.objects.get(pk=payment.pk).extra_data) == {
        "session": {"payment_intent": "pi_1"},
        "links": {"refund": {"href": "https://api.paypal.example/refund/1"}},
    }
    payment.change_status(PaymentStatus.REFUNDED)
    assert Payment.objects.get(pk=payment.pk).extra_data == ""


def test_without_a_provider_paid_tickets_are_not_sold(user_client, settings):
    settings.PAYMENT_VARIANTS = {}
    event = paid_event()
    page = user_client.get(event.get_absolute_url()).content.decode()
    assert "Day ticket" not in page
    held = awaiting_registration(event, email="held@example.org")
    order = sales.create_order(held)
    with pytest.raises(sales.CheckoutRefused):
        sales.start_payment(order, "default")


def test_the_orders_page_costs_the_same_queries_for_one_order_or_many(
    user_client, user, django_assert_max_num_queries
):
    def queries_for_the_page():
        with CaptureQueriesContext(connection) as captured:
            assert user_client.get(reverse("events:orders")).status_code == 200
        return len(captured)

    buy(user_client, paid_event())
    one = queries_for_the_page()
    for _ in range(4):
        buy(user_client, paid_event())
    with django_assert_max_num_queries(one):
        user_client.get(reverse("events:orders"))
    assert queries_for_the_page() == one


def test_registrations_and_ticket_sales_are_counted_without_anyone_in_them(user_client, run_tasks):
    flush.flush_visit_counts()
    with run_tasks():
        order = order_from(register(user_client, paid_event()))
        choose_test_payment(user_client, order)
        answer_test_payment(user_client, order)
    flush.flush_visit_counts()
    counts = DailyVisitCount.objects.filter(dimension="feature")
    assert dict(counts.values_list("value", "views")) == {"event-registration": 1, "ticket-sale": 1}
