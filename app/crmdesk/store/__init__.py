"""The local SQLite store: the calendar mirror, proxy activities, tokens, journal.

The store is the only module that writes SQL (STYLE rule 1) and the only
copy of the id mapping between the calendar and the CRM, so migrations back
the file up first (STYLE rule 6).
"""

from crmdesk.errors import StoreDamaged, StoreError
from crmdesk.store.db import SCHEMA_VERSION, Store
from crmdesk.store.safety import StoreRecovered
from crmdesk.model.proxy import ProxyRow

__all__ = ["SCHEMA_VERSION", "ProxyRow", "Store", "StoreDamaged", "StoreError",
           "StoreRecovered"]
