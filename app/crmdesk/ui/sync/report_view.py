"""A sync report's issues in a tree: conflicts, skipped items and errors,
each with its title and reason (plain text: both come from the servers).

Shared by the Sync issues dialog and the History dialog.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from crmdesk.sync.report import ReportEntry, SideCounts, SyncReport

GROUPS = (("conflicts", "Conflicts"), ("skipped", "Skipped"), ("errors", "Errors"))


def counts_text(counts: SideCounts) -> str:
    """"2 created, 1 deleted" or "no changes"."""
    done = [f"{n} {verb}" for verb, n in (("created", counts.created),
                                          ("updated", counts.updated),
                                          ("deleted", counts.deleted)) if n]
    return ", ".join(done) or "no changes"


def entry_title(entry: ReportEntry) -> str:
    return entry.title.strip() or entry.key or "(no title)"


def entry_reason(entry: ReportEntry) -> str:
    """The reason, with the conflicting fields when there are any."""
    if entry.fields:
        names = ", ".join(f.replace("_", " ") for f in entry.fields)
        return f"{entry.reason} ({names})" if entry.reason else f"Fields: {names}"
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
        self.setHeaderLabels(["Item", "Reason"])
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
            group = QTreeWidgetItem(self, [f"{heading} ({len(entries)})"])
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
