"""The newsletter (P9, P10, P11): visitors' double opt-in, one-click unsubscribe, sending in
batches.

subscription.py subscribing and unsubscribing (the consent is recorded in the ledger,
privacy/consent/); sending.py sending in resumable batches and the sweep that resumes a lost
send; forms.py, views.py and urls.py the preferences, sign-up, confirmation and unsubscribe
pages; admin.py writing, testing and sending; tasks.py the tasks (listed in privacy/tasks.py).
"""
