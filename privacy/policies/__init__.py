"""Policy versions (P24, P25): the privacy policy, the cookie policy and the terms.

models.py the versions; versions.py their history with the changes between them; notices.py the
email about a material change; acceptance.py and middleware.py asking members to accept new
terms, forms.py recording it in the consent ledger; views.py and urls.py the pages; admin.py
publishing; tasks.py the task (listed in privacy/tasks.py). The *.md files are the first
versions, loaded by migration 0002.
"""
