"""A contact's account: the company (a party) the contact works for.

crmdesk's pickers group contacts by account, and a rep's filter takes in the
contacts of her accounts (lookups.py).
"""

from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'
    crm_account = fields.Many2One(
        'party.party', "Account", ondelete='SET NULL',
        domain=[('id', '!=', Eval('id', -1))],
        help="The company this contact works for.")
