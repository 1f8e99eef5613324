"""The people and records behind crmdesk's pickers and attendee resolution.

``lookups`` gives a rep the company's employees and her accounts, contacts
and opportunities: the *complete* ones are within her filter (editable in
crmdesk), the *incomplete* ones are only referred to by her records
(read-only in crmdesk, as in CRM Desktop).  ``resolve_addresses`` maps
e-mail addresses to the employees and contacts that have them;
``create_contact`` and ``update_reference`` let a rep keep her contacts and
accounts without party administration rights.

A rep's filter: opportunities whose employee is one of hers; accounts that
are the party of such an opportunity or the account of an activity she owns
or is on the team of; contacts whose ``crm_account`` is one of those
accounts, and the contacts of her activities that have no account or one of
hers.  The rest her records refer to is incomplete.
"""

import re
from collections import defaultdict

from sql import Literal
from sql.functions import Lower

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.rpc import RPC
from trytond.transaction import Transaction, without_check_access

from .sync import _email, _slices

_EMAIL = re.compile(r'^[^@\s<>(),;:"\[\]\\]+@[^@\s<>(),;:"\[\]\\]+$')
KINDS = ('account', 'contact', 'opportunity')
REFERENCE_VALUES = {'name', 'email'}


class LookupsMixin:
    __slots__ = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__rpc__.update({
                'lookups': RPC(readonly=True),
                'resolve_addresses': RPC(readonly=True),
                'create_contact': RPC(readonly=False),
                'update_reference': RPC(readonly=False),
                })

    @classmethod
    def lookups(cls):
        """The rows of the pickers: {"employees", "accounts", "contacts",
        "opportunities"}, each a list of {"id", "name", "email", "emails",
        "account", "detail", "complete"}.  Employees are all those of the
        caller's companies, never complete (not hers to edit)."""
        Pool().get('ir.model.access').check(cls.__name__, 'read')
        complete, incomplete = cls._rep_filter()
        return {
            'employees': cls._employee_rows(),
            'accounts': cls._party_rows(
                complete['account'] | incomplete['account'],
                complete['account'], contacts=False),
            'contacts': cls._party_rows(
                complete['contact'] | incomplete['contact'],
                complete['contact'], contacts=True),
            'opportunities': cls._opportunity_rows(
                complete['opportunity'] | incomplete['opportunity'],
                complete['opportunity']),
            }

    @classmethod
    def _rep_filter(cls):
        "(complete, incomplete): {kind: set of ids} for each of KINDS"
        pool = Pool()
        Party = pool.get('party.party')
        User = pool.get('res.user')
        complete = {kind: set() for kind in KINDS}
        incomplete = {kind: set() for kind in KINDS}
        employees = list(User.get_employees())
        if not employees:
            return complete, incomplete
        names = ['account', 'contacts']
        if 'opportunity' in cls._fields:
            names.append('opportunity')
        activities = cls.search_read(['OR',
                ('owner', 'in', employees), ('employees', 'in', employees),
                ], order=[('id', 'ASC')], fields_names=names)
        accounts, others = cls._opportunity_filter(
            employees, {a.get('opportunity') for a in activities} - {None},
            complete['opportunity'], incomplete['opportunity'])
        accounts |= {a['account'] for a in activities if a['account']}
        complete['account'] = accounts
        for chunk in _slices(sorted(accounts)):
            complete['contact'].update(p.id for p in Party.search(
                    [('crm_account', 'in', chunk)], order=[]))
        listed = sorted({c for a in activities for c in a['contacts']})
        for row in Party.read(listed, ['crm_account']):
            account = row['crm_account']
            if account is None or account in accounts:
                complete['contact'].add(row['id'])
            else:
                incomplete['contact'].add(row['id'])
                others.add(account)
        incomplete['account'] = others - accounts
        return complete, incomplete

    @classmethod
    def _opportunity_filter(cls, employees, referenced, mine, others):
        """Fill `mine` (the employees' opportunities) and `others` (those of
        `referenced` that are not); return the sets of their parties."""
        if 'opportunity' not in cls._fields:
            return set(), set()
        Opportunity = Pool().get('sale.opportunity')
        accounts, other_accounts = set(), set()
        for row in Opportunity.search_read([('employee', 'in', employees)],
                order=[], fields_names=['party']):
            mine.add(row['id'])
            accounts.add(row['party'])
        rest = sorted(referenced - mine)
        for chunk in _slices(rest):
            for row in Opportunity.search_read([('id', 'in', chunk)],
                    order=[], fields_names=['party']):
                others.add(row['id'])
                other_accounts.add(row['party'])
        return accounts - {None}, other_accounts - {None}

    @classmethod
    def _employee_rows(cls):
        pool = Pool()
        Employee = pool.get('company.employee')
        User = pool.get('res.user')
        employees = Employee.search_read(
            [('company', 'in', list(User.get_companies()))],
            order=[('id', 'ASC')],
            fields_names=['party', 'party.name', 'party.code'])
        emails = _emails([e['party'] for e in employees])
        return [_row(e['id'], _party_label(e.get('party.')),
                emails.get(e['party'], [])) for e in employees]

    @classmethod
    def _party_rows(cls, ids, complete, contacts):
        "Rows of parties; a contact's account is its crm_account"
        Party = Pool().get('party.party')
        # names, not rec_names: a Function field over thousands of records
        # costs seconds
        names = ['name', 'code', 'crm_account', 'crm_account.name',
            'crm_account.code']
        parties = Party.read(sorted(ids), names)
        emails = _emails([p['id'] for p in parties])
        rows = []
        for party in parties:
            row = _row(party['id'], _party_label(party),
                emails.get(party['id'], []), party['id'] in complete)
            if contacts and party['crm_account']:
                row['account'] = party['crm_account']
                row['detail'] = _party_label(party.get('crm_account.'))
            rows.append(row)
        return sorted(rows, key=lambda r: (r['name'].lower(), r['id']))

    @classmethod
    def _opportunity_rows(cls, ids, complete):
        if 'opportunity' not in cls._fields or not ids:
            return []
        Opportunity = Pool().get('sale.opportunity')
        rows = []
        for opportunity in Opportunity.read(sorted(ids), [
                    'number', 'description', 'party', 'party.name',
                    'party.code']):
            row = _row(opportunity['id'],
                opportunity['description'] or opportunity['number'], [],
                opportunity['id'] in complete)
            row['account'] = opportunity['party']
            row['detail'] = _party_label(opportunity.get('party.'))
            rows.append(row)
        return rows

    @classmethod
    def resolve_addresses(cls, addresses):
        """{address (lower case): [{"kind", "id", "name", "account",
        "complete"}]} for each e-mail address: the employees of the
        caller's companies whose party has it (kind "employee", the employee
        id) and the other parties with it (kind "contact"), any case.
        Parties of companies and of other employees are left out; an
        unknown address maps to []."""
        Pool().get('ir.model.access').check(cls.__name__, 'read')
        wanted = sorted({_email(a) for a in addresses or []} - {''})
        parties = _parties_by_email(wanted)
        found = {p for ids in parties.values() for p in ids}
        employees, skip = _employees_of(found)
        contacts = cls._contact_refs(found - set(employees) - skip)
        result = {}
        for address in wanted:
            refs = [r for p in sorted(parties.get(address, ()))
                for r in employees.get(p, [])]
            refs += [contacts[p] for p in sorted(parties.get(address, ()))
                if p in contacts]
            result[address] = refs
        return result

    @classmethod
    def _contact_refs(cls, party_ids):
        if not party_ids:
            return {}
        Party = Pool().get('party.party')
        complete, _ = cls._rep_filter()
        return {p['id']: {
                'kind': 'contact', 'id': p['id'], 'name': _party_label(p),
                'account': p['crm_account'],
                'complete': p['id'] in complete['contact'],
                } for p in Party.read(
                sorted(party_ids), ['name', 'code', 'crm_account'])}

    @classmethod
    def create_contact(cls, name, email, account=None):
        """Create a contact (a party with `email` as e-mail contact
        mechanism and `account` as crm_account) and return its lookups row.
        For members of the CRM groups, with or without party rights."""
        pool = Pool()
        Party = pool.get('party.party')
        pool.get('ir.model.access').check(cls.__name__, 'create')
        name = _name(name)
        email = _valid_email(email)
        if account is not None:
            if (not isinstance(account, int)
                    or not Party.search([('id', '=', account)])):
                raise UserError(gettext(
                        'crm_activity.msg_unknown_account', account=account))
        with without_check_access():
            party, = Party.create([{
                        'name': name,
                        'crm_account': account,
                        'contact_mechanisms': [('create', [
                                    {'type': 'email', 'value': email}])],
                        }])
        complete, _ = cls._rep_filter()
        mine = account is None or account in complete['account']
        return cls._party_rows(
            {party.id}, {party.id} if mine else set(), contacts=True)[0]

    @classmethod
    def update_reference(cls, kind, id, values):
        """Write the name and/or e-mail (the first e-mail contact mechanism;
        "" removes it) of a contact or account that is complete for the
        caller, and return its lookups row."""
        pool = Pool()
        Party = pool.get('party.party')
        pool.get('ir.model.access').check(cls.__name__, 'write')
        if kind not in ('contact', 'account'):
            raise UserError(gettext(
                    'crm_activity.msg_reference_kind', kind=kind))
        if not isinstance(values, dict) or set(values) - REFERENCE_VALUES:
            raise UserError(gettext('crm_activity.msg_reference_values',
                    names=', '.join(sorted(map(str, values or ())))))
        complete, _ = cls._rep_filter()
        if not isinstance(id, int) or id not in complete[kind]:
            raise AccessError(gettext(
                    'crm_activity.msg_reference_read_only_%s' % kind,
                    name=_party_name(id)))
        with without_check_access():
            party = Party(id)
            if 'name' in values:
                Party.write([party], {'name': _name(values['name'])})
            if 'email' in values:
                _set_email(party, values['email'])
        return cls._party_rows({id}, {id}, contacts=kind == 'contact')[0]


