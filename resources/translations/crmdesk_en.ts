<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>AboutDialog</name>
    <message>
        <source>keyring backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>platform</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About crmdesk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name}:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy versions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Joins your CalDAV calendar to the company CRM: share meetings and to-dos, then synchronize both ways.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Free software under the GNU GPL, version 3 or later.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AgendaView</name>
    <message>
        <source>All day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Title</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRM</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>crmdesk: already running with this profile; its window was brought to the front.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Local store restored</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CalendarGroup</name>
    <message>
        <source>Calendar (CalDAV)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Press Test connection to list your calendars</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calendar:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calendar server address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calendar user name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calendar password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calendar CA bundle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calendar client certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calendar client key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calendar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a calendar (press Test connection to list them).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected: 1 calendar found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected: {count} calendars found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected, but this account has no calendar.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CalendarPage</name>
    <message>
        <source>Previous week</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Go to this week</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next week</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Week</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the week</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agenda</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the agenda</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing in the {days} days from {day}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect to your calendar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The CalDAV server your phone and mail program use (Nextcloud, Radicale, SOGo…). The server&apos;s address is enough: crmdesk finds your calendars.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} calendars found: choose the one to synchronize with the CRM, then press Next.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This account has no calendar to synchronize: create one on the server (or in your phone&apos;s calendar app), then press Next.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConflictBox</name>
    <message>
        <source>Decide later</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep calendar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep calendar for all fields</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep CRM for all fields</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calendar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last agreed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConflictsDialog</name>
    <message>
        <source>Sync issues</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The last sync&apos;s issues could not be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Other issues from the last synchronization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>These entries were changed both in your calendar and in the CRM. Choose which value to keep for each field; the choice is applied at the next Synchronize.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No conflicts are waiting.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The conflicts could not be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The choices were not saved.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConnectionDialog</name>
    <message>
        <source>Connection settings</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConnectionSettings</name>
    <message>
        <source>Verify the server&apos;s TLS certificate (recommended)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System certificates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In the certificate file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keys (*.pem *.key);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CA bundle:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CA bundle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Client certificate:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Client certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Client key:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Client key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stored in the keyring — leave empty to keep</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter your user name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No such file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the certificate that goes with the key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the password again: the server address or user name changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the password (none is stored yet).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CrmGroup</name>
    <message>
        <source>CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRM server address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRM user name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRM password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRM CA bundle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRM client certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRM client key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRM database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the database name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed in as {name}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CrmPage</name>
    <message>
        <source>Connect to the CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your company&apos;s Tryton CRM: its address, database and your sign-in. crmdesk signs in once to check them; the password goes to the system keyring.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ErrorBox</name>
    <message>
        <source>Too many sign-in attempts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Session ended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign-in refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Client certificate needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Certificate not trusted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server not reachable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server busy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redirected to another server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Local store problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not allowed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password not saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Setting needs attention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synchronization stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail not readable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Can&apos;t do that</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed elsewhere</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Item no longer there</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Item not understood</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unexpected error</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FieldName</name>
    <message>
        <source>description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>comment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>planned start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>planned end</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>all day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>display in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>opportunity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>contacts</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FinishPage</name>
    <message>
        <source>First synchronization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your settings are saved. crmdesk now reads your calendar and the CRM for the first time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Try again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synchronizing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The first synchronization was stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Press Finish, then Synchronize (F9) when you are ready; it goes on where this one stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your calendar and the CRM are synchronized.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Written to your calendar: {counts}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Written to the CRM: {counts}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next: select a meeting or to-do in the calendar and press “Share with CRM”; Synchronize (F9) sends it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Some items need your attention (listed below, and under Sync issues in the status bar).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The first synchronization did not finish.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{reason}

Your settings are saved. Press Try again, or Finish and Synchronize (F9) later.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FirstRun</name>
    <message>
        <source>Explore the demo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The demo runs a practice CRM and calendar on this computer, filled with a sales rep&apos;s week. Nothing you do there reaches a real server.

To start it, open a terminal and run:

    crmdesk demo

It opens its own crmdesk window (the first start takes about half a minute). When you are ready to connect your own calendar and CRM, choose Set up crmdesk… here (also in the File menu).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <source>Set up crmdesk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skip: explore the demo instead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save and synchronize</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The settings were not saved.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HelpMenu</name>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export diagnostics…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save logs, the last sync reports and the settings (no passwords) as a zip for a support ticket</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About crmdesk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export diagnostics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zip archives (*.zip)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The diagnostics were not saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Diagnostics saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved to {path}

