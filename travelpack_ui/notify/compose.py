"""The digest and reminder mails: plain text and HTML, user text escaped, no images or tracking, and the RFC 8058
one-click unsubscribe headers that only these two kinds of mail carry."""
from dataclasses import dataclass
from html import escape

from travelpack_ui.core.mailer import Mail

DIGEST_CAP = 20  # sentences in one digest; the rest is "and N more"
UNSUBSCRIBE = 'unsubscribe'  # the link signer's purpose


@dataclass
class Recipient:
    email: str
    name: str
    unsubscribe_url: str


def one_line(text: str) -> str:
    """What goes into a header (the subject names the list) is one line."""
    return ' '.join(text.split())


def digest_mail(to: Recipient, *, list_name: str, list_url: str, changes: list[tuple[str, str]], total: int) -> Mail:
    """`changes` are (actor name, sentence) pairs, oldest first, at most `DIGEST_CAP`; `total` counts them all."""
    groups: dict[str, list[str]] = {}
    for actor, sentence in changes[:DIGEST_CAP]:
        groups.setdefault(actor, []).append(sentence)
    more = total - min(len(changes), DIGEST_CAP)
    count = f'{total} change' + ('s' if total != 1 else '')
    subject = one_line(f'{count} to "{list_name}" while you were away')
    text = f'Hello {to.name},\n\n{count} to "{list_name}" while you were away:\n\n'
    html = (f'<p>Hello {escape(to.name)},</p><p>{escape(count)} to <strong>&ldquo;{escape(list_name)}&rdquo;'
            f'</strong> while you were away:</p>')
    for sentences in groups.values():
        text += ''.join(f'- {s}\n' for s in sentences) + '\n'
        html += '<ul>' + ''.join(f'<li>{escape(s)}</li>' for s in sentences) + '</ul>'
    if more > 0:
        text += f'and {more} more.\n\n'
        html += f'<p>and {more} more.</p>'
    text += f'Open the list: {list_url}\n'
    html += f'<p><a href="{escape(list_url)}">Open &ldquo;{escape(list_name)}&rdquo;</a></p>'
    return _with_footer(to, Mail(to=to.email, subject=subject, text=text, html=html, link=list_url),
                        'You get one mail like this per list after others change it while you are away.',
                        'Stop these digests')


def reminder_mail(to: Recipient, *, list_name: str, list_url: str, days: int, unpacked: int) -> Mail:
    """"2 days to Lisbon: 7 items still unpacked"."""
    subject = one_line(f'{reminder_lead(days, list_name)}: {unpacked} item{"s" if unpacked != 1 else ""} '
                       'still unpacked')
    text = f'Hello {to.name},\n\n{subject}.\n\nOpen the list: {list_url}\n'
    html = (f'<p>Hello {escape(to.name)},</p><p>{escape(subject)}.</p>'
            f'<p><a href="{escape(list_url)}">Open &ldquo;{escape(list_name)}&rdquo;</a></p>')
    return _with_footer(to, Mail(to=to.email, subject=subject, text=text, html=html, link=list_url),
                        'You get this reminder before a trip starts, for items assigned to you or to nobody.',
                        'Stop departure reminders')


def reminder_lead(days: int, list_name: str) -> str:
    if days <= 0:
        return f'{list_name} starts today'
    return f'{days} day{"s" if days != 1 else ""} to {list_name}'


def _with_footer(to: Recipient, mail: Mail, why: str, stop: str) -> Mail:
    mail.text += f'\n--\n{why}\n{stop}: {to.unsubscribe_url}\n'
    mail.html = (f'{mail.html}<hr><p style="color:#666;font-size:small">{escape(why)} '
                 f'<a href="{escape(to.unsubscribe_url)}">{escape(stop)}</a></p>')
    mail.headers = {'List-Unsubscribe': f'<{to.unsubscribe_url}>',
                    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click'}
    return mail
