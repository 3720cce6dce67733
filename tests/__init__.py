from . import test_js
from . import test_login_page
from . import test_server_enforcement
from . import test_session_end
from . import test_session_info
from . import test_settings
from . import test_settings_ui
from . import test_translations