It holds the logs, the last sync reports and the settings, without passwords. Attach it to your support ticket.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <source>No synchronization has run yet. Press Synchronize (F9) to start one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Took {seconds} s and 1 server request.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Took {seconds} s and {n} server requests.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{when}: {summary}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No issues.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calendar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The last synchronization. Select it to see what it could not do.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The last {n} synchronizations, newest first. Select one to see what it could not do.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sync history could not be read.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IssuesTree</name>
    <message>
        <source>Conflicts ({n})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skipped ({n})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Errors ({n})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fields: {names}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ItemForm</name>
    <message>
        <source>No description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select an entry to see its details and share it with the CRM.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Repeats:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Invitees:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Description:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{status}, {priority} priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{people} (organized by {organizer})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{pattern}; this occurrence was moved from {when}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ItemList</name>
    <message>
        <source>Calendar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To-dos</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Activities only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Communication</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To-do</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Due</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Activity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shown in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Account / opportunity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ItemText</name>
    <message>
        <source>(no title)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Planned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>High</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Medium</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Low</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{day} (all day)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{first} – {last} (all day)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Due date not set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Due {when}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calendar entry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To-do</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Activity (CRM only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{state}: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MailShare</name>
    <message>
        <source>Share E-mail…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Share an e-mail saved as an .eml file with the CRM (or drop the file on this window)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Share E-mail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail files (*.eml)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The e-mail can&apos;t be shared.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Preview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show what Synchronize would change, changing nothing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synchronize</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Two-way sync of the calendar and the CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What the last synchronizations did</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove CRM data…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete the CRM&apos;s items from your calendar and this computer&apos;s CRM data and passwords</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRM and calendar server, user, password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conflict priority and sync windows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set up crmdesk…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect the CRM and your calendar step by step, then synchronize</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Main</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No to-dos in your calendar.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No activities shared with the CRM yet. Select a calendar entry and press “Share with CRM”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calendar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To-dos</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Activities</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preparing a preview…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synchronizing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The preview could not be made.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synchronization stopped before deleting many items — nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synchronization failed — nothing more was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synchronization stopped.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MassDeleteDialog</name>
    <message>
        <source>Confirm deleting many items</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete these items now? Choose Cancel if they should not be deleted: nothing is changed, and the next Synchronize asks again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete them</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source>calendar server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Something unexpected went wrong ({kind}). Nothing was lost: the next Synchronize starts from where this one stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The {server} locked the account after too many failed sign-ins. Wait a few minutes, check the password in Connection settings, then try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>crmdesk does not sign in again for {minutes} min (each try while locked would extend the lock).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The {server} ended the session right after crmdesk signed in again. Nothing was changed; try again in a few minutes, and tell your administrator if it keeps happening.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{seconds} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a while</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The {server} is busy and asked crmdesk to wait {wait} before asking again. Nothing was lost; the next Synchronize carries on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The {server} address {url} sends crmdesk on to {target}, another server. crmdesk does not send your password there. If {target} is the right address, enter it in Connection settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The {server} at {url} did not accept the connection: {detail}. Choose your client certificate and its key in Connection settings (your administrator has them).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The {server} refused your user name or password. Check them in Connection settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The {server} at {url} has a certificate that can&apos;t be verified ({detail}). If your company uses its own certificate authority, choose its CA bundle in Connection settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Can&apos;t reach the {server} at {url}: {detail}. Check your network connection and the server address in Connection settings. Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The {server} answered with an error (HTTP {status}): {detail}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The {server} answered with an error (HTTP {status}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The {server} answered with something it could not understand: {detail}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The {server} answered with something it could not understand.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was lost; try again later, and tell your administrator if it keeps happening.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The calendar server did not allow this: {detail}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The {server} did not allow this: {detail}. Ask your CRM administrator for access.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Setting {key}: {problem}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled. What was already done is kept; the next Synchronize finishes the rest.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This sync would delete {count} of {total} items on the CRM side, more than the mass-delete guard allows.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This sync would delete {count} of {total} items on the calendar side, more than the mass-delete guard allows.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was changed. Check the list: if it is right, confirm it; otherwise find out what removed them first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{problem} — it is merged again at the next Synchronize.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An item can&apos;t be read ({detail}); it was skipped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The local store is damaged ({detail}). Close crmdesk and start it again: it restores the last good backup, and what is newer is read again from the servers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The local store was damaged ({problem}); crmdesk restored the backup from {time}. Changes since then will be re-read from the servers at the next Synchronize. Items you shared, linked or resolved after that time and not yet synchronized may need doing again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The local store was damaged ({problem}) and no good backup was found, so crmdesk started a new one. Everything will be re-read from the servers at the next Synchronize, and shared items are matched to their CRM activities again. Items you shared or linked but never synchronized need sharing again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The damaged file was kept as {path}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No system keyring is available on this computer, so crmdesk keeps passwords only until it closes and asks for them again next time. They are never written to disk. To have them remembered, install and unlock a keyring (e.g. GNOME Keyring or KWallet).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NewContactDialog</name>
    <message>
        <source>New contact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no account)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Account:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The contact is created in the CRM now; the activity is linked to it at the next Synchronize.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NotConfiguredPage</name>
    <message>
        <source>crmdesk is not connected yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set it up with your CRM and calendar server: crmdesk tests each connection, then runs the first Synchronize, and your week shows here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>crmdesk needs your passwords</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection settings are saved, but not the passwords: this computer has no keyring to keep them, or they were removed. Enter them to see your week and synchronize.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set up crmdesk…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the passwords…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change the connection settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the connection details by hand…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Offline</name>
    <message>
        <source>Offline — no changes waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline — 1 change waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline — {n} changes waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · showing what was synchronized {when}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The servers could not be reached. You can keep working: shares, unshares and edits are kept on this computer and sent at the next Synchronize (F9).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PasswordPrompt</name>
    <message>
        <source>Password needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>crmdesk needs the CRM password to synchronize.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>crmdesk needs the calendar password to synchronize.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PickContactDialog</name>
    <message>
        <source>Pick contact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who is {address}?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRM records with this address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(choose a contact)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Or search all contacts:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search contacts:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The choice is used for every activity with this address and applied at the next Synchronize.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PlanView</name>
    <message>
        <source>Calendar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In your calendar ({n})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In the CRM ({n})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Updated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create in calendar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create in CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Update in calendar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Update in CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete from calendar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete from CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a follow-up to-do in CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take you off the activity in CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move one occurrence of the series in calendar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changes {fields}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed on both sides: you decide ({n})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conflict</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Both changed {fields}; the collision dialog will ask</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PreviewDialog</name>
    <message>
        <source>Nothing to do: the calendar and the CRM agree.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing has been changed yet. This is what Synchronize would do now; press Synchronize now to go ahead, or Close to leave everything as it is.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preview of the next Synchronize</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synchronize now</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReferenceEditor</name>
    <message>
        <source>Edit contact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>name@example.com</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved in the CRM at once; other users see the change there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The change was not saved in the CRM.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReferencePicker</name>
    <message>
        <source>Type to search accounts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type to search contacts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type to search opportunities</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No account matches “{text}”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No contact matches “{text}”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No opportunity matches “{text}”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No accounts yet: they are fetched from the CRM at the next Synchronize</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No contacts yet: they are fetched from the CRM at the next Synchronize</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No opportunities yet: they are fetched from the CRM at the next Synchronize</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(read-only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Referenced only: not one of your accounts. Read-only in crmdesk.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a record first, then edit its name or e-mail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change the name or e-mail of {name} in the CRM</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RemoveCrmData</name>
    <message>
        <source>This deletes {deleted} that came from the CRM, keeps {kept} in your calendar (no longer shared), and removes the local data and the stored passwords from this computer.

The CRM itself is not changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted {deleted} that came from the CRM; {kept} stays in your calendar, no longer shared.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted {deleted} that came from the CRM; {kept} stay in your calendar, no longer shared.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The local data and the stored passwords were removed. The CRM was not changed.

To start again, enter the passwords in Connection settings and Synchronize.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>… and {n} more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{failed} could not be deleted from your calendar, so nothing local was removed. Check the connection to the calendar server and choose Remove CRM data again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 calendar item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} calendar items</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 shared item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} shared items</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove CRM data?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove CRM data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removing CRM data…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRM data removed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRM data not removed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove CRM data stopped.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Repeat</name>
    <message>
        <source>Mon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fri</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sun</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{pattern}, {count} times</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{pattern}, until {day}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every {n} days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every weekday</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every week on {days}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every week</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every {n} weeks on {days}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every {n} weeks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every {n} months</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every year</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every {n} years</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReviewSection</name>
    <message>
        <source>contact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>employee</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>These invitees could not be matched to one contact or employee in the CRM. Pick who they are, create a new contact, or dismiss them; the activity is updated at the next Synchronize.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{record} ({kind})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>People to review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pick contact…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New contact…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Leave this address unmatched on this activity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Activity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>People to review ({n})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nobody is left to review.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The address was not dismissed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The choice was not saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Creating the contact in the CRM…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The contact was not created.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The people to review could not be read.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServerPage</name>
    <message>
        <source>The connection test failed: correct the details above and press Next again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Please correct the marked fields: {fields}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Enter the server address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The address must start with http:// or https:// (e.g. https://crm.example.com).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Please correct the marked fields: {fields}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The settings were not saved.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ShareBar</name>
    <message>
        <source>Share with CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send this entry to the CRM at the next Synchronize</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unshare</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open in CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Account:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opportunity:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Contacts:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not shared with the CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open this activity in the CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Available after the activity reached the CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The share bar change was not saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop sharing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop sharing this entry with the CRM? It stays in your calendar. At the next Synchronize its activity is removed from the CRM (for someone else&apos;s meeting, you are taken off its team).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ShareEmailDialog</name>
    <message>
        <source>From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cc</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Share E-mail with the CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Share</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ticked contacts are linked to the activity.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No date in the e-mail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Date:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Direction:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attachments:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outbound — sent by you or a colleague</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inbound — received from outside the company</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This e-mail is already shared with the CRM ({state}): the CRM keeps one activity per e-mail. To change its account, opportunity or contacts, use its share bar in Activities.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In the CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Contact: {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You ({name})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Employee: {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} contacts have this address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not in the CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The e-mail has no text.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Account:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opportunity:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show in Activities</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Also suggested:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use this one</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The e-mail was not shared.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ShareState</name>
    <message>
        <source>Not shared</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pending upload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shared · synced</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conflict</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncPage</name>
    <message>
        <source>When the same field changed on both sides</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synchronize only items inside these windows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calendar entries, past:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calendar entries, future:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To-dos, past:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To-dos, future:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Items outside the windows are left alone, never deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Share new calendar items with the CRM by default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a link to the CRM activity at the end of shared items&apos; descriptions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Never — only when I press Synchronize</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synchronize automatically every:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. jane@example.com, j.doe@home.example</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your e-mail addresses:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Besides the ones the CRM knows. Meetings you organize from these are yours.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When I delete a shared meeting in my calendar:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ask before a sync deletes more than</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>and more than</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>items</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Counted on each side, calendar and CRM, separately.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calendar entries window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A window of 0 days synchronizes no calendar entries at all.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Automatic sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every {low} minutes at the most often, or Never.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your e-mail addresses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“{address}” is not an e-mail address.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncPhase</name>
    <message>
        <source>Starting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signing in to the CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finding the calendar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the calendar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Applying changes</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncReport</name>
    <message>
        <source>{n} created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} updated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} deleted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>calendar: {counts}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRM: {counts}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 conflict waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} conflicts waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncSettings</name>
    <message>
        <source>The CRM wins</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The CRM&apos;s value replaces your calendar&apos;s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>My calendar wins</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your calendar&apos;s value replaces the CRM&apos;s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ask me</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synchronize lists the conflict; you choose per field.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete the CRM activity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel it in the CRM and add a follow-up to-do</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete only meetings with invitees; keep the others in the CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> days</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncSettingsDialog</name>
    <message>
        <source>Sync settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove CRM data…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete the calendar items that came from the CRM, stop sharing the others, forget the local data</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncStatusBar</name>
    <message>
        <source>Not connected yet — crmdesk needs the passwords to synchronize.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not connected yet — choose Set up crmdesk… to connect the CRM and your calendar.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Never synchronized — press Synchronize (F9)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last synchronized {when}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} shared</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} waiting to upload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>today at {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{day} at {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync issues</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synchronizing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last sync: {summary}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synchronized {when} — {summary}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync issues ({n})</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncTray</name>
    <message>
        <source>Synchronizing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not connected yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Never synchronized</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last synchronized {when}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 conflict waits for your decision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} conflicts wait for your decision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 item could not be synchronized</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} items could not be synchronized</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show crmdesk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit crmdesk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synchronization needs your attention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{problems}. Open crmdesk to see them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synchronization failed: {title}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WeekView</name>
    <message>
        <source>Nothing this week</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Week calendar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>all day</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WindowsPage</name>
    <message>
        <source>What to synchronize</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only items inside these windows are synchronized; older and later ones are left alone, never deleted. You can change all of this later in Sync settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When the same field changed in the calendar and the CRM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calendar entries, past:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calendar entries, future:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To-dos, past:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To-dos, future:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synchronize only items inside these windows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calendar entries window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A window of 0 days synchronizes no calendar entries at all.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
