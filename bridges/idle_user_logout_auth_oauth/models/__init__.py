from . import auth_oauth_provider
from . import idle_user_logout_oauth_token
from . import idle_user_logout_session_end
from . import res_config_settings
from . import res_users
