"""Event types of the users domain."""

from api.core.events import register_event_type

USER_CREATED = register_event_type("user.created", "A user account was created")
USER_UPDATED = register_event_type("user.updated", "A user changed (profile, role, team, activation)")
TEAM_CREATED = register_event_type("team.created", "A team was added to the org chart")
TEAM_UPDATED = register_event_type("team.updated", "A team was renamed, moved or got a new manager")
TEAM_DELETED = register_event_type("team.deleted", "A team was removed from the org chart")
