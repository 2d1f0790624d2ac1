"""The personal-data registry: every kind of personal data the site stores, declared once.

Each app says what it stores in its own ``<app>/personal_data`` module, imported by
``PrivacyConfig.ready`` (``autodiscover_modules("personal_data")``, like ``admin.py``). Four
features read the registry, so none can forget a kind of data: the data export (P12), erasure
(P13), the retention job (P17) and the register of processing (P27, ``/privacy/register/``).
``tests/privacy/test_registry.py`` fails when a model field that can hold personal data is not
covered by a declaration (``completeness.undeclared_fields``).

Writing a declaration
---------------------
In ``myapp/personal_data.py``::

    from privacy.registry import Declaration, Erasure, LegalBasis, Retention, register

    register(
        Declaration(
            key="sign-ins",                       # unique, stable, used in exports and logs
            name="Sign-in records",               # plain language, shown to members
            model=SignIn,
            fields=["user", "created", "ip_address", "user_agent"],  # fields this covers
            description="When you signed in, from which address and browser.",
            purpose="Security: you and staff can spot a sign-in that was not yours.",
            legal_basis=LegalBasis.LEGITIMATE_INTEREST,
            recipients="You; administrators.",
            export=lambda person: person.rows(SignIn.objects.all()).values(
                "created", "ip_address", "user_agent"
            ),
            erasure=Erasure.delete(lambda person: person.rows(SignIn.objects.all())),
            retention=[
                Retention(
                    key="sign-ins",
                    setting="RETENTION_SIGN_IN_DAYS",
                    action=Retention.DELETE,
                    expired=lambda cutoff: SignIn.objects.filter(created__lt=cutoff),
                ),
            ],
        )
    )

One model may be covered by several declarations (posts and their IP addresses, say): the
completeness test asks only that every personal field appears in some declaration's ``fields``.
``register`` checks that the listed fields exist and that keys are unique. Exporters and
erasers receive a ``Person`` (``person.py``); ``Erasure`` and ``Retention`` say what erasure
and the retention job do (``erasure.py``, ``retention.py``); a declaration that needs another's
eraser to have run first names it in ``erase_after`` (``store.declarations``).

``export(user_or_email)`` yields ``(declaration, records)`` for every declaration, in registry
order; ``records`` is a lazy iterable of JSON-ready dicts (``DjangoJSONEncoder`` handles dates,
times, decimals, UUIDs). Exporters should return ``QuerySet.values(...)`` (iterated with
``.iterator()`` by ``Declaration.export_records``) or a generator, so large volumes stream and
memory stays flat. Write only the person's own data: never another member's.
``inventory()`` says, per declaration, how many rows the site holds and for how many people (one
query for all: the desk, ``privacy inventory`` and the breach form read it);
``members_holding(keys)`` finds the members with data of given kinds (``inventory.py``: what a
breach touches, privacy/breaches/).
``erase(user_or_email, *, keep_posts)`` runs every declaration's ``Erasure`` inside one
transaction and returns ``{key: (action, rows changed)}``.
"""

from .completeness import PERSON_NAME, personal_fields, undeclared_fields  # noqa: F401
from .declaration import Declaration, LegalBasis  # noqa: F401
from .erasure import Erasure, erase, kept_on_erasure  # noqa: F401
from .inventory import Holding, holders, inventory, members_holding  # noqa: F401
from .members import describe_members, member_facts  # noqa: F401
from .person import HASH_SALT, Person, keyed_hash  # noqa: F401
from .retention import Retention  # noqa: F401
from .store import (  # noqa: F401
    EVERY_OTHER,
    _registry,
    declarations,
    export,
    export_files,
    get,
    register,
    retention_rules,
    rows_of,
)
