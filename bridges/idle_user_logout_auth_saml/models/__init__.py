from . import auth_saml_provider
from . import res_config_settings
from . import res_users
