from . import test_saml
