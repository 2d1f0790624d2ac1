"""The breach register (GDPR Art. 33-34): personal-data breaches, their 72-hour clock, what
the supervisory authority and the people affected were told.

models.py the records (breach, audit trail, the notice's deliveries); state.py every change,
called by the admin and the command line alike; notice.py the email to the members holding
data of the kinds affected, through the newsletter's resumable batch sender
(privacy/batch_sending.py); desk.py the rows the privacy officer's desk shows (`desk.rows(now)`);
forms.py and admin.py the staff tool (the `privacy.manage_breaches` permission only); tasks.py
the task; personal_data.py its declarations in the registry (the records are kept, P18).
"""
