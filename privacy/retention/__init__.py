"""The retention job (P17): every retention rule of the personal-data registry, enforced daily.

models.py the run records, the inactivity warnings and the lease that keeps two runs apart;
job.py the run itself (``job.enforce()``); inactivity.py warning members before an
``ERASE_MEMBER`` rule erases them; admin.py the run records for staff; tasks.py the daily Celery
task; console.py what the ``enforce_retention`` management command shows an operator.
"""
