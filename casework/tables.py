"""Every table of casework, registered on its metadata: for what must see them all (key
rotation, schema checks), so a new table cannot be forgotten in one of those lists."""

from sqlalchemy import MetaData

# Imported for their side effect: each module registers its tables on casework's metadata.
import casework.account_models
import casework.action_replays
import casework.chat_addresses
import casework.enrolment
import casework.models
import casework.operation_models
import casework.referral_models
import casework.web_chat_tabs  # noqa: F401
from casework.db import Base


def casework_metadata() -> MetaData:
    return Base.metadata
