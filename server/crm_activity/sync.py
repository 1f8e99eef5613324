"""The RPC surface crmdesk uses: one request per sync operation.

``changes`` is the change feed; ``sync_search``, ``sync_create`` and
``sync_write`` answer with the same rows as the feed so that a connector
never needs a second request to re-read what it wrote; ``leave_team`` lets a
rep take herself off a team although she can't see the activity afterwards.
Every method runs with the caller's access rights and record rules.
"""

import datetime as dt

from sql import Select
from sql.functions import CurrentTimestamp

from trytond.config import config
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
