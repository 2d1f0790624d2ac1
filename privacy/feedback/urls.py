from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("", views.send, name="send"),
    path("published/", views.published, name="published"),
]
