"""Orders pages: a buyer's order (pay, then its invoice), the payment page, a member's orders and
their documents; and the provider's return and webhook endpoints (payment_urls.py).

Nobody sees an order that is not theirs: a member's own (`buyer`), or for a visitor one made in
this browser (its id is kept in the session by `checkout.start`). Anything else is a 404, the
same answer as for an order that does not exist.
"""

import logging
from urllib.error import URLError

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from payments import PaymentError, PaymentStatus, RedirectNeeded
from payments import urls as payment_views

from . import sales
from .models import CreditNote, Invoice, Order
from .order_forms import PaymentChoiceForm

logger = logging.getLogger(__name__)
SESSION_KEY = "events_orders"


def remember_order(request, order: Order) -> None:
    """A visitor's order stays theirs in this browser (a member's is theirs by account)."""
    known = request.session.get(SESSION_KEY, [])
    if order.pk not in known:
        request.session[SESSION_KEY] = [*known, order.pk][-20:]


def own_order(request, pk: int) -> Order:
    order = get_object_or_404(Order.objects.select_related("invoice"), pk=pk)
    mine = request.user.is_authenticated and order.buyer_id == request.user.pk
    if not (mine or (order.buyer_id is None and pk in request.session.get(SESSION_KEY, []))):
        raise Http404("No such order.")
    return order


@login_required
def my_orders(request):
    orders = (
        Order.objects.of_member(request.user)
        .select_related("invoice")
        .prefetch_related("invoice__credit_notes")
    )
    context = {"orders": orders, "RETENTION_ACCOUNTING_YEARS": settings.RETENTION_ACCOUNTING_YEARS}
    return render(request, "events/orders.html", context)


def order_detail(request, pk: int):
    order = own_order(request, pk)
    initial = {"name": order.name, "company": order.company, "address": order.address}
    form = PaymentChoiceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            payment = sales.start_payment(order, **form.cleaned_data)
        except sales.CheckoutRefused as refusal:
            messages.error(request, str(refusal))
            return redirect(order)
        return redirect("events:payment", pk=order.pk, token=payment.token)
    payable = order.is_pending and order.expires_at > timezone.now()
    context = {
        "order": order,
        # Sent to a provider's page and not confirmed yet: its word (a webhook) may be on its way.
        "in_flight": payable
        and order.payments.filter(status=PaymentStatus.WAITING).exclude(transaction_id="").exists(),
        "form": form if payable else None,
        "payable": payable,
        "RETENTION_ACCOUNTING_YEARS": settings.RETENTION_ACCOUNTING_YEARS,
    }
    return render(request, "events/order.html", context, status=400 if form.errors else 200)


def payment_page(request, pk: int, token):
    """The provider's form, or a redirect to its page. The test provider's form is ours."""
    order = own_order(request, pk)
    payment = get_object_or_404(order.payments, token=token)
    if not order.is_pending or order.expires_at <= timezone.now():
        return redirect(order)
    try:
        form, redirect_to = _provider_form(payment, request.POST or None)
    except (PaymentError, URLError) as error:
        logger.warning("Payment %s failed at its provider: %s", payment.pk, error)
        messages.error(request, "The payment service did not answer as expected. Try again.")
        return redirect(order)
    if redirect_to:
        return redirect(redirect_to)
    context = {"order": order, "form": form, "test": sales.is_test_provider(payment.variant)}
    return render(request, "events/payment.html", context, status=400 if form.errors else 200)


def _provider_form(payment, data):
    """(the provider's form, None), or (None, the address it sends the buyer to). What the
    provider recorded meanwhile (a payment confirmed on the test provider's form, with its
    invoice) is committed either way; an error (PaymentError, URLError) undoes it."""
    with transaction.atomic():
        try:
            return payment.get_form(data=data), None
        except RedirectNeeded as needed:
            redirect_to = str(needed)
    return None, redirect_to


def document_pdf(request, pk: int, number: str):
    """An invoice's or credit note's PDF, to its buyer only."""
    order = own_order(request, pk)
    document = (
        Invoice.objects.filter(order=order, number=number).first()
        or CreditNote.objects.filter(invoice__order=order, number=number).first()
    )
    if document is None or not document.pdf:
        raise Http404("No such document.")
    return FileResponse(
        document.pdf.open("rb"), content_type="application/pdf", filename=f"{number}.pdf"
    )


@csrf_exempt
def process_payment(request, token):
    """The provider sends the buyer (or its notification) back here for one payment."""
    try:
        return payment_views.process_data(request, token)
    except PaymentError as error:
        logger.warning("A provider's return was refused: %s", error)
        return JsonResponse({"error": "Not a valid payment notification."}, status=400)


@csrf_exempt
@require_POST
def provider_webhook(request, variant: str):
    """The provider's one webhook endpoint: signed by the provider, or refused with a 400."""
    try:
        return payment_views.static_callback(request, variant)
    except NotImplementedError:  # the provider takes no webhooks (the test provider)
        raise Http404("No webhooks here.") from None
    except PaymentError as error:
        logger.warning("A webhook was refused: %s", error)
        return JsonResponse({"error": "Not a valid webhook."}, status=400)