def _row(id, name, emails, complete=False):
    return {
        'id': id, 'name': name or '', 'email': emails[0] if emails else '',
        'emails': list(emails), 'account': None, 'detail': '',
        'complete': complete,
        }


def _party_label(row):
    "A party's name as its rec_name gives it, from a read row"
    if not row:
        return ''
    return row.get('name') or '[%s]' % (row.get('code') or '')


def _emails(party_ids):
    "{party id: its e-mail addresses (compared form), first first}"
    Mechanism = Pool().get('party.contact_mechanism')
    found = defaultdict(list)
    for chunk in _slices(sorted(set(party_ids) - {None})):
        for row in Mechanism.search_read(
                [('party', 'in', chunk), ('type', '=', 'email')],
                order=[('party', 'ASC'), ('sequence', 'ASC'), ('id', 'ASC')],
                fields_names=['party', 'value']):
            email = _email(row['value'])
            if email and email not in found[row['party']]:
                found[row['party']].append(email)
    return found


def _parties_by_email(addresses):
    "{address: set of active party ids with it as an active e-mail}"
    pool = Pool()
    mechanism = pool.get('party.contact_mechanism').__table__()
    party = pool.get('party.party').__table__()
    cursor = Transaction().connection.cursor()
    found = defaultdict(set)
    for chunk in _slices(addresses):
        cursor.execute(*mechanism.join(party,
                condition=mechanism.party == party.id).select(
                mechanism.party, mechanism.value,
                where=(mechanism.type == 'email')
                & (mechanism.active == Literal(True))
                & (party.active == Literal(True))
                & Lower(mechanism.value).in_(chunk)))
        for party_id, value in cursor:
            found[_email(value)].add(party_id)
    return found


