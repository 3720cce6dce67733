from . import draft
from . import session
