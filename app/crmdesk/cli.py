"""The `crmdesk` command: gui (default), sync, share, unshare, status, demo, diagnostics."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from crmdesk import __version__
from crmdesk.errors import CrmDeskError, MassDeleteBlocked, UserError
from crmdesk.messages import describe, describe_recovery
from crmdesk.logs import setup_logging, shutdown_logging
from crmdesk.settings import Profile

if TYPE_CHECKING:
    from crmdesk.service import AppService
from crmdesk.settings.secrets import SIDE_NAMES, keyring_notice, remember_for_session

log = logging.getLogger("crmdesk.cli")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crmdesk", description=(
        "Join your CalDAV calendar to the company CRM: share meetings and to-dos, "
        "then synchronize both ways."))
    parser.add_argument("--version", action="version", version=f"crmdesk {__version__}")
    parser.add_argument("--profile-dir", type=Path, metavar="DIR",
                        help="keep settings.toml and the local store in DIR")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("gui", help="open the window (the default)")
    sync = sub.add_parser("sync", help="synchronize the calendar and the CRM now")
    sync.add_argument("--json", action="store_true", help="print the report as one JSON object")
    sync.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    sync.add_argument("--allow-mass-delete", action="store_true",
                      help="confirm a sync that deletes more than the mass-delete guard allows")
    share = sub.add_parser("share", help="share a calendar item (by UID) with the CRM")
    share.add_argument("uid")
    unshare = sub.add_parser("unshare", help="stop sharing a calendar item (by UID)")
    unshare.add_argument("uid")
    sub.add_parser("status", help="what is shared, pending, in conflict")
    uninstall = sub.add_parser("uninstall", help=(
        "remove all CRM data: delete calendar items that came from the CRM, unshare the "
        "rest, remove the local store and the passwords"))
    uninstall.add_argument("--yes", action="store_true", help="don't ask for confirmation")
    demo = sub.add_parser("demo", help="start local demo servers with a rep's week, open the GUI")
    demo.add_argument("--serve", action="store_true",
                      help="only start the servers; print URLs and credentials")
    diagnostics = sub.add_parser("diagnostics", help=(
        "write a zip for a support ticket: logs, the last sync reports and the settings, "
        "without passwords"))
    diagnostics.add_argument("--output", "-o", type=Path, metavar="FILE", help=(
        "the zip to write, or a folder for it (default: the current folder)"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    profile = Profile.at(args.profile_dir) if args.profile_dir else Profile.default()
    try:
        setup_logging(profile)
    except OSError as exc:
        print(f"crmdesk: not logging to {profile.log_dir}: {exc}", file=sys.stderr)
    log.info("command: %s", args.command or "gui")
    if (args.command or "gui") == "gui" and os.environ.get("CRMDESK_SMOKE_TEST"):
        from crmdesk.ui.smoke import arm_smoke_check   # packaging/smoke-test-linux.sh
        arm_smoke_check()
    try:
        return _dispatch(args, profile)
    except CrmDeskError as exc:
        log.warning("%s stopped: %s", args.command or "gui", describe(exc))
        print(f"crmdesk: {describe(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        log.warning("interrupted")
        print("crmdesk: interrupted; the next sync finishes the work.", file=sys.stderr)
        return 130
    finally:
        shutdown_logging()


def _dispatch(args: argparse.Namespace, profile: Profile) -> int:
    command = args.command or "gui"
    if command == "demo":
        from crmdesk.demo import run_demo
        return run_demo(profile if args.profile_dir else None, serve_only=args.serve)
    if command == "diagnostics":
        return _diagnostics(profile, args.output)
    from crmdesk.service import AppService
    service = AppService(profile)
    try:
        if service.recovered is not None and command != "gui":
            print(f"crmdesk: {describe_recovery(service.recovered)}", file=sys.stderr)
        if command == "gui":
            from crmdesk.ui.app import run_gui
            return run_gui(service)
        if command == "sync":
            return _sync(service, args.json, args.dry_run, args.allow_mass_delete)
        if command in ("share", "unshare"):
            return _share(service, args.uid, command == "share")
        if command == "uninstall":
            return _uninstall(service, args.yes)
        return _status(service)
    finally:
        service.close()


def _sync(service: AppService, as_json: bool, dry_run: bool,
          allow_mass_delete: bool) -> int:
    _ask_missing_passwords(service)
    try:
        report, actions = service.run_sync(dry_run=dry_run, allow_mass_delete=allow_mass_delete,
                                           checkpoint=_die_at_step_hook())
    except MassDeleteBlocked as blocked:
        for action in blocked.plan:
            if action.verb == "deleted":
                print("  " + action.describe(), file=sys.stderr)
        print("crmdesk: to confirm these deletes, run 'crmdesk sync --allow-mass-delete'",
              file=sys.stderr)
        raise
    if dry_run:
        print(f"{len(actions)} action(s) planned; nothing was changed.")
        for action in actions:
            print("  " + action.describe())
        return 0
    if as_json:
        print(json.dumps(report.to_json(), indent=2, default=str))
    else:
        print(report.summary())
        for title, entries in (("Conflicts", report.conflicts), ("Skipped", report.skipped),
                               ("Errors", report.errors)):
            for entry in entries:
                print(f"  {title[:-1]}: {entry.title or entry.key}: {entry.reason}")
    log.info("sync finished: %s", report.summary())
    if report.errors:
        print(f"crmdesk: {len(report.errors)} item(s) could not be synchronized; "
              "they are retried next time", file=sys.stderr)
        return 1
    return 0


def _ask_missing_passwords(service: AppService) -> None:
    """In a terminal, ask for each password neither the environment nor a keyring has.

    The answer lives in this process only (secrets.remember_for_session);
    without a terminal the sync stops with the usual "no password" error.
    """
    if not sys.stdin.isatty():
        return
    told = False
    for side, section in (("crm", service.settings.crm), ("calendar", service.settings.calendar)):
        if not (section.url and section.username) or service.password(side) is not None:
            continue
        notice = keyring_notice()
        if notice and not told:
            print(f"crmdesk: {notice}", file=sys.stderr)
            told = True
        password = getpass.getpass(
            f"{SIDE_NAMES[side]} password for {section.username} at {section.url}: ")
        if password:
            remember_for_session(side, section.url, section.username, password)


def _diagnostics(profile: Profile, output: Path | None) -> int:
    """Write the support zip; works on a profile the app can't open, too."""
    from crmdesk.diagnostics import export_diagnostics, export_profile
    from crmdesk.service import AppService
    target = output or Path.cwd()
    try:
        service = AppService(profile)
    except CrmDeskError as exc:
        path = export_profile(profile, target, exc)
    else:
        try:
            path = export_diagnostics(service, target)
        finally:
            service.close()
    print(f"Diagnostics written to {path} (no passwords; attach it to your support ticket).")
    return 0


