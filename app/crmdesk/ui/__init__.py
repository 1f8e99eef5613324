"""The Qt desktop front end: main window, calendar views, share bar, dialogs.

Widgets only show what `crmdesk.service` returns and call its methods; no
sync logic lives here.  Every call that touches the network or the store
runs off the GUI thread through `ui.tasks`.
"""
