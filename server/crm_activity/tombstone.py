"""Tombstones: what is left of a deleted activity for the change feed.

Each keeps the deleted id, its integration id, the delete time and the
employees that could see the activity then (owner and team), so that a rep
can read exactly the tombstones of activities she could see.
"""

from trytond.model import Index, ModelSQL, ModelView, fields

from .sync import database_now


class Tombstone(ModelSQL, ModelView):
    __string__ = "CRM Activity Tombstone"
    __name__ = 'crm.activity.tombstone'
    activity = fields.Integer("Activity", required=True, readonly=True)
    integration_id = fields.Char("Integration ID", readonly=True)
    deleted_at = fields.DateTime("Deleted At", required=True, readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True,
        ondelete='CASCADE')
    employees = fields.Many2Many(
        'crm.activity.tombstone-company.employee', 'tombstone', 'employee',
        "Could See", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        table = cls.__table__()
        cls._sql_indexes.add(
            Index(table, (table.deleted_at, Index.Range())))
        cls._order.insert(0, ('deleted_at', 'DESC'))

    @classmethod
    def bury(cls, activities):
        "Create the tombstones of activities about to be deleted"
        now = database_now()
        cls.create([{
                    'activity': a.id,
                    'integration_id': a.integration_id,
                    'deleted_at': now,
                    'company': a.company.id,
                    'employees': [('add', sorted(
                                {a.owner.id} | {e.id for e in a.employees}))],
                    } for a in activities])

    @classmethod
    def purge(cls, before):
        "Delete tombstones older than `before` (a naive UTC datetime)"
        cls.delete(cls.search([('deleted_at', '<', before)]))


class TombstoneEmployee(ModelSQL):
    __string__ = "CRM Activity Tombstone - Employee"
    __name__ = 'crm.activity.tombstone-company.employee'
    tombstone = fields.Many2One(
        'crm.activity.tombstone', "Tombstone", required=True,
        ondelete='CASCADE')
    employee = fields.Many2One(
        'company.employee', "Employee", required=True, ondelete='CASCADE')

