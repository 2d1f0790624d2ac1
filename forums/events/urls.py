from django.urls import include, path

from . import feeds, order_urls, staff_views, views

app_name = "events"

# Fixed paths first: an event's slug never hides them.
urlpatterns = [
    path("", views.event_list, name="list"),
    path("feed/", feeds.UpcomingEventsFeed(), name="feed"),
    path("mine/", views.my_events, name="mine"),
    path("", include(order_urls)),  # orders/…: paid tickets, payments, invoices
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("registration/<str:token>/", views.registration_page, name="registration"),
    path(
        "registration/<str:token>/cancel/",
        views.registration_action,
        {"action": "cancel"},
        name="cancel",
    ),
    path(
        "registration/<str:token>/pay/",
        views.registration_action,
        {"action": "pay"},
        name="pay",
    ),
    path(
        "registration/<str:token>/claim/",
        views.registration_action,
        {"action": "claim"},
        name="claim",
    ),
    path(
        "registration/<str:token>/stop-sponsor/",
        views.registration_action,
        {"action": "stop-sponsor"},
        name="stop_sponsor",
    ),
    path("<slug:slug>/", views.event_detail, name="detail"),
    path("<slug:slug>/calendar.ics", views.event_calendar, name="calendar"),
    path("<slug:slug>/attendees/", staff_views.attendees, name="attendees"),
    path("<slug:slug>/check-in/", staff_views.check_in, name="check_in"),
]
