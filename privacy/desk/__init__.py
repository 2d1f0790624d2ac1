"""The privacy officer's desk (issue 15): every promise's live status on one page.

``board.py`` holds what a row is and the list of row functions; each module under ``rows/``
adds the rows of one area with the ``@board.row`` decorator. A row function takes the moment
to evaluate at (``now``) and returns one ``Row`` or a list of them, computed from the database,
the settings and the registry, never typed in. A feature that wants its promise on the desk
writes one function in its own package::

    from privacy.desk import board

    @board.row
    def payments(now):
        failed = Payment.objects.filter(status="failed", created__gte=now - DAY).count()
        return board.Row(
            key="payments", promises="P8", title="Payments",
            status=board.RED if failed else board.GREEN,
            summary=f"{failed} failed payments in the last day",
            link=("admin:events_payment_changelist", "Payments"),
        )

and imports that module where it is loaded (its admin or personal_data module will do). A
promise that no query can check says how it is kept instead (``board.NOT_LIVE``), never green.

The admin page (``views.py``, ``/admin/privacy/desk/``), the ``privacy desk`` command and the
weekly email (``report.py``) all read ``board.compute()``; ``middleware.py`` counts the cookies
the site sets that the cookie declaration does not list (``models.UndeclaredCookie``).
"""
