"""Feedback and support requests (P16), and the publication of an edited, anonymised text.

models.py the record; publication.py receiving and publishing (the rules); forms.py, views.py and
urls.py the pages at /feedback/; admin.py staff handling; personal_data.py its declaration in the
registry (imported by privacy/personal_data/, in the order the register lists them).
"""
