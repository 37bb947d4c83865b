"""The API's token authentication: DRF's, reading the token and its user in one prepared query.

DRF's TokenAuthentication runs `Token.objects.select_related("user").get(key=key)`: the same one query,
but ~1.3 ms a request of building and compiling the queryset for a 0.2 ms query (issue 14). Here the same
join is a `CompiledQuery` (governance/compiled_query.py): the ORM builds and compiles it once per process and
database, and each request runs its SQL with the key, through the ORM's value converters; the two instances
are built as the ORM builds them (`Model.from_db`). What it accepts and refuses is DRF's: an unknown key and
an inactive user are 401s with DRF's messages.
"""

from django.contrib.auth import get_user_model
from django.db import router
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication as DrfTokenAuthentication

from governance.compiled_query import CompiledQuery


class _TokenRead:
    """A token model's row joined to its user's, by key: the columns in the models' order."""

    def __init__(self, token_model, using):
        self.token_model, self.user_model = token_model, get_user_model()
        self.token_names = [f.attname for f in token_model._meta.concrete_fields]
        self.user_names = [f.attname for f in self.user_model._meta.concrete_fields]
        columns = [*self.token_names, *(f"user__{name}" for name in self.user_names)]
        self.query = CompiledQuery(lambda key: token_model._default_manager.filter(key=key).values_list(*columns),
                                   using=using)
        self.user_field = token_model._meta.get_field("user")

    def read(self, key):
        rows = self.query.rows(key=key)  # the key is the primary key: one row or none
        if not rows:
            return None
        row, n = rows[0], len(self.token_names)
        token = self.token_model.from_db(self.query.using, self.token_names, row[:n])
        user = self.user_model.from_db(self.query.using, self.user_names, row[n:])
        self.user_field.set_cached_value(token, user)
        return token


class TokenAuthentication(DrfTokenAuthentication):
    _reads: dict = {}

    def authenticate_credentials(self, key):
        model = self.get_model()
        if len(key) > model._meta.get_field("key").max_length or "\x00" in key or not key:
            # No token has such a key; PostgreSQL would refuse the NUL with an error (a 500).
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        using = router.db_for_read(model)
        read = self._reads.get((model, using))
        if read is None:
            read = self._reads[(model, using)] = _TokenRead(model, using)
        token = read.read(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
