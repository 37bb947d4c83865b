from rest_framework import serializers

from governance.api import ChoiceLabelField, LeanReadMixin, ScopedFieldsMixin
from governance.identity import birth_year_from_id_number, mask_id_number, validate_id_number
from governance.models import Department, Person, PolicyRule, Post, StationedUnit
from governance.scope import scope_for
from governance.selectors import can_see_person_identity


class DepartmentSerializer(LeanReadMixin, serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "version", "code", "name", "kind"]


class StationedUnitSerializer(LeanReadMixin, ScopedFieldsMixin, serializers.ModelSerializer):
    street_name = serializers.CharField(source="street.name", read_only=True)

    class Meta:
        model = StationedUnit
        fields = ["id", "version", "street", "street_name", "name", "level", "party_organization", "contact"]


class PersonSerializer(LeanReadMixin, ScopedFieldsMixin, serializers.ModelSerializer):
    birth_year = serializers.IntegerField(read_only=True, allow_null=True, help_text="出生年份，由身份证号码得出")

    class Meta:
        model = Person
        fields = ["id", "version", "name", "gender", "phone", "id_number", "birth_year", "street", "community",
                  "is_party_member", "is_npc_deputy", "community_service_start", "has_violation_record"]
        extra_kwargs = {"id_number": {"validators": [validate_id_number]}}  # uniqueness: the service says it on the field

    # A lean list's rows (governance/lean_list.py) hold the ID number; the birth year is read from it as the model does.
    lean_computed = {"birth_year": ("id_number", birth_year_from_id_number)}

    def to_representation(self, person):
        data = super().to_representation(person)
        if not self._reveal_identity() and data.get("id_number"):
            data["id_number"] = mask_id_number(data["id_number"])
        return data

    def lean_rows(self, rows):
        answered = super().lean_rows(rows)
        if not self._reveal_identity():
            for data in answered:
                if data.get("id_number"):
                    data["id_number"] = mask_id_number(data["id_number"])
        return answered

    def _reveal_identity(self) -> bool:
        if "reveal_identity" not in self.context:
            request = self.context.get("request")
            self.context["reveal_identity"] = request is not None and can_see_person_identity(user=request.user)
        return self.context["reveal_identity"]

    def validate(self, attrs):
        # A record with neither street nor community belongs to the district: only district-wide
        # users may keep one, or a street's clerk would create a row they can no longer see.
        request = self.context.get("request")
        street = attrs.get("street", getattr(self.instance, "street", None))
        community = attrs.get("community", getattr(self.instance, "community", None))
        if request is not None and not scope_for(request.user).district_wide and not (street or community):
            raise serializers.ValidationError({"street": ["请选择人员所属的街道或社区。"]})
        return attrs


class PostSerializer(LeanReadMixin, ScopedFieldsMixin, serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    kind_label = ChoiceLabelField("kind")

    class Meta:
        model = Post
        fields = ["id", "version", "person", "person_name", "kind", "kind_label", "street", "community", "station", "grid",
                  "staff_category", "is_secondment", "is_concurrent", "seconded_from", "secondment_role", "start_date", "end_date",
                  "approval_reference", "approval_covers", "note"]
        read_only_fields = ["approval_covers"]


class PolicyRuleSerializer(LeanReadMixin, serializers.ModelSerializer):
    class Meta:
        model = PolicyRule
        fields = ["id", "key", "title", "value", "effective_from", "clause", "note"]
