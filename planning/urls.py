from django.urls import path  # noqa: F401 - the parts of issue 16 add their pages here

app_name = "planning"

urlpatterns = []
