"""The RPC surface crmdesk uses: one request per sync operation.

``changes`` is the change feed; ``sync_search``, ``sync_create`` and
``sync_write`` answer with the same rows as the feed so that a connector
never needs a second request to re-read what it wrote; ``leave_team`` lets a
rep take herself off a team although she can't see the activity afterwards,
and ``join_shared`` puts her on the team of an activity she can't see yet
(another rep's copy of a meeting she was invited to), as ``sync_create``
does for an e-mail another rep shared already (same Message-ID).  Every
other method runs with the caller's access rights and record rules.
"""

import datetime as dt

from sql import Select
from sql.functions import CurrentTimestamp

from trytond import backend
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
    'repeating_expires', 'exceptions', 'series', 'company', 'attendees',
    'message_id', 'recurrence_id',
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
            sorted({r.id for r in records}),
            cls.sync_fields() + list(META_FIELDS))
        by_id = {row['id']: row for row in rows}
        return [dict(by_id[r.id]) for r in records]

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

        `employees` and `contacts` are plain lists of ids.  A values dict
        whose `message_id` an activity of the caller's company already has
        (the same e-mail shared by another rep, looked up past the record
        rules) creates nothing: the caller's employee joins that activity's
        team, it gets the contacts of the values too, and its row takes that
        position.  The same goes for a `message_id` repeated in `vlist`.
        """
        Pool().get('ir.model.access').check(cls.__name__, 'create')
        vlist = [_with_message_id(values) for values in vlist]
        shared = cls._shared_mails(
            {v['message_id'] for v in vlist if v.get('message_id')})
        fresh, joins, seen = [], [], set()
        for i, values in enumerate(vlist):
            message_id = values.get('message_id')
            if message_id and (message_id in shared or message_id in seen):
                joins.append(i)
            else:
                seen.add(message_id)
                fresh.append(i)
        records = [None] * len(vlist)
        created = cls.create([cls._team_actions(vlist[i], {}) for i in fresh])
        for i, record in zip(fresh, created):
            records[i] = record
            if vlist[i].get('message_id'):
                shared.setdefault(vlist[i]['message_id'], record)
        for i in joins:
            records[i] = cls._join_mail(
                shared[vlist[i]['message_id']], vlist[i])
        return cls.sync_rows(records)

    @classmethod
    def _shared_mails(cls, message_ids):
        "The oldest activity of the caller's company per Message-ID"
        User = Pool().get('res.user')
        company = cls.default_company()
        if not message_ids or company not in User.get_companies():
            return {}
        found = {}
        with without_check_access():
            for chunk in _slices(sorted(message_ids)):
                for activity in cls.search([
                            ('message_id', 'in', chunk),
                            ('company', '=', company),
                            ], order=[('id', 'ASC')]):
                    found.setdefault(activity.message_id, activity)
        return found

    @classmethod
    def _join_mail(cls, activity, values):
        """Put the caller's employee on the team of `activity` and add the
        contacts of `values`; write only when something changes."""
        employee = cls._current_user().employee
        with without_check_access():
            activity = cls(activity.id)
            changes = {}
            team = {activity.owner.id} | {e.id for e in activity.employees}
            if employee and employee.id not in team:
                changes['employees'] = [('add', [employee.id])]
            contacts = (set(_added_ids(values.get('contacts')))
                - {c.id for c in activity.contacts})
            if contacts:
                changes['contacts'] = [('add', sorted(contacts))]
            if changes:
                cls.write([activity], changes)
        return activity

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
    def join_shared(cls, integration_id, organizer_email, recurrence_id=None):
        """Put the caller's employee on the team of the activity that the
        meeting's organizer shared, and return its row (None: no such one).

        Rule 2 across reps: the caller can't see that activity yet, so it is
        looked up past the record rules, but only in the caller's company,
        by its integration id and its organizer: the owner's party must have
        `organizer_email` (any case) as an e-mail address.  Knowing that
        address is what proves the caller was invited; without an exact
        match nothing is changed and nothing is told.  Without
        `recurrence_id` the oldest series (not a moved occurrence) is
        joined; with it (rule 17: an ISO datetime string or a datetime,
        compared as naive UTC to the second) the oldest moved occurrence of
        that series replacing that instant is joined instead.
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
        domain = [
            ('integration_id', '=', integration_id),
            ('company', '=', company),
            ]
        if recurrence_id is None:
            domain.append(('series', '=', None))
        else:
            instant = _instant(recurrence_id)
            if instant is None:
                return None
            domain.extend([
                    ('series', '!=', None),
                    ('recurrence_id', '>=', instant),
                    ('recurrence_id', '<', instant + dt.timedelta(seconds=1)),
                    ])
        with without_check_access():
            candidates = cls.search(
                domain, order=[('create_date', 'ASC'), ('id', 'ASC')])
            found = next((a for a in candidates
                    if email in _party_emails(a.owner.party)), None)
            if found is None:
                return None
            if (found.owner.id != employee.id
                    and employee.id not in {e.id for e in found.employees}):
                cls.write([found], {'employees': [('add', [employee.id])]})
        return cls.sync_rows([found])[0]


def _slices(items):
    "Lists of at most as many items as a query may hold parameters"
    items = list(items)
    size = max(1, backend.MAX_QUERY_PARAMS // 2)
    return [items[i:i + size] for i in range(0, len(items), size)]


def _with_message_id(values):
    "A copy of `values` with its Message-ID trimmed (None when empty)"
    values = dict(values)
    if 'message_id' in values:
        message_id = values['message_id']
        values['message_id'] = (message_id.strip() or None
            if isinstance(message_id, str) else None)
    return values


def _added_ids(value):
    "The ids a Many2Many value (plain id list or actions) adds"
    ids = []
    for item in value or []:
        if isinstance(item, (list, tuple)):
            if item and item[0] in ('add', 'set') and len(item) > 1:
                ids.extend(int(i) for i in item[1])
        else:
            ids.append(int(item))
    return ids


def _instant(value):
    """A recurrence id (ISO text, datetime or date) as a naive UTC datetime
    to the second; None when it is none of these."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.replace(microsecond=0)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return None


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
