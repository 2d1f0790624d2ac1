from django.urls import path

from . import views

app_name = "resources"
urlpatterns = [
    path("", views.resource_list, name="list"),
    path("sponsors/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<slug:slug>/", views.resource_detail, name="detail"),
    path("<slug:slug>/access/<str:token>/", views.resource_access, name="access"),
    path("<slug:slug>/download/<str:token>/", views.resource_download, name="download"),
]
