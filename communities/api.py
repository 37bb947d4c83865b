from rest_framework import serializers
from rest_framework.decorators import action

from assessments.api import community_quotas_response, community_quotas_schema
from communities import services
from communities.models import Community, PartyOrganization, ResidentsCommittee
from communities.selectors import communities_for_user
from governance.api import ScopedFieldsMixin, ServiceModelViewSet
from streets.selectors import streets_for_user


class PartyOrganizationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = PartyOrganization
        fields = ["id", "kind", "kind_label", "name"]
        read_only_fields = fields


class ResidentsCommitteeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResidentsCommittee
        fields = ["id", "name"]
        read_only_fields = fields


class CommunitySerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    scoped_fields = {"street": streets_for_user}
    street_name = serializers.CharField(source="street.name", read_only=True)
    party_organization = PartyOrganizationSerializer(read_only=True)
    residents_committee = ResidentsCommitteeSerializer(read_only=True)

    class Meta:
        model = Community
        fields = ["id", "code", "name", "street", "street_name", "households", "party_members", "is_complex",
                  "address", "party_organization", "residents_committee"]


class CommunityViewSet(ServiceModelViewSet):
    """社区, with households, directly-managed party members and the complex flag (三(四)2)."""

    serializer_class = CommunitySerializer
    selector = communities_for_user
    create_service = services.community_create
    update_service = services.community_update
    instance_kwarg = "community"
    filterset_fields = ["street", "is_complex"]
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name", "households", "party_members"]

    @community_quotas_schema
    @action(detail=True, methods=["get"])
    def quotas(self, request, pk=None):
        """三(一), 三(四)2, 五(二) quotas beside the actual figures, each with its basis."""
        return community_quotas_response(request, self.get_object())
