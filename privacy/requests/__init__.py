"""Data-subject requests (P12-P16, P18): access and portability, erasure, rectification,
restriction, objection, withdrawal of consent.

models.py the records (request, audit trail, export, restriction); state.py every change of
state, called alike by views, admin actions and tasks; limits.py what one person may ask for;
links.py the signed links a requester is emailed; notices.py those emails; export.py and
erasure.py the tasks' work; sweep.py re-sends lost work; digest.py the privacy officers' digest;
restriction.py what a restriction means elsewhere; forms.py, views.py and urls.py the pages
under /privacy/my-data/ and /privacy/requests/; admin.py staff handling; tasks.py the Celery
tasks; personal_data.py its declarations in the registry (imported by privacy/personal_data/,
in the order the register lists them).

Other features ask one thing of requests: which members' processing is not restricted (the
newsletter and the reply notifications leave the others out), so `unrestricted` is importable
from here.
"""

from .restriction import unrestricted

__all__ = ["unrestricted"]
