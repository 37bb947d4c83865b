from rest_framework import serializers

from communities import services
from communities.models import Community, PartyOrganization, ResidentsCommittee
from communities.selectors import communities_for_user
from governance.api import ChoiceLabelField, LeanReadMixin, ScopedFieldsMixin, ServiceModelViewSet
from governance.lean_list import LeanListMixin


class PartyOrganizationSerializer(LeanReadMixin, serializers.ModelSerializer):
    kind_label = ChoiceLabelField("kind")

    class Meta:
        model = PartyOrganization
        fields = ["id", "kind", "kind_label", "name"]
        read_only_fields = fields


class ResidentsCommitteeSerializer(LeanReadMixin, serializers.ModelSerializer):
    class Meta:
        model = ResidentsCommittee
        fields = ["id", "name"]
        read_only_fields = fields


class CommunitySerializer(LeanReadMixin, ScopedFieldsMixin, serializers.ModelSerializer):
    street_name = serializers.CharField(source="street.name", read_only=True)
    party_organization = PartyOrganizationSerializer(read_only=True)
    residents_committee = ResidentsCommitteeSerializer(read_only=True)

    class Meta:
        model = Community
        fields = ["id", "version", "code", "name", "street", "street_name", "households", "party_members", "is_complex",
                  "address", "party_organization", "residents_committee"]


class CommunityViewSet(LeanListMixin, ServiceModelViewSet):
    """社区, with households, directly-managed party members and the complex flag (三(四)2)."""

    serializer_class = CommunitySerializer
    selector = communities_for_user
    create_service = services.community_create
    update_service = services.community_update
    instance_kwarg = "community"
    filterset_fields = ["street", "is_complex"]
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name", "households", "party_members"]
