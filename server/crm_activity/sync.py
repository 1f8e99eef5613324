"""The RPC surface crmdesk uses: one request per sync operation.

``changes`` is the change feed; ``sync_search``, ``sync_create`` and
``sync_write`` answer with the same rows as the feed so that a connector
never needs a second request to re-read what it wrote; ``leave_team`` lets a
rep take herself off a team although she can't see the activity afterwards,
and ``join_shared`` puts her on the team of an activity she can't see yet
(another rep's copy of a meeting she was invited to).  Every other method
runs with the caller's access rights and record rules.
"""

import datetime as dt

from sql import Select
from sql.functions import CurrentTimestamp

from trytond.config import config
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.rpc import RPC
from trytond.transaction import Transaction, without_check_access

# What the rows carry for each record, besides the dates and `opportunity`
# (only when sale_opportunity is activated).
SYNC_FIELDS = (
    'description', 'comment', 'type', 'display_in', 'planned_start',
    'planned_end', 'all_day', 'status', 'priority', 'location', 'owner',
    'employees', 'contacts', 'account', 'integration_id', 'origin',
    'needs_review', 'review_reason', 'repeating', 'repeating_type',
    'repeating_expires', 'exceptions', 'series', 'company',
    )
META_FIELDS = ('_timestamp', 'create_date', 'write_date')
TEAM_FIELDS = ('employees', 'contacts')


def database_now():
    "The database clock, the one that fills create_date and write_date"
    cursor = Transaction().connection.cursor()
    cursor.execute(*Select([CurrentTimestamp()]))
    value, = cursor.fetchone()
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


