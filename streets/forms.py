"""Forms for the street's pages. They shape input; the services decide the rules (二(三) in street_office_update)."""

from django import forms

from governance.forms import VersionedForm
from governance.models import Person


class StreetOfficeForm(VersionedForm):
    duties = forms.CharField(label="职责", widget=forms.Textarea(attrs={"rows": 6}))
    head = forms.ModelChoiceField(queryset=Person.objects.none(), required=False, label="主管领导",
                                  help_text="由班子成员副职兼任（二(三)）。")

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = people