def _die_at_step_hook() -> Callable[[str], None]:
    """Test hook for the kill test: CRMDESK_TEST_DIE_AT_STEP=N makes the sync
    SIGKILL itself at its Nth crash point; "NAME#N" at the Nth point whose
    name contains NAME (e.g. "UID reserved#2").  Unset, it does nothing."""
    spec = os.environ.get("CRMDESK_TEST_DIE_AT_STEP", "")
    name, _, count = spec.rpartition("#") if "#" in spec else ("", "", spec)
    die_at = int(count or 0)
    seen = [0]

    def checkpoint(where: str) -> None:
        if not die_at or name not in where:
            return
        seen[0] += 1
        if seen[0] == die_at:
            print(f"crmdesk: test hook: dying {where}", file=sys.stderr, flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    return checkpoint


def _share(service: AppService, uid: str, share: bool) -> int:
    item = service.store.mirror_by_uid(uid)
    if item is None:
        raise UserError(f"No calendar item with UID {uid!r} is in the local mirror. "
                        "Run 'crmdesk sync' first if it was created recently.")
    key = f"n:{item.href}"
    result = service.share(key) if share else service.unshare(key)
    print(f"{result.title}: {result.share_state.value.replace('_', ' ')}"
          + (f" ({result.state_detail})" if result.state_detail else ""))
    return 0


def _uninstall(service: AppService, yes: bool) -> int:
    plan = service.uninstall_plan()
    print(f"This deletes {len(plan.delete)} calendar item(s) that came from the CRM, keeps "
          f"{plan.unshare} shared item(s) in your calendar (no longer shared), and removes "
          "the local store and the stored passwords. The CRM itself is not changed.")
    if not yes:
        if not sys.stdin.isatty():
            raise UserError("Not confirmed: run 'crmdesk uninstall --yes' to go ahead.")
        if input("Continue? [y/N] ").strip().lower() not in ("y", "yes"):
            print("Nothing was changed.")
            return 1
    report = service.uninstall()
    for title, reason in report.failed:
        print(f"  not deleted: {title}: {reason}", file=sys.stderr)
    if not report.complete:
        print("crmdesk: some calendar items could not be deleted; nothing local was removed. "
              "Run 'crmdesk uninstall' again.", file=sys.stderr)
        return 1
    print(f"Deleted {report.deleted} calendar item(s); {report.unshared} item(s) are no longer "
          f"shared; removed {len(report.removed)} local file(s).")
    return 0


def _status(service: AppService) -> int:
    st = service.status()
    if not st.configured:
        print("Not configured yet: open the app (crmdesk) and fill in Connection settings, "
              "or write settings.toml.")
    print(f"Last sync: {st.last_sync.isoformat(sep=' ') if st.last_sync else 'never'}")
    print(f"Calendar items mirrored: {st.calendar_items}")
    print(f"Shared activities: {st.shared} (pending {st.pending}, conflicts {st.conflicts}, "
          f"errors {st.errors})")
    for note in st.notes:
        print(f"  skipped: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
