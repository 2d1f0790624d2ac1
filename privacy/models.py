"""The privacy app's models, one module per feature; imported here for Django and
for `from privacy.models import ...`."""

from .breaches.models import (  # noqa: F401
    Breach,
    BreachDelivery,
    BreachEvent,
    BreachQuerySet,
)
from .consent.models import (  # noqa: F401
    Consent,
    ConsentQuerySet,
    ConsentText,
)
from .cookies.models import (  # noqa: F401
    CookieConsentReceipt,
    CookieLifetime,
)
from .desk.models import UndeclaredCookie  # noqa: F401
from .feedback.models import (  # noqa: F401
    Feedback,
    FeedbackQuerySet,
)
from .newsletter.models import (  # noqa: F401
    Newsletter,
    NewsletterDelivery,
)
from .policies.models import (  # noqa: F401
    PolicyQuerySet,
    PolicyVersion,
)
from .requests.models import (  # noqa: F401
    DataExport,
    DataRequest,
    DataRequestQuerySet,
    ProcessingRestriction,
    ProcessingRestrictionQuerySet,
    RequestEvent,
    _export_storage,  # named by migration 0008
    add_months,
)
from .retention.models import (  # noqa: F401
    JobLock,
    RetentionRun,
    RetentionWarning,
)
from .sponsors.models import (  # noqa: F401
    DisclosedLead,
    Disclosure,
    Lead,
    LeadQuerySet,
    Resource,
    ResourceQuerySet,
    Sponsor,
    SponsorQuestion,
)
from .stats.models import DailyVisitCount  # noqa: F401
