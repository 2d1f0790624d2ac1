from django.urls import path

from . import resource_views

app_name = "resources"
urlpatterns = [
    path("", resource_views.resource_list, name="list"),
    path("sponsors/<int:pk>/withdraw/", resource_views.withdraw, name="withdraw"),
    path("<slug:slug>/", resource_views.resource_detail, name="detail"),
    path("<slug:slug>/access/<str:token>/", resource_views.resource_access, name="access"),
    path("<slug:slug>/download/<str:token>/", resource_views.resource_download, name="download"),
]
