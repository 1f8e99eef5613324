"""A sync report's issues in a tree: conflicts, skipped items and errors,
each with its title and reason (plain text: both come from the servers).

Shared by the Sync issues dialog and the History dialog.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from crmdesk.sync.report import ReportEntry, SideCounts, SyncReport
from crmdesk.ui.look import field_names, title_text

translate = QCoreApplication.translate
GROUPS = (("conflicts", QT_TRANSLATE_NOOP("IssuesTree", "Conflicts ({n})")),
          ("skipped", QT_TRANSLATE_NOOP("IssuesTree", "Skipped ({n})")),
          ("errors", QT_TRANSLATE_NOOP("IssuesTree", "Errors ({n})")))


def counts_text(counts: SideCounts) -> str:
    """"2 created, 1 deleted" or "no changes"."""
    done = [text.format(n=n) for text, n in (
        (translate("SyncReport", "{n} created"), counts.created),
        (translate("SyncReport", "{n} updated"), counts.updated),
        (translate("SyncReport", "{n} deleted"), counts.deleted)) if n]
    return ", ".join(done) or translate("SyncReport", "no changes")


def summary_text(report: SyncReport) -> str:
    """The report in one line for the status bar and History, in the rep's language.

    (`SyncReport.summary()` is the CLI's English line.)
    """
    parts = [text.format(counts=counts_text(counts)) for text, counts in (
        (translate("SyncReport", "calendar: {counts}"), report.calendar),
        (translate("SyncReport", "CRM: {counts}"), report.crm)) if any(
            (counts.created, counts.updated, counts.deleted))]
    if not parts:
        parts.append(translate("SyncReport", "no changes"))
    parts += [_count_text(len(report.conflicts), translate("SyncReport", "1 conflict waiting"),
                          translate("SyncReport", "{n} conflicts waiting")),
              _count_text(len(report.skipped), translate("SyncReport", "1 skipped"),
                          translate("SyncReport", "{n} skipped")),
              _count_text(len(report.errors), translate("SyncReport", "1 error"),
                          translate("SyncReport", "{n} errors"))]
    if report.cancelled:
        parts.append(translate("SyncReport", "cancelled"))
    return "; ".join(part for part in parts if part)


def _count_text(count: int, one: str, many: str) -> str:
    """"" for none, else the singular or plural wording."""
    if not count:
        return ""
    return one if count == 1 else many.format(n=count)


def entry_title(entry: ReportEntry) -> str:
    return entry.title.strip() or title_text(entry.key)


def entry_reason(entry: ReportEntry) -> str:
    """The reason, with the conflicting fields when there are any."""
    if entry.fields:
        names = field_names(entry.fields)
        if entry.reason:
            return f"{entry.reason} ({names})"
        return translate("IssuesTree", "Fields: {names}").format(names=names)
    return entry.reason


def issue_count(report: SyncReport | None, kinds: tuple[str, ...] = ("skipped", "errors")) -> int:
    if report is None:
        return 0
    return sum(len(getattr(report, kind)) for kind in kinds)


class IssuesTree(QTreeWidget):
    """Item | Reason, grouped under "Conflicts (n)", "Skipped (n)", "Errors (n)"."""

    def __init__(self, kinds: tuple[str, ...] = ("conflicts", "skipped", "errors"),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kinds = kinds
        self.setHeaderLabels([self.tr("Item"), self.tr("Reason")])
        self.header().setStretchLastSection(True)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.setColumnWidth(0, 340)

    def show_report(self, report: SyncReport | None) -> None:
        """Replace the rows with `report`'s issues (nothing for None)."""
        self.clear()
        if report is None:
            return
        for kind, heading in GROUPS:
            entries: list[ReportEntry] = getattr(report, kind) if kind in self.kinds else []
            if not entries:
                continue
            group = QTreeWidgetItem(self, [self.tr(heading).format(n=len(entries))])
            group.setFirstColumnSpanned(True)
            for entry in entries:
                # No tooltips: Qt guesses rich text in them, and this text is the servers'.
                QTreeWidgetItem(group, [entry_title(entry), entry_reason(entry)])
            group.setExpanded(True)

    def rows(self) -> list[tuple[str, str, str]]:
        """(group heading, item, reason) of every entry row, in order."""
        found = []
        for g in range(self.topLevelItemCount()):
            group = self.topLevelItem(g)
            for c in range(group.childCount()):
                found.append((group.text(0), group.child(c).text(0), group.child(c).text(1)))
        return found
