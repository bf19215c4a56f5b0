"""The invitation mail: plain text and HTML, every piece of user text escaped, nothing user-made in a header."""
from html import escape

from .mailer import Mail

ROLE_SENTENCE = {
    'editor': 'add, change and pack items',
    'viewer': 'see the list and follow along as it is packed',
}


def invitation_mail(*, to: str, inviter: str, list_name: str, role: str, link: str, message: str | None,
                    days: int) -> Mail:
    """Names the list, the inviter and the role; the personal message is body text (several lines allowed)."""
    subject = f'{inviter} invited you to the packing list "{list_name}"'
    if any(ch in subject for ch in '\r\n'):
        raise ValueError('line breaks in a mail header')
    allows = ROLE_SENTENCE.get(role, 'see the list')
    text = (f'Hello,\n\n{inviter} invited you to pack together on TravelPack: the list "{list_name}", '
            f'as {role} (you can {allows}).\n\n')
    if message:
        text += f'{inviter} wrote:\n\n' + '\n'.join(f'> {line}' for line in message.splitlines()) + '\n\n'
    text += (f'Join the list:\n\n{link}\n\nThe link is for {to}; it works once and expires in {days} days.\n'
             f'If you did not expect this mail, ignore it.\n')
    html = (f'<p>Hello,</p><p><strong>{escape(inviter)}</strong> invited you to pack together on TravelPack: '
            f'the list <strong>&ldquo;{escape(list_name)}&rdquo;</strong>, as {escape(role)} '
            f'(you can {escape(allows)}).</p>')
    if message:
        lines = '<br>'.join(escape(line) for line in message.splitlines())
        html += f'<blockquote style="border-left:3px solid #ccc;padding-left:8px">{lines}</blockquote>'
    html += (f'<p><a href="{escape(link)}">Join &ldquo;{escape(list_name)}&rdquo;</a></p>'
             f'<p>The link is for {escape(to)}; it works once and expires in {days} days. '
             f'If you did not expect this mail, ignore it.</p>')
    return Mail(to=to, subject=subject, text=text, html=html, link=link)
