from . import test_single_sign_on
