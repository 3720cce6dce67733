"""A SAML provider after an idle logout: its next AuthnRequest forces a new
authentication, and the assertion says when it happened (AuthnInstant)."""

import calendar

from saml2.time_util import str_to_time

from odoo import models
from odoo.http import request

from odoo.addons.idle_user_logout.models.single_sign_on import REAUTH_KEY

# Where the validated response says when the identity provider authenticated the person.
AUTHN_INSTANT = "idle_logout_authn_instant"


class AuthSamlProvider(models.Model):
    _inherit = "auth.saml.provider"

    def _get_config_for_provider(self, base_url=None):
        config = super()._get_config_for_provider(base_url)
        if request and request.session.get(REAUTH_KEY):
            # After a logout by the addon: its AuthnRequest carries ForceAuthn="true".
            config.setattr("sp", "force_authn", "true")
        return config

    def _hook_validate_auth_response(self, response, matching_value):
        vals = super()._hook_validate_auth_response(response, matching_value)
        assertion = response.assertion
        instants = [
            statement.authn_instant
            for statement in (assertion.authn_statement if assertion else [])
            if statement.authn_instant
        ]
        vals[AUTHN_INSTANT] = (
            calendar.timegm(str_to_time(instants[0])) if instants else None
        )
        return vals
