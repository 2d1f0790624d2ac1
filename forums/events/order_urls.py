"""A buyer's orders, the payment page and the invoices (included by urls.py under /events/)."""

from django.urls import path

from . import order_views

urlpatterns = [
    path("orders/", order_views.my_orders, name="orders"),
    path("orders/<int:pk>/", order_views.order_detail, name="order"),
    path("orders/<int:pk>/pay/<uuid:token>/", order_views.payment_page, name="payment"),
    path(
        "orders/<int:pk>/documents/<str:number>.pdf",
        order_views.document_pdf,
        name="order_document",
    ),
]
