"""Email addresses are checked by email-validator: what people type works, what no mail server takes is refused."""
import pytest

from travelpack_ui.auth.emails import normalise_email, parse_addresses
from travelpack_ui.core.errors import Invalid


@pytest.mark.parametrize(('typed', 'kept'), [
    ('ana@example.com', 'ana@example.com'),
    ('  Ben@Example.COM ', 'ben@example.com'),  # one person, one address
    ('carl@travelpack.test', 'carl@travelpack.test'),  # the reserved .test domain stays usable (tests, staging)
    ('dörte@exämple.de', 'dörte@exämple.de'),
    ('first.last+trip@sub.example.org', 'first.last+trip@sub.example.org'),
])
def test_addresses_people_type_are_kept_normalised(typed: str, kept: str) -> None:
    assert normalise_email(typed) == kept


@pytest.mark.parametrize('typed', [
    'a@' + 'b' * 300 + '.com',  # a domain label is at most 63 characters, a whole address 254
    'x' * 250 + '@example.com',  # over 254 in all
    'not-an-address', 'ana@', '@example.com', 'ana@localhost', 'ana@host.local', 'ana@example..com',
    'a b@example.com', '"quoted"@example.com', 'ana@example.com\r\nBcc: eve@example.com', '', None, 42,
])
def test_addresses_no_mail_server_takes_are_refused(typed: object) -> None:
    with pytest.raises(Invalid) as refused:
        normalise_email(typed)
    assert refused.value.status == 422 and refused.value.detail.startswith('email: ')


def test_an_invitation_names_the_address_it_refuses() -> None:
    assert parse_addresses(['Ana@example.com', 'ana@example.com', 'ben@example.test']) == \
        ['ana@example.com', 'ben@example.test']
    with pytest.raises(Invalid, match="'a@bbb"):
        parse_addresses(['ana@example.com', 'a@' + 'b' * 300 + '.com'])
