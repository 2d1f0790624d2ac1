from django.urls import path

from . import feedback_views

app_name = "feedback"
urlpatterns = [
    path("", feedback_views.send, name="send"),
    path("published/", feedback_views.published, name="published"),
]
