"""The personal data the events app holds (see privacy/registry.py): registrations, the access
and dietary needs given with explicit consent (health data, GDPR Art. 9), and answers to the
organisers' questions."""

from django.db.models import Exists, OuterRef, Q
from payments import PaymentStatus

from privacy.registry import Declaration, Erasure, LegalBasis, Retention, register

from . import registration
from .models import Answer, CreditNote, Event, Invoice, Order, Payment, Registration


def _registrations(person):
    return person.rows(Registration.objects.all(), email_field="email")


def _erase_registrations(person, keep_posts: bool) -> int:
    """Delete the person's registrations; seats they held go to the waiting list."""
    rows = _registrations(person)
    freed = list(Event.objects.filter(pk__in=rows.holding_seats().values("event")))
    deleted = rows.delete()[1].get(Registration._meta.label, 0)
    for event in freed:
        registration.offer_seats(event)
    return deleted


def _ended_before(cutoff):
    return Registration.objects.filter(event__ends_at__lt=cutoff)


register(
    Declaration(
        key="event-registrations",
        name="Event registrations",
        model=Registration,
        erase_after=["sponsor-disclosures"],
        fields=[
            "user",
            "name",
            "email",
            "company",
            "job_title",
            "code",
            "status",
            "offer_expires_at",
            "sponsor_consent",
            "reminded_at",
            "checked_in_at",
            "cancelled_at",
            "created",
        ],
        description=(
            "Your registrations for events: your name, email address, company and job title if "
            "you gave them, your ticket, the waiting list, and when you were checked in."
        ),
        purpose="Giving you your seat and ticket, and telling you about the event.",
        legal_basis=LegalBasis.CONTRACT,
        recipients=(
            "The staff who organise the event. An event's sponsor, only if you ticked the box "
            "naming it (see disclosures)."
        ),
        export=lambda person: _registrations(person).values(
            "event__title",
            "event__starts_at",
            "ticket_type__name",
            "name",
            "email",
            "company",
            "job_title",
            "status",
            "checked_in_at",
            "cancelled_at",
            "created",
        ),
        erasure=Erasure(Erasure.DELETE, _erase_registrations),
        staff_permission="events.view_attendees",
        retention=[
            Retention(
                key="event-attendees",
                setting="EVENTS_ATTENDEE_RETENTION_DAYS",
                action=Retention.DELETE,
                # A paid ticket's record stays with its invoice (accounting records, P18).
                expired=lambda cutoff: _ended_before(cutoff).exclude(
                    Exists(Invoice.objects.filter(order=OuterRef("order")))
                ),
                description="Attendee records, counted from the end of the event (those of "
                "paid tickets stay as long as their invoice).",
            )
        ],
    )
)


def _needs(person):
    return _registrations(person).filter(Q(needs__gt="") | Q(needs_consent_at__isnull=False))


register(
    Declaration(
        key="event-needs",
        name="Access and dietary needs for events",
        model=Registration,
        fields=["needs", "needs_consent_at"],
        description=(
            "The access or dietary needs you gave when registering for an event, and when you "
            "agreed that we keep them. This can be health information."
        ),
        purpose="Making the event work for you.",
        legal_basis=LegalBasis.CONSENT,  # explicit consent, Art. 9(2)(a)
        recipients="Only the staff with the permission to see needs.",
        export=lambda person: _needs(person).values("event__title", "needs", "needs_consent_at"),
        erasure=Erasure.anonymise(_needs, needs="", needs_consent_at=None),
        staff_permission="events.view_needs",
        retention=[
            Retention(
                key="event-needs",
                setting="EVENTS_NEEDS_RETENTION_DAYS",
                action=Retention.CLEAR,
                changes={"needs": "", "needs_consent_at": None},
                expired=lambda cutoff: _ended_before(cutoff).filter(
                    Q(needs__gt="") | Q(needs_consent_at__isnull=False)
                ),
                description="Access and dietary needs, counted from the end of the event.",
            )
        ],
    )
)


def _answers(person):
    return Answer.objects.filter(registration__in=_registrations(person))


