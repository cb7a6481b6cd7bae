from django.urls import path

from capacity import api, contract_api

urlpatterns = [
    path("facilities", api.FacilityList.as_view(), name="api-facilities"),
    path("facilities/<str:pk>", api.FacilityDetail.as_view(), name="api-facility"),
    path("facilities/<str:pk>/availability", api.FacilityAvailability.as_view(), name="api-facility-availability"),
    path("facilities/<str:pk>/group", api.FacilityGroup.as_view(), name="api-facility-group"),
    # Issue 14 (api-push): bulk availability from a provider's system.
    path("availability", api.AvailabilityBulk.as_view(), name="api-availability-bulk"),
    path("providers", api.ProviderList.as_view(), name="api-providers"),
    path("care-types", api.CareTypeList.as_view(), name="api-care-types"),
    path("specialisations", api.SpecialisationList.as_view(), name="api-specialisations"),
    # issue 12, refdata: a region's tariffs per G7 intensity band
    path("regions/<str:code>/bands", api.RegionBands.as_view(), name="api-region-bands"),
    # issue 12 part "contracts"
    path("contracts", contract_api.ContractList.as_view(), name="api-contracts"),
    path("contracts/<str:pk>", contract_api.ContractDetail.as_view(), name="api-contract"),
]
