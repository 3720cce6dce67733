from . import draft
from . import session
from . import tabs