register(
    Declaration(
        key="event-answers",
        name="Answers to event organisers' questions",
        model=Answer,
        fields=["text"],
        erase_before=["event-registrations"],
        description="What you answered to the organisers' questions when registering.",
        purpose="Organising the event.",
        legal_basis=LegalBasis.CONTRACT,
        recipients="The staff who organise the event.",
        export=lambda person: _answers(person).values(
            "registration__event__title", "question_text", "text"
        ),
        erasure=Erasure.delete(_answers),
        staff_permission="events.view_attendees",
        retention=[
            Retention(
                key="event-answers",
                setting="EVENTS_ATTENDEE_RETENTION_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: Answer.objects.filter(
                    registration__event__ends_at__lt=cutoff
                ),
                description="Answers, with the attendee records, from the end of the event.",
            )
        ],
    )
)


# ---------------------------------------------------------------------------------------------
# Paid tickets: payments, orders, invoices and credit notes (sales.py, invoicing.py).
# Accounting records (P18): kept RETENTION_ACCOUNTING_DAYS (RETENTION_ACCOUNTING_YEARS in whole
# years) from the end of the financial year of the order's last payment or refund, erasure or
# not (GDPR Art. 17(3)(b)); what the accounts do not need goes on erasure. Registered credit
# notes first, then invoices, then orders: the retention job runs their rules in that order, so
# a document goes before the row it points to.
# ---------------------------------------------------------------------------------------------

ACCOUNTING_REASON = (
    "Accounting records (P18): the law requires us to keep invoices, credit notes and the "
    "orders they record for a number of years (GDPR Art. 17(3)(b)). On erasure the link to "
    "your account, your email address and your answers go; the name, company and address you "
    "gave stay on the invoice as it was issued, and all of it is deleted when the period ends."
)


def _orders(person):
    return person.rows(Order.objects.all(), user_field="buyer", email_field="email")


def _payments(person):
    return Payment.objects.filter(order__in=_orders(person).values("pk"))


def _invoices(person):
    return Invoice.objects.filter(order__in=_orders(person).values("pk"))


def _credit_notes(person):
    return CreditNote.objects.filter(invoice__order__in=_orders(person).values("pk"))


def _documents(documents):
    """Each invoice's or credit note's PDF in the person's copy."""
    for document in documents.exclude(pdf=""):
        yield f"{document.number}.pdf", document.pdf


def _accounts_closed(cutoff):
    return Order.objects.filter(financial_year_end__lt=cutoff)


register(
    Declaration(
        key="event-payments",
        name="Payments for tickets",
        model=Payment,
        fields=["transaction_id", "extra_data", "message", "fraud_message", "description"],
        description=(
            "Each attempt to pay an order: which payment service, the amount, whether it went "
            "through, and the service's reference. Your card or PayPal details are entered on "
            "the service's own page: we never see them. What the service sends back is deleted "
            "once the payment is final, except the reference a refund needs."
        ),
        purpose="Taking payment for your tickets, and refunding it.",
        legal_basis=LegalBasis.CONTRACT,
        recipients="The payment service you choose (Stripe or PayPal), which is told the amount.",
        export=lambda person: _payments(person).values(
            "order_id", "variant", "status", "total", "currency", "created"
        ),
        erasure=Erasure.anonymise(_payments, message="", fraud_message="", extra_data=""),
        erase_before=["event-orders"],  # found through the order's account link and address
        retention=[
            Retention(
                key="failed-payments",
                setting="RETENTION_UNPAID_ORDER_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: Payment.objects.filter(
                    created__lt=cutoff,
                    status__in=[
                        PaymentStatus.REJECTED,
                        PaymentStatus.CANCELLED,
                        PaymentStatus.ERROR,
                    ],
                ),
                description="Payment attempts that failed or were abandoned",
            )
        ],
    )
)

