from . import test_history
from . import test_provider_logout
from . import test_reauthentication
from . import test_single_sign_on
