"""The access tokens plain OAuth 2.0 sign-ins used, known by their digest: after an idle
logout, one used before it (the browser's history) signs no one in."""

import calendar
import hashlib
from datetime import timedelta

from odoo import api, fields, models

# How long a token is known when the provider does not say how long it lasts: a day
# (an hour at Google, which says it): a provider giving the same token again after an
# idle logout is refused no longer.
UNSAID_LIFETIME = timedelta(days=1)


def token_digest(access_token):
    return hashlib.sha256((access_token or "").encode()).hexdigest()


class IdleUserLogoutOauthToken(models.Model):
    """An access token a plain OAuth 2.0 sign-in used, known by its digest, never
    itself: after an idle logout, a sign-in with a token used before it (an entry of
    the browser's history, still valid at the provider) is refused."""

    _name = "idle_user_logout.oauth_token"
    _description = "Access Token of a Single Sign-On"

    user_id = fields.Many2one("res.users", required=True, ondelete="cascade")
    digest = fields.Char(required=True)
    first_used = fields.Datetime(required=True)
    expires = fields.Datetime(required=True, index=True)

    _digest_unique = models.UniqueIndex("(digest)")

    @api.model
    def _first_used(self, user, access_token, expires_in):
        """When this access token first signed in (epoch s): now, for a new one,
        known until it expires (`expires_in`, seconds, as the provider said)."""
        digest = token_digest(access_token)
        token = self.sudo().search([("digest", "=", digest)], limit=1)
        if not token:
            now = fields.Datetime.now()
            lifetime = (
                timedelta(seconds=int(expires_in))
                if str(expires_in or "").isdigit()
                else UNSAID_LIFETIME
            )
            token = self.sudo().create(
                {
                    "user_id": user.id,
                    "digest": digest,
                    "first_used": now,
                    "expires": now + lifetime,
                }
            )
        return calendar.timegm(token.first_used.timetuple())

    @api.autovacuum
    def _gc_expired(self):
        self.sudo().search([("expires", "<", fields.Datetime.now())]).unlink()
