"""Contracts API (/api/v1/contracts): read only. Contract managers and coordinators see
their regions' contracts, administrators all; another region's contract is a 404 and
other roles get a 403 (capacity.contract_selectors)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasRole
from capacity import contract_selectors as selectors
from capacity.contract_serializers import ContractFilterSerializer, ContractSerializer
from capacity.models import Contract
from core.errors import NotFound


@extend_schema(
    parameters=[
        OpenApiParameter("provider", int, description="id van de zorgaanbieder"),
        OpenApiParameter("funding_form", str, enum=["taakgericht", "inspanningsgericht", "outputgericht"]),
        OpenApiParameter("active_on", str, description="JJJJ-MM-DD: contracten die die dag lopen"),
    ]
)
class ContractList(generics.ListAPIView):
    serializer_class = ContractSerializer
    permission_classes = [HasRole(*selectors.CONTRACT_READ_ROLES)]
    filterset_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Contract.objects.none()
        # page and pageSize are the paginator's (400 naming them, core.renderers.Pagination)
        params = {k: v for k, v in self.request.query_params.dict().items() if k not in ("page", "page_size")}
        query = ContractFilterSerializer(data=params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        return selectors.contract_list(
            membership=self.request.membership,
            provider_id=data.get("provider"),
            funding_form=data.get("funding_form"),
            active_on=data.get("active_on"),
        )


class ContractDetail(APIView):
    permission_classes = [HasRole(*selectors.CONTRACT_READ_ROLES)]

    @extend_schema(responses=ContractSerializer)
    def get(self, request, pk):
        contract = selectors.contract_get(membership=request.membership, pk=pk)
        if contract is None:
            raise NotFound()
        return Response(ContractSerializer(contract).data)
