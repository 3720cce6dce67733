from . import session
