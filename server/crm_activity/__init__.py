"""crm_activity: the Tryton side of crmdesk.

Adds the CRM activity (meeting, call, to-do…) that crmdesk synchronizes with
a sales rep's CalDAV calendar, its delete tombstones, the access groups and
record rules ("owner or team" for reps, "whole company" for managers), and
the company's Generic Owner setting, a contact's account (crm_account on
the party) and the lookups crmdesk's pickers use.  Classes are registered
from tryton.cfg.
"""
