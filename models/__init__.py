from . import idle_user_logout_draft
from . import idle_user_logout_log
from . import ir_http
from . import ir_websocket
from . import res_config_settings
from . import res_device
from . import res_groups
from . import res_users
