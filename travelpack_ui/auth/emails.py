"""Email addresses as people type them: one normalised address, or a list of them (invitations).

Checked by `email-validator` (RFC 5321/5322 syntax, length limits of the whole address, its local part and each
domain label, internationalised addresses) rather than a pattern of our own, which let through an address with a
300-character domain. Deliverability (DNS) is not checked: sign-in would then hang on a slow resolver, and whether
mail arrives is what the mailed link itself proves.
"""
from typing import Any

from email_validator import EmailNotValidError, validate_email

from travelpack_ui.core.errors import Invalid

MAX_EMAILS = 50
EMAIL_MAX = 254  # RFC 5321's limit on a path, so the longest address a mail server will take


def normalise_email(value: Any) -> str:
    """Trimmed and lower-cased, so that one person is one address (sign-in, invitations, accepting).

    `test_environment=True` lets the `.test` domain through (RFC 2606 reserves it; email-validator refuses it by
    default): test suites and staging set-ups use it, and since we never look up DNS, refusing it would protect
    nobody. The other special-use names (`localhost`, `.local`, `.invalid`, `.onion`, ...) stay refused.
    """
    if not isinstance(value, str) or len(value.strip()) > EMAIL_MAX:
        raise Invalid('email: please give a valid email address, like ana@example.com.', code='invalid')
    try:
        checked = validate_email(value.strip(), check_deliverability=False, test_environment=True)
    except EmailNotValidError as error:
        raise Invalid(f'email: {error} Please give a valid email address, like ana@example.com.',
                      code='invalid') from None
    return checked.normalized.lower()


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