def _employees_of(party_ids):
    """({party id: [employee refs of the caller's companies]}, parties of
    companies and of other employees, to leave out)"""
    pool = Pool()
    Company = pool.get('company.company')
    Employee = pool.get('company.employee')
    User = pool.get('res.user')
    companies = set(User.get_companies())
    refs, skip = defaultdict(list), set()
    with without_check_access(), \
            Transaction().set_context(active_test=False):
        for chunk in _slices(sorted(party_ids)):
            skip.update(c.party.id for c in Company.search(
                    [('party', 'in', chunk)], order=[]))
            for employee in Employee.search(
                    [('party', 'in', chunk)], order=[('id', 'ASC')]):
                if employee.company.id in companies and employee.active:
                    refs[employee.party.id].append({
                            'kind': 'employee', 'id': employee.id,
                            'name': employee.rec_name, 'account': None,
                            'complete': False})
                else:
                    skip.add(employee.party.id)
    return refs, skip - set(refs)


def _name(value):
    name = value.strip() if isinstance(value, str) else ''
    if not name:
        raise UserError(gettext('crm_activity.msg_name_required'))
    return name


def _valid_email(value):
    email = value.strip() if isinstance(value, str) else ''
    if email[:7].lower() == 'mailto:':
        email = email[7:].strip()
    if not _EMAIL.match(email) or '.' not in email.rsplit('@', 1)[1]:
        raise UserError(gettext(
                'crm_activity.msg_invalid_email', email=value or ''))
    return email


def _set_email(party, value):
    "Make `value` the party's first e-mail address (remove it when empty)"
    Mechanism = Pool().get('party.contact_mechanism')
    first = next((m for m in party.contact_mechanisms if m.type == 'email'),
        None)
    if isinstance(value, str) and not value.strip():
        if first:
            Mechanism.delete([first])
        return
    email = _valid_email(value)
    if first:
        Mechanism.write([first], {'value': email})
    else:
        Mechanism.create([{'party': party.id, 'type': 'email', 'value': email}])


def _party_name(party_id):
    Party = Pool().get('party.party')
    with without_check_access():
        found = Party.search([('id', '=', party_id)]) if isinstance(
            party_id, int) else []
    return found[0].rec_name if found else str(party_id)
