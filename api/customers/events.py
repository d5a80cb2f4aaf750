"""Event types of the customers domain."""

from api.core.events import register_event_type

CUSTOMER_CREATED = register_event_type("customer.created", "A customer was created")
CUSTOMER_UPDATED = register_event_type("customer.updated", "A customer's data changed")
CUSTOMER_DELETED = register_event_type("customer.deleted", "A customer was deleted")
CUSTOMER_STAGE_CHANGED = register_event_type(
    "customer.stage_changed", "A customer moved on the ladder (by hand or by a fact such as a purchase)"
)
CUSTOMER_LAPSED = register_event_type(
    "customer.lapsed",
    "A buying customer stopped buying and moved to the lapsed rung: a win-back target for the owner",
)
CUSTOMER_FACT_RECORDED = register_event_type(
    "customer.fact_recorded",
    "A fact about a customer was recorded (a purchase, referral, praise, suggestion or activated contract); "
    "the payload carries the fact and the customer with its updated value",
)
CUSTOMER_MERGED = register_event_type(
    "customer.merged",
    "A duplicate customer was merged into another: everything attached moved to the survivor and the "
    "duplicate is gone (payload: survivor_id, duplicate_id, what moved)",
)
CUSTOMER_ERASED = register_event_type(
    "customer.erased", "A customer's personal data was erased on request; the anonymous record stays for reports"
)
IMPORT_COMPLETED = register_event_type(
    "import.completed", "A CSV import (or its dry run) finished; the data carries its counts"
)
