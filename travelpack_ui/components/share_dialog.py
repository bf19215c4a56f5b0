"""Sharing in the list page: the "Share" or "People" button, and the owner's "Share" dialog.

Each handler calls a part of `Sharing`, which re-checks the caller's role against the latest committed membership:
a button being on screen proves nothing (NiceGUI events can be forged), and a role can change while a dialog is open.
"""
import re
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from nicegui import ui

from models import Role, User
from travelpack_ui.components.attempt import attempt, confirmed
from travelpack_ui.components.people_dialog import avatar, people_dialog
from travelpack_ui.core.errors import DomainError
from travelpack_ui.services import Services
from travelpack_ui.sharing.service import Sharing

STATUS_TEXT = {'sent': 'sent', 'not_sent': 'not yet sent', 'failed': 'failed', 'accepted': 'accepted',
               'expired': 'expired', 'revoked': 'revoked'}
STATUS_COLOR = {'sent': 'positive', 'not_sent': 'warning', 'failed': 'negative', 'accepted': 'primary',
                'expired': 'grey', 'revoked': 'grey'}
EXPIRY = {'Never': None, '1 day': 24, '7 days': 24 * 7, '30 days': 24 * 30, '1 year': 8760}


def share_button(services: Services, list_id: str, user: User, role: str) -> ui.button:
    """"Share" for the owner, "People" for everyone else; what opens is decided by the role at the time of the click."""
    async def open_dialog() -> None:
        current = services.lists.role_of(list_id, user.id)
        if current is None:
            ui.notify('You no longer have access to this list.', type='warning')
        elif current == Role.owner:
            ShareDialog(services.sharing, list_id, user).open()
        else:
            people_dialog(services.sharing, list_id, user)
    if role == Role.owner:
        return ui.button('Share', icon='person_add', on_click=open_dialog).props('unelevated color=primary') \
            .mark('share')
    return ui.button('People', icon='group', on_click=open_dialog).props('flat').mark('people')


