"""Sponsors, their resources, the leads they collect and every disclosure of those leads
(P8, P23): models, services, views, forms, urls, admin and personal data, in one place."""
