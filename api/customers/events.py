"""Event types of the customers domain."""

from api.core.events import register_event_type

CUSTOMER_CREATED = register_event_type("customer.created", "A customer was created")
CUSTOMER_UPDATED = register_event_type("customer.updated", "A customer's data changed")
CUSTOMER_DELETED = register_event_type("customer.deleted", "A customer was deleted")
CUSTOMER_STAGE_CHANGED = register_event_type(
    "customer.stage_changed", "A customer moved on the ladder (by hand or by a fact such as a purchase)"
)