class SyncMixin:
    __slots__ = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        limit = config.getint('request', 'records_limit')
        cls.__rpc__.update({
                'changes': RPC(readonly=True),
                'sync_search': RPC(readonly=True),
                'sync_create': RPC(readonly=False, size_limits={0: limit}),
                'sync_write': RPC(readonly=False, size_limits={0: limit}),
                'leave_team': RPC(readonly=False, size_limits={0: limit}),
                'join_shared': RPC(readonly=False),
                })

    @classmethod
    def sync_fields(cls):
        "The field names of the rows, those of activated modules only"
        names = list(SYNC_FIELDS)
        if 'opportunity' in cls._fields:
            names.append('opportunity')
        return names

    @classmethod
    def sync_rows(cls, records):
        "Rows of `records`: sync fields, id, _timestamp and the dates"
        rows = cls.read(
            [r.id for r in records], cls.sync_fields() + list(META_FIELDS))
        order = {r.id: i for i, r in enumerate(records)}
        return sorted(rows, key=lambda row: order[row['id']])

    @classmethod
    def changes(cls, since=None):
        """Rows created or written at or after `since` (all visible ones
        when None) and the ids of those deleted since then.

        `server_time` is the database clock when the call started: the next
        `since` should be a little earlier, because a transaction stamps its
        rows when it starts and they are only visible once it commits.
        """
        Tombstone = Pool().get('crm.activity.tombstone')
        server_time = database_now()
        domain = []
        if since is not None:
            domain = ['OR',
                ('create_date', '>=', since), ('write_date', '>=', since)]
        records = cls.sync_rows(cls.search(domain, order=[('id', 'ASC')]))
        deleted = []
        if since is not None:
            deleted = sorted({t.activity for t in Tombstone.search(
                        [('deleted_at', '>=', since)], order=[])})
        return {
            'server_time': server_time,
            'records': records,
            'deleted': deleted,
            }

    @classmethod
    def sync_search(cls, domain, limit=None):
        "Rows of the visible activities matching `domain`, oldest first"
        return cls.sync_rows(
            cls.search(domain, limit=limit, order=[('id', 'ASC')]))

    @classmethod
    def sync_create(cls, vlist):
        """Create activities and return their rows, in order.

        `employees` and `contacts` are plain lists of ids.
        """
        vlist = [cls._team_actions(values, {}) for values in vlist]
        return cls.sync_rows(cls.create(vlist))

    @classmethod
    def sync_write(cls, ids, values):
        """Write the same values on activities and return their rows.

        `employees` and `contacts` are plain lists of ids that replace the
        current ones.  Guard with the usual `_timestamp` context.
        """
        records = cls.browse(sorted({int(i) for i in ids}))
        args = []
        for record in records:
            current = {}
            if any(name in values for name in TEAM_FIELDS):
                with without_check_access():
                    current = {
                        name: {r.id for r in getattr(record, name)}
                        for name in TEAM_FIELDS}
            args.extend(([record], cls._team_actions(values, current)))
        if args:
            cls.write(*args)
        return cls.sync_rows(records)

    @staticmethod
    def _team_actions(values, current):
        "Values with plain id lists turned into Many2Many actions"
        values = dict(values)
        for name in TEAM_FIELDS:
            if name not in values or not isinstance(values[name], list):
                continue
            wanted = {int(i) for i in values[name]
                if not isinstance(i, (list, tuple))}
            if len(wanted) != len(values[name]):
                continue  # already Many2Many actions
            old = current.get(name, set())
            values[name] = [
                ('remove', sorted(old - wanted)),
                ('add', sorted(wanted - old)),
                ]
        return values

    @classmethod
    def leave_team(cls, ids):
        """Remove the caller's employees from the team of the activities.

        The caller must be able to see each of them now; afterwards she
        usually can't, which is why the write itself bypasses the rules.
        """
        User = Pool().get('res.user')
        ids = sorted({int(i) for i in ids})
        visible = cls.search([('id', 'in', ids)], order=[])
        if len(visible) != len(ids):
            missing = set(ids) - {a.id for a in visible}
            raise AccessError(gettext(
                    'crm_activity.msg_leave_team_forbidden',
                    ids=', '.join(map(str, sorted(missing)))))
        employees = list(User.get_employees())
        if employees and visible:
            with without_check_access():
                cls.write(visible, {'employees': [('remove', employees)]})

    @classmethod
    def join_shared(cls, integration_id, organizer_email):
        """Put the caller's employee on the team of the activity that the
        meeting's organizer shared, and return its row (None: no such one).

        Rule 2 across reps: the caller can't see that activity yet, so it is
        looked up past the record rules, but only in the caller's company,
        by its integration id and its organizer: the owner's party must have
        `organizer_email` (any case) as an e-mail address.  Knowing that
        address is what proves the caller was invited; without an exact
        match nothing is changed and nothing is told.  Of several matches
        the oldest series (not a moved occurrence) is joined.
        """
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        User = pool.get('res.user')
        ModelAccess.check(cls.__name__, 'write')
        employee = cls._current_user().employee
        if not employee:
            raise UserError(gettext('crm_activity.msg_join_shared_no_employee'))
        email = _email(organizer_email)
        company = employee.company.id
        if (not isinstance(integration_id, str) or not integration_id
                or not email or company not in User.get_companies()):
            return None
        with without_check_access():
            candidates = cls.search([
                    ('integration_id', '=', integration_id),
                    ('company', '=', company),
                    ('series', '=', None),
                    ], order=[('create_date', 'ASC'), ('id', 'ASC')])
            found = next((a for a in candidates
                    if email in _party_emails(a.owner.party)), None)
            if found is None:
                return None
            if (found.owner.id != employee.id
                    and employee.id not in {e.id for e in found.employees}):
                cls.write([found], {'employees': [('add', [employee.id])]})
        return cls.sync_rows([found])[0]


def _email(value):
    "An e-mail address in the form addresses are compared in"
    if not isinstance(value, str):
        return ''
    value = value.strip()
    if value[:7].lower() == 'mailto:':
        value = value[7:].strip()
    return value.lower()


def _party_emails(party):
    "The e-mail addresses of a party's contact mechanisms, compared form"
    return {_email(m.value) for m in party.contact_mechanisms
        if m.type == 'email' and m.value}
