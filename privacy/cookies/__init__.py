"""Cookie consent (P19-P22), on top of django-cookie-consent.

The library keeps each visitor's choices in its consent cookie (`group=version|group=-1`), offers
template filters (`request|cookie_group_accepted:"analytics"`) and deletes the cookies of declined
groups (`CleanCookiesMiddleware`). This package adds what it lacks: choosing several groups at
once, a receipt for every choice (its `LogItem` records no visitor), a consent cookie that cannot
be tampered into consent, and the preference cookies that remember searches and contact details.

models.py the receipts and the cookies' lifetimes; choices.py recording a choice and its receipt;
wording.py the banner's wording; forms.py and views.py the banner's choice and the settings page
(urls.py, under the library's URL names); middleware.py the consent cookie cleaned of what our
views would not have written; context_processors.py the banner and third-party scripts in every
page; preferences.py the preference cookies; admin.py receipts and lifetimes for staff.
"""
