"""The privacy app's models, one module per kind of record; imported here for Django and
for `from privacy.models import ...`."""

from ..feedback.models import (  # noqa: F401
    Feedback,
    FeedbackQuerySet,
)
from ..requests.models import (  # noqa: F401
    DataExport,
    DataRequest,
    DataRequestQuerySet,
    ProcessingRestriction,
    ProcessingRestrictionQuerySet,
    RequestEvent,
    _export_storage,  # named by migration 0008
    add_months,
)
from ..sponsors.models import (  # noqa: F401
    DisclosedLead,
    Disclosure,
    Lead,
    LeadQuerySet,
    Resource,
    ResourceQuerySet,
    Sponsor,
    SponsorQuestion,
)
from .consent import (  # noqa: F401
    Consent,
    ConsentQuerySet,
    ConsentText,
)
from .cookies import (  # noqa: F401
    CookieConsentReceipt,
    CookieLifetime,
    DailyVisitCount,
)
from .jobs import (  # noqa: F401
    JobLock,
    RetentionRun,
    RetentionWarning,
)
from .newsletter import (  # noqa: F401
    Newsletter,
    NewsletterDelivery,
)
from .policies import (  # noqa: F401
    PolicyQuerySet,
    PolicyVersion,
)
