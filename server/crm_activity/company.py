"""The company's Generic Owner: the employee that owns activities whose
organizer is neither a known employee nor the syncing rep (crmdesk rule 14).
"""

from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'
    crm_generic_owner = fields.Many2One(
        'company.employee', "CRM Generic Owner", ondelete='SET NULL',
        domain=[('company', '=', Eval('id', -1))],
        help="Owner of synchronized activities whose organizer "
        "is not an employee.")
