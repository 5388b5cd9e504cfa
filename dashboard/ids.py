"""Every component id of the dashboard, in one place (a typo is an AttributeError, not a
callback that silently never fires)."""

# live page
LIVE_INTERVAL = "live-interval"
LIVE_SESSION = "live-session"  # dcc.Store: the session asked for (None: the one recording now)
LIVE_COUNT = "live-count"
LIVE_SET = "live-set"
LIVE_STATUS = "live-status"
LIVE_REST = "live-rest"
LIVE_CUES = "live-cues"
LIVE_GRAPH = "live-graph"
LIVE_TITLE = "live-title"
LIVE_SEEN = "live-seen"  # dcc.Store: the session and sample count last seen, and when (is the sensor sending?)

# session page
SESSION_ID = "session-id"  # dcc.Store
SESSION_GRAPH = "session-graph"
SESSION_REPS = "session-reps"
SESSION_NOTE_TEXT = "session-note-text"
SESSION_NOTE_SAVE = "session-note-save"
SESSION_NOTES = "session-notes"
SESSION_NOTE_STATUS = "session-note-status"
SESSION_RESET_ZOOM = "session-reset-zoom"

# overview page
OVERVIEW_TABLE = "overview-table"

# person page
PERSON_SESSIONS = "person-sessions"
