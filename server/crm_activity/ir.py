"""Expose the user's employees to record rules as ``Eval('employees')``.

The company module only exposes ``companies``; the "owner or team" rule of
crm.activity needs the employee ids of the current user, and the rule cache
key must change with them.
"""

from trytond.pool import Pool, PoolMeta


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.domain.help += (
            '\n- "employees" as list of employee ids of the current user')

    @classmethod
    def _get_cache_key(cls, model_names):
        User = Pool().get('res.user')
        key = super()._get_cache_key(model_names)
        return (*key, User.get_employees())

    @classmethod
    def _get_context(cls, model_name):
        User = Pool().get('res.user')
        context = super()._get_context(model_name)
        context['employees'] = User.get_employees()
        return context
