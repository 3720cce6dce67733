from . import draft
from . import home
from . import session
from . import tabs
