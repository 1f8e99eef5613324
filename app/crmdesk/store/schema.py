"""Schema and migrations.  Each migration takes the store from version N-1 to N."""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: first schema
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE mirror (
        href TEXT PRIMARY KEY,
        uid TEXT NOT NULL,
        etag TEXT NOT NULL,
        component TEXT NOT NULL,
        fields TEXT NOT NULL,
        raw TEXT NOT NULL,
        organizer TEXT NOT NULL DEFAULT '',
        content_hash TEXT NOT NULL DEFAULT '',
        start_utc TEXT,
        end_utc TEXT
    );
    CREATE INDEX mirror_uid ON mirror(uid);
    CREATE INDEX mirror_start ON mirror(start_utc);
    CREATE TABLE invalid_item (href TEXT PRIMARY KEY, reason TEXT NOT NULL);
    CREATE TABLE proxy (
        id INTEGER PRIMARY KEY,
        uid TEXT,
        href TEXT,
        native_pending INTEGER NOT NULL DEFAULT 0,
        crm_id INTEGER UNIQUE,
        crm TEXT,
        crm_deleted INTEGER NOT NULL DEFAULT 0,
        origin TEXT NOT NULL,
        local TEXT NOT NULL DEFAULT '{}',
        base TEXT,
        state TEXT NOT NULL DEFAULT 'pending',
        detail TEXT NOT NULL DEFAULT '',
        conflict TEXT NOT NULL DEFAULT '[]',
        resolution TEXT NOT NULL DEFAULT '{}',
        unshare INTEGER NOT NULL DEFAULT 0,
        updated TEXT NOT NULL
    );
    CREATE INDEX proxy_uid ON proxy(uid);
    CREATE INDEX proxy_href ON proxy(href);
    CREATE TABLE ref (
        kind TEXT NOT NULL,
        id INTEGER NOT NULL,
        name TEXT NOT NULL,
        email TEXT NOT NULL DEFAULT '',
        detail TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (kind, id)
    );
    CREATE TABLE journal (
        id INTEGER PRIMARY KEY,
        proxy_id INTEGER,
        action TEXT NOT NULL,
        payload TEXT NOT NULL DEFAULT '{}',
        created TEXT NOT NULL
    );
    CREATE TABLE report (
        id INTEGER PRIMARY KEY,
        finished TEXT NOT NULL,
        body TEXT NOT NULL
    );
    """,
    # 2: deletion policies (detached proxies), invitees of native items, writes in flight
    """
    ALTER TABLE proxy ADD COLUMN detached INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE proxy ADD COLUMN invitees INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE mirror ADD COLUMN attendees TEXT NOT NULL DEFAULT '';
    ALTER TABLE proxy ADD COLUMN inflight TEXT NOT NULL DEFAULT '{}';
    """,
    # 3: the settle key of the last empty plan (a no-change proxy is skipped cheaply)
    """
    ALTER TABLE proxy ADD COLUMN settled TEXT NOT NULL DEFAULT '';
    CREATE INDEX proxy_state ON proxy(state);
    """,
    # 4: a repeating item's own terms (DTSTART, RRULE, EXDATE, RDATE) as JSON
    """
    ALTER TABLE mirror ADD COLUMN recurrence TEXT NOT NULL DEFAULT '';
    """,
    # 5: lookups: complete (the rep's own) or referenced-only records, a contact's account
    """
    ALTER TABLE ref ADD COLUMN complete INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE ref ADD COLUMN account INTEGER;
    """,
    # 6: people (rules 13-14): what the CRM said each address is, the rep's own
    # choices for addresses, and the review queue of unresolved attendees
    """
    CREATE TABLE address_book (
        address TEXT PRIMARY KEY,
        refs TEXT NOT NULL DEFAULT '[]',
        source TEXT NOT NULL DEFAULT 'crm',
        checked TEXT NOT NULL
    );
    CREATE TABLE review (
        proxy_id INTEGER NOT NULL,
        address TEXT NOT NULL,
        reason TEXT NOT NULL,
        candidates TEXT NOT NULL DEFAULT '[]',
        state TEXT NOT NULL DEFAULT 'open',
        PRIMARY KEY (proxy_id, address)
    );
    ALTER TABLE mirror ADD COLUMN declined TEXT NOT NULL DEFAULT '';
    ALTER TABLE mirror ADD COLUMN crm_link TEXT NOT NULL DEFAULT '';
    """,
    # 7: overridden occurrences of a series (rule 17) are mirror rows of their
    # own, under their series' href; the calendar is read whole once more so
    # that series mirrored before this version get theirs
    """
    ALTER TABLE mirror ADD COLUMN parent TEXT NOT NULL DEFAULT '';
    CREATE INDEX mirror_parent ON mirror(parent);
    DELETE FROM meta WHERE key IN ('sync_token', 'plan_scope_key');
    """,
]
