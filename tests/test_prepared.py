"""community.prepared: each connection prepares its own statements, once."""

import threading

import pytest
from django.db import connection, connections

from community import prepared

SQL = "SELECT CAST(%s AS integer) + 1"


def answer() -> int:
    with connection.cursor() as cursor:
        prepared.execute(cursor, "test_prepared_answer", SQL, [41])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_each_threads_connection_prepares_its_own_statement_once():
    answers = [answer()]

    def in_another_thread():  # as a threaded server runs requests: its own connection
        try:
            answers.append(answer())
        finally:
            connections.close_all()

    thread = threading.Thread(target=in_another_thread)
    thread.start()
    thread.join()
    answers.append(answer())  # this thread's connection again: prepared already
    assert answers == [42, 42, 42]
