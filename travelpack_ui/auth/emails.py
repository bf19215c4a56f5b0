"""Email addresses as people type them: one normalised address, or a list of them (invitations)."""
import re
from typing import Any

from travelpack_ui.core.errors import Invalid

EMAIL = re.compile(r'^[^@\s<>",;:()\[\]\\]+@[^@\s<>",;:()\[\]\\]+\.[^@\s<>",;:()\[\]\\]+$')
MAX_EMAILS = 50
EMAIL_MAX = 254  # RFC 5321's limit on a path, so the longest address a mail server will take


def normalise_email(value: Any) -> str:
    """Trimmed and lower-cased, so that one person is one address (sign-in, invitations, accepting)."""
    if not isinstance(value, str) or len(value.strip()) > EMAIL_MAX or not EMAIL.match(value.strip()):
        raise Invalid('email: please give a valid email address, like ana@example.com.', code='invalid')
    return value.strip().lower()


def parse_addresses(emails: Any) -> list[str]:
    """1–50 addresses, normalised and without duplicates; none with a line break (it would reach a header)."""
    if not isinstance(emails, list) or not 1 <= len(emails) <= MAX_EMAILS:
        raise Invalid(f'emails: give 1 to {MAX_EMAILS} email addresses.', code='invalid')
    addresses: list[str] = []
    for value in emails:
        if isinstance(value, str) and any(ch in value for ch in '\r\n'):
            raise Invalid('emails: line breaks are not allowed in an email address.', code='invalid')
        try:
            address = normalise_email(value)
        except Invalid:
            raise Invalid(f'emails: {str(value)[:80]!r} is not a valid email address.', code='invalid') from None
        if address not in addresses:
            addresses.append(address)
    return addresses
