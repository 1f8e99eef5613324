"""The CRM activity that crmdesk synchronizes with the reps' calendars.

Field names are the contract with crmdesk's connector (crmdesk.crm.tryton):
change them only together.  Deletes leave tombstones (tombstone.py); the RPC
methods crmdesk calls are in sync.py.  ``exceptions`` holds the excluded
occurrence dates of a series as ISO dates (YYYY-MM-DD), one per line;
``attendees`` the calendar item's invitee addresses, one per line.  The
lookups crmdesk's pickers and attendee resolution use are in lookups.py.
"""

import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction, without_check_access

from .lookups import LookupsMixin
from .sync import SyncMixin

TYPES = [
    ('meeting', "Meeting"), ('call', "Call"), ('todo', "To Do"),
    ('email_in', "Email - Inbound"), ('email_out', "Email - Outbound"),
    ('other', "Other"),
    ]
DISPLAY_IN = [
    ('calendar', "Calendar and Activities"), ('todo', "To Do and Activities"),
    ('activities', "Activities Only"),
    ('communication', "Communication and Activities"),
    ]
STATUSES = [
    ('planned', "Planned"), ('done', "Done"), ('cancelled', "Cancelled")]
PRIORITIES = [('high', "High"), ('medium', "Medium"), ('low', "Low")]
ORIGINS = [('crm', "CRM"), ('calendar', "Calendar")]
REPEATING_TYPES = [
    (None, ""), ('daily', "Daily"), ('weekly', "Weekly"),
    ('monthly', "Monthly"), ('yearly', "Yearly"),
    ]


class Activity(LookupsMixin, SyncMixin, ModelSQL, ModelView):
    __string__ = "CRM Activity"
    __name__ = 'crm.activity'
    _rec_name = 'description'

    description = fields.Char("Description", required=True)
    comment = fields.Text("Comment")
    type = fields.Selection(TYPES, "Type", required=True)
    display_in = fields.Selection(DISPLAY_IN, "Display In", required=True)
    planned_start = fields.DateTime("Planned Start")
    planned_end = fields.DateTime("Planned End")
    all_day = fields.Boolean("All Day")
    status = fields.Selection(STATUSES, "Status", required=True)
    priority = fields.Selection(PRIORITIES, "Priority", required=True)
    location = fields.Char("Location")
    company = fields.Many2One('company.company', "Company", required=True)
    owner = fields.Many2One(
        'company.employee', "Owner", required=True, ondelete='RESTRICT')
    employees = fields.Many2Many(
        'crm.activity-company.employee', 'activity', 'employee', "Team")
    contacts = fields.Many2Many(
        'crm.activity-party.party', 'activity', 'party', "Contacts")
    account = fields.Many2One('party.party', "Account", ondelete='SET NULL')
    attendees = fields.Text(
        "Attendees",
        help="The calendar item's invitee addresses, one per line, "
        "kept even when no employee or contact has them.")
    message_id = fields.Char(
        "Message-ID",
        help="The normalized Message-ID of a shared e-mail: the same mail "
        "shared by several reps is one activity.")
    integration_id = fields.Char(
        "Integration ID", help="The UID of the calendar item.")
    origin = fields.Selection(ORIGINS, "Origin", required=True)
    needs_review = fields.Boolean("Needs Review")
    review_reason = fields.Text(
        "Review Reason", states={'invisible': ~Eval('needs_review')})
    repeating = fields.Boolean("Repeating")
    repeating_type = fields.Selection(
        REPEATING_TYPES, "Repeating Type",
        states={'invisible': ~Eval('repeating'),
            'required': Bool(Eval('repeating'))})
    repeating_expires = fields.Date(
        "Repeating Expires", states={'invisible': ~Eval('repeating')})
    exceptions = fields.Text(
        "Exceptions", states={'invisible': ~Eval('repeating')},
        help="Dates without an occurrence, as YYYY-MM-DD, one per line.")
    series = fields.Many2One(
        'crm.activity', "Series", ondelete='CASCADE',
        help="The repeating activity this occurrence was moved out of.")
    recurrence_id = fields.DateTime(
        "Recurrence ID",
        help="The original start of the occurrence of the series "
        "that this activity replaces.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        table = cls.__table__()
        cls._sql_indexes.update({
                Index(table, (table.integration_id, Index.Equality())),
                Index(table, (table.owner, Index.Equality())),
                Index(table, (table.message_id, Index.Equality())),
                })
        cls._order.insert(0, ('planned_start', 'DESC NULLS FIRST'))

    @staticmethod
    def default_type():
        return 'meeting'

    @staticmethod
    def default_display_in():
        return 'calendar'

    @staticmethod
    def default_status():
        return 'planned'

    @staticmethod
    def default_priority():
        return 'medium'

    @staticmethod
    def default_origin():
        return 'crm'

    @staticmethod
    def default_all_day():
        return False

    @staticmethod
    def default_needs_review():
        return False

    @staticmethod
    def default_repeating():
        return False

    @classmethod
    def default_company(cls):
        company = Transaction().context.get('company')
        if company is None:
            user = cls._current_user()
            company = user.company.id if user.company else None
        return company

    @classmethod
    def default_owner(cls):
        employee = Transaction().context.get('employee')
        if employee is None:
            user = cls._current_user()
            employee = user.employee.id if user.employee else None
        return employee

    @staticmethod
    def _current_user():
        User = Pool().get('res.user')
        with without_check_access():
            return User(Transaction().user)

    @classmethod
    def validate_fields(cls, activities, field_names):
        super().validate_fields(activities, field_names)
        if field_names is None or 'exceptions' in field_names:
            for activity in activities:
                activity.check_exceptions()

    def check_exceptions(self):
        for line in (self.exceptions or '').splitlines():
            try:
                if line.strip():
                    dt.date.fromisoformat(line.strip())
            except ValueError:
                raise ValidationError(gettext(
                        'crm_activity.msg_invalid_exception_date',
                        activity=self.rec_name, value=line))

    @classmethod
    def on_modification(cls, mode, activities, field_names=None):
        super().on_modification(mode, activities, field_names=field_names)
        if mode == 'delete':
            Tombstone = Pool().get('crm.activity.tombstone')
            with without_check_access():
                Tombstone.bury(activities)


class ActivityEmployee(ModelSQL):
    __string__ = "CRM Activity - Employee"
    __name__ = 'crm.activity-company.employee'
    activity = fields.Many2One(
        'crm.activity', "Activity", required=True, ondelete='CASCADE')
    employee = fields.Many2One(
        'company.employee', "Employee", required=True, ondelete='CASCADE')


class ActivityContact(ModelSQL):
    __string__ = "CRM Activity - Contact"
    __name__ = 'crm.activity-party.party'
    activity = fields.Many2One(
        'crm.activity', "Activity", required=True, ondelete='CASCADE')
    party = fields.Many2One(
        'party.party', "Contact", required=True, ondelete='CASCADE')


class ActivityOpportunity(metaclass=PoolMeta):
    __name__ = 'crm.activity'
    opportunity = fields.Many2One(
        'sale.opportunity', "Opportunity", ondelete='SET NULL')
