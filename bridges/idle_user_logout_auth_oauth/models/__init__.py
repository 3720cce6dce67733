from . import auth_oauth_provider
from . import idle_user_logout_oauth_token
from . import ir_http
from . import res_config_settings
from . import res_users
