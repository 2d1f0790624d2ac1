"""The public transparency report (/privacy/transparency/): per quarter, what the site's records
say about data requests, refusals, disclosures to sponsors, breaches notified to the authority
and the retention job, holding no personal data. report.py computes it; views.py and urls.py
serve it."""
