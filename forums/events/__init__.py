"""Community events (app label "events"): events and their ticket types and questions,
registrations, the waiting list, tickets, check-in and the emails around them.

Business rules live in plain functions: `registration.py` (registering, confirming, the waiting
list, cancelling, reminders), `door.py` (check-in), `sponsor_consent.py` and `sponsor_export.py`
(an event sponsor's box and what it receives, P8), `notices.py` (the emails); `checkout.py` is
where paid tickets leave this module for the payment feature."""
