"""A series' RRULE in words for the item form: "Every weekday", "Every 2 weeks on Mon"."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from crmdesk.model.recurrence import parse_rrule

translate = QCoreApplication.translate
_DAYS = {"MO": QT_TRANSLATE_NOOP("Repeat", "Mon"), "TU": QT_TRANSLATE_NOOP("Repeat", "Tue"),
         "WE": QT_TRANSLATE_NOOP("Repeat", "Wed"), "TH": QT_TRANSLATE_NOOP("Repeat", "Thu"),
         "FR": QT_TRANSLATE_NOOP("Repeat", "Fri"), "SA": QT_TRANSLATE_NOOP("Repeat", "Sat"),
         "SU": QT_TRANSLATE_NOOP("Repeat", "Sun")}


def repeat_text(rule: str) -> str:
    """Words for the common patterns; the rule itself for the rest."""
    try:
        parts = parse_rrule(rule)
    except (ValueError, KeyError, TypeError):
        return rule
    freq = (parts.get("FREQ") or ("",))[0]
    every = int((parts.get("INTERVAL") or (1,))[0])
    days = [str(d) for d in parts.get("BYDAY", ())]
    text = _base(freq, every, days)
    if text is None:
        return rule
    if "COUNT" in parts:
        text = translate("Repeat", "{pattern}, {count} times").format(
            pattern=text, count=parts["COUNT"][0])
    elif "UNTIL" in parts:
        until = parts["UNTIL"][0]
        text = translate("Repeat", "{pattern}, until {day}").format(
            pattern=text, day=f"{until:%a %d %b %Y}")
    return text


def _base(freq: str, every: int, days: list[str]) -> str | None:
    if freq == "DAILY" and not days:
        return translate("Repeat", "Every day") if every == 1 else \
            translate("Repeat", "Every {n} days").format(n=every)
    if freq in ("DAILY", "WEEKLY") and sorted(days) == sorted(["MO", "TU", "WE", "TH", "FR"]) \
            and every == 1:
        return translate("Repeat", "Every weekday")
    if freq == "WEEKLY":
        names = ", ".join(translate("Repeat", _DAYS[d]) for d in days if d in _DAYS)
        if every == 1:
            return translate("Repeat", "Every week on {days}").format(days=names) if names \
                else translate("Repeat", "Every week")
        return translate("Repeat", "Every {n} weeks on {days}").format(n=every, days=names) \
            if names else translate("Repeat", "Every {n} weeks").format(n=every)
    if freq == "MONTHLY":
        return translate("Repeat", "Every month") if every == 1 else \
            translate("Repeat", "Every {n} months").format(n=every)
    if freq == "YEARLY":
        return translate("Repeat", "Every year") if every == 1 else \
            translate("Repeat", "Every {n} years").format(n=every)
    return None
