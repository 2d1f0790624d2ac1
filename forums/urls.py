from django.urls import path

from . import feeds, views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/profile/", views.account_overview, name="account_overview"),
    path(
        "accounts/profile/notifications/",
        views.account_notifications,
        name="account_notifications",
    ),
    path("c/<slug:slug>/", views.category_detail, name="category"),
    path("c/<slug:slug>/new/", views.new_topic, name="new_topic"),
    path("t/<int:pk>/<slug:slug>/", views.topic_detail, name="topic"),
    path("t/<int:pk>/<slug:slug>/moderate/", views.topic_moderate, name="topic_moderate"),
    path("p/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("p/<int:pk>/report/", views.post_report, name="post_report"),
    path("p/<int:pk>/moderate/", views.post_moderate, name="post_moderate"),
    path("u/<str:username>/", views.profile, name="profile"),
    path("search/", views.search_view, name="search"),
    path("feeds/latest/", feeds.TopicsFeed(), name="feed_latest"),
    path("c/<slug:slug>/feed/", feeds.CategoryFeed(), name="feed_category"),
    path("t/<int:pk>/<slug:slug>/feed/", feeds.TopicFeed(), name="feed_topic"),
    path("preview/", views.preview, name="preview"),
    path("notifications/off/<str:token>/", views.notifications_off, name="notifications_off"),
    path(
        "notifications/mentions/off/<str:token>/",
        views.notifications_off,
        {"what": "mentions"},
        name="mention_notifications_off",
    ),
]