class ShareDialog:
    """The owner's dialog: invite by email, pending invitations, share links, collaborators."""

    def __init__(self, sharing: Sharing, list_id: str, user: User) -> None:
        self.sharing, self.list_id, self.user = sharing, list_id, user
        with ui.dialog() as self.dialog, ui.card().classes('w-full max-w-2xl').mark('share-dialog'):
            ui.label('Share this list').classes('text-xl font-bold')
            with ui.tabs().classes('w-full') as tabs:
                invite_tab, links_tab, people_tab = ui.tab('Invite'), ui.tab('Links'), ui.tab('People')
            with ui.tab_panels(tabs, value=invite_tab).classes('w-full'):
                with ui.tab_panel(invite_tab):
                    self._invite_form()
                    self.invitations = ui.column().classes('w-full gap-1').mark('invitations')
                with ui.tab_panel(links_tab):
                    self._link_form()
                    self.links = ui.column().classes('w-full gap-1').mark('share-links')
                with ui.tab_panel(people_tab):
                    self.people = ui.column().classes('w-full gap-1').mark('collaborators')
            with ui.row().classes('w-full justify-end'):
                ui.button('Done', on_click=self.dialog.close).props('flat')
        sharing.invitations.changed.subscribe(self._on_invitations_changed)
        self.dialog.on('hide', self._closed)
        self.refresh()

    def open(self) -> None:
        self.dialog.open()

    def _closed(self) -> None:
        self.sharing.invitations.changed.unsubscribe(self._on_invitations_changed)
        self.dialog.delete()

    def refresh(self) -> None:
        for render in (self._render_invitations, self._render_links, self._render_people):
            try:
                render()
            except DomainError as error:  # no longer the owner (transferred, removed): say so, show nothing
                self.dialog.close()
                ui.notify(error.detail, type='warning')
                return

    def _on_invitations_changed(self, list_id: str) -> None:
        if list_id == self.list_id and not self.dialog.is_deleted:
            self.refresh()

    # --- invite by email -----------------------------------------------------------------------------------------

    def _invite_form(self) -> None:
        emails = ui.textarea('Email addresses', placeholder='ana@example.com, ben@example.com') \
            .props('outlined autogrow').classes('w-full').mark('invite-emails')
        with ui.row().classes('w-full items-center'):
            role = ui.select({'editor': 'Can edit', 'viewer': 'Can view'}, value='editor', label='Role') \
                .classes('w-40').mark('invite-role')
        message = ui.textarea('Message (optional)').props('outlined autogrow').classes('w-full') \
            .mark('invite-message')

        async def send() -> None:
            addresses = [a for a in re.split(r'[\s,;]+', emails.value or '') if a]
            if not addresses:
                ui.notify('Enter at least one email address.', type='warning')
                return
            sent = await attempt(self.sharing.invitations.invite(self.list_id, addresses, role.value,
                                                                 message.value or None, user=self.user))
            if sent:
                failed = [i['email'] for i in sent if i['status'] != 'sent']
                ui.notify(f'Invited {len(sent)}.' + (f' Not sent yet to {", ".join(failed)}: we keep trying.'
                                                     if failed else ''), type='positive' if not failed else 'warning')
                emails.value, message.value = '', ''
                self.refresh()
        ui.button('Send invitations', icon='send', on_click=send).props('unelevated color=primary') \
            .mark('send-invitations')

    def _render_invitations(self) -> None:
        rows = [i for i in self.sharing.invitations.of(self.list_id, user=self.user) if i['status'] != 'accepted']
        self.invitations.clear()
        with self.invitations:
            if rows:
                ui.label('Invitations').classes('font-bold mt-2')
            for row in rows:
                with ui.row().classes('w-full items-center no-wrap gap-2').mark(f'invitation-{row["email"]}'):
                    ui.label(row['email']).classes('grow truncate')
                    ui.label(row['role']).classes('text-gray-600')
                    ui.badge(STATUS_TEXT[row['status']], color=STATUS_COLOR[row['status']]) \
                        .mark(f'invitation-status-{row["email"]}')
                    invitations = self.sharing.invitations
                    self._action('Resend', 'send', partial(invitations.resend, self.list_id, row['id'], user=self.user),
                                 'Invitation sent again.')
                    self._action('Revoke', 'block', partial(invitations.revoke, self.list_id, row['id'],
                                                            user=self.user), 'Invitation revoked.')

    # --- share links ---------------------------------------------------------------------------------------------

    def _link_form(self) -> None:
        ui.label('Anyone with a link can join with its role. Revoking it stops new joins; people who joined stay '
                 'until you remove them.').classes('text-gray-600 text-sm')
        with ui.row().classes('w-full items-center'):
            role = ui.select({'viewer': 'Can view', 'editor': 'Can edit'}, value='viewer', label='Role') \
                .classes('w-32').mark('link-role')
            expiry = ui.select(list(EXPIRY), value='7 days', label='Expires').classes('w-32').mark('link-expiry')

            async def create() -> None:
                link = await attempt(self.sharing.links.create(self.list_id, role.value, EXPIRY[expiry.value],
                                                              user=self.user), 'Link created.')
                if link:
                    self.refresh()
            ui.button('Create link', icon='link', on_click=create).props('unelevated color=primary') \
                .mark('create-link')

    def _render_links(self) -> None:
        rows = self.sharing.links.of(self.list_id, user=self.user)
        self.links.clear()
        with self.links:
            for row in rows:
                with ui.row().classes('w-full items-center no-wrap gap-2').mark('share-link'):
                    ui.input(value=row['url']).props('readonly dense outlined data-testid=share-link-url') \
                        .classes('grow').mark('share-link-url')
                    expires = 'expired' if row['expired'] else \
                        f'until {row["expires_at"][:10]}' if row['expires_at'] else 'no expiry'
                    ui.label(f'{row["role"]} · {expires} · {row["uses"]} joined').classes('text-sm text-gray-600')
                    ui.button(icon='content_copy', on_click=lambda r=row: copy(r['url'])) \
                        .props('flat round dense aria-label="Copy link"')
                    self._action('Revoke', 'block', partial(self.sharing.links.revoke, self.list_id, row['id'],
                                                            user=self.user), 'Link revoked.')

    # --- collaborators -------------------------------------------------------------------------------------------

    def _render_people(self) -> None:
        people = self.sharing.collaborators.of(self.list_id, user=self.user)
        self.people.clear()
        with self.people:
            for person in people:
                with ui.row().classes('w-full items-center no-wrap gap-2').mark(f'person-{person["display_name"]}'):
                    avatar(person)
                    with ui.column().classes('gap-0 grow min-w-0'):
                        ui.label(person['display_name']).classes('truncate')
                        ui.label(person['email'] or '').classes('text-sm text-gray-600 truncate')
                    if person['role'] == Role.owner:
                        ui.label('owner').classes('text-gray-600')
                        continue
                    ui.select({'editor': 'editor', 'viewer': 'viewer'}, value=person['role'],
                              on_change=lambda e, p=person: self._set_role(p, e.value)).classes('w-28') \
                        .mark(f'role-{person["display_name"]}')
                    collaborators = self.sharing.collaborators
                    self._action('Make owner', 'star', partial(collaborators.transfer, self.list_id, person['user_id'],
                                                               user=self.user),
                                 f'{person["display_name"]} now owns the list.',
                                 confirm=f'Make {person["display_name"]} the owner? You become an editor.')
                    self._action('Remove', 'person_remove', partial(collaborators.remove, self.list_id,
                                                                    person['user_id'], user=self.user),
                                 f'{person["display_name"]} was removed.')

    async def _set_role(self, person: dict[str, Any], role: str) -> None:
        if role != person['role']:
            await attempt(self.sharing.collaborators.set_role(self.list_id, person['user_id'], role, user=self.user),
                          f'{person["display_name"]} is now {role}.')
            self.refresh()

    def _action(self, label: str, icon: str, call: Callable[[], Awaitable[Any]], success: str, *,
                confirm: str | None = None) -> None:
        async def press() -> None:
            if confirm and not await confirmed(confirm):
                return
            await attempt(call(), success)
            self.refresh()
        ui.button(icon=icon, on_click=press).props(f'flat round dense aria-label="{label}"') \
            .mark(label.lower().replace(' ', '-')).tooltip(label)


def copy(url: str) -> None:
    ui.clipboard.write(url)
    ui.notify('Link copied.', type='positive')