register(
    Declaration(
        key="event-credit-notes",
        name="Credit notes",
        model=CreditNote,
        fields=["reason", "lines"],
        description="A refund of a ticket, as a numbered credit note (PDF) against its invoice.",
        purpose="Accounting for refunds, as the law requires.",
        legal_basis=LegalBasis.LEGAL_OBLIGATION,
        recipients="Our accountants and the tax authority, if they ask.",
        export=lambda person: _credit_notes(person).values(
            "number", "issued_at", "invoice__number", "reason", "currency", "total"
        ),
        files=lambda person: _documents(_credit_notes(person)),
        erasure=Erasure.keep(ACCOUNTING_REASON),
        retention=[
            Retention(
                key="accounting-credit-notes",
                setting="RETENTION_ACCOUNTING_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: CreditNote.objects.filter(
                    invoice__order__in=_accounts_closed(cutoff).values("pk")
                ),
                description="Credit notes, from the end of the financial year of the refund,",
            )
        ],
    )
)

register(
    Declaration(
        key="event-invoices",
        name="Invoices",
        model=Invoice,
        fields=["buyer_name", "buyer_company", "buyer_address", "lines"],
        description=(
            "The invoice for each paid order (PDF): its number, your name and the company and "
            "address you gave, the tickets, tax and total."
        ),
        purpose="Accounting for sales, as the law requires.",
        legal_basis=LegalBasis.LEGAL_OBLIGATION,
        recipients="You (by email); our accountants and the tax authority, if they ask.",
        export=lambda person: _invoices(person).values(
            "number",
            "issued_at",
            "order_id",
            "buyer_name",
            "buyer_company",
            "buyer_address",
            "currency",
            "subtotal",
            "tax",
            "total",
        ),
        files=lambda person: _documents(_invoices(person)),
        erasure=Erasure.keep(ACCOUNTING_REASON),
        retention=[
            Retention(
                key="accounting-invoices",
                setting="RETENTION_ACCOUNTING_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: Invoice.objects.filter(
                    order__in=_accounts_closed(cutoff).values("pk")
                ).exclude(Exists(CreditNote.objects.filter(invoice=OuterRef("pk")))),
                description="Invoices, from the end of the financial year of the payment,",
            )
        ],
    )
)


def _erase_orders(person, keep_posts: bool) -> int:
    """Orders with an invoice are accounting records: the account link, the email address and
    the buyer's details go (the invoice keeps those the law requires, as issued). Orders never
    paid are deleted (with their payment attempts)."""
    orders = _orders(person)
    invoiced = Exists(Invoice.objects.filter(order=OuterRef("pk")))
    kept = orders.filter(invoiced).update(buyer=None, email="", name="", company="", address="")
    deleted = orders.exclude(invoiced).delete()[1].get(Order._meta.label, 0)
    return kept + deleted


register(
    Declaration(
        key="event-orders",
        name="Orders for tickets",
        model=Order,
        fields=["buyer", "name", "email", "company", "address", "lines", "currency"],
        description=(
            "What you ordered: the tickets, their price, tax and total, the name, company and "
            "address for the invoice, your email address for the receipt, and the order's status."
        ),
        purpose="Selling you tickets, sending the receipt and invoice, refunding a cancellation.",
        legal_basis=LegalBasis.CONTRACT,
        recipients="Administrators; the payment service is told the amount and order number only.",
        export=lambda person: _orders(person).values(
            "pk",
            "created",
            "status",
            "name",
            "email",
            "company",
            "address",
            "lines",
            "currency",
            "subtotal",
            "tax",
            "total",
            "refunded",
        ),
        erasure=Erasure(Erasure.ANONYMISE, _erase_orders, ACCOUNTING_REASON),
        retention=[
            Retention(
                key="unpaid-orders",
                setting="RETENTION_UNPAID_ORDER_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: Order.objects.filter(
                    created__lt=cutoff, status__in=[Order.Status.PENDING, Order.Status.CANCELLED]
                ).exclude(Exists(Invoice.objects.filter(order=OuterRef("pk")))),
                description="Orders never paid (lapsed or cancelled before payment)",
            ),
            Retention(
                key="accounting-orders",
                setting="RETENTION_ACCOUNTING_DAYS",
                action=Retention.DELETE,
                expired=lambda cutoff: _accounts_closed(cutoff).exclude(
                    Exists(Invoice.objects.filter(order=OuterRef("pk")))
                ),
                description="Paid orders, from the end of the financial year of the last "
                "payment or refund,",
            ),
        ],
    )
)
