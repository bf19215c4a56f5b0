"""The profile page's "Mail" card: digests and reminders on or off, and lists that mail nothing."""
from nicegui import ui

from models import NotificationSettingsPublic, User
from travelpack_ui.core.errors import DomainError
from travelpack_ui.lists.service import ListService
from travelpack_ui.notify.prefs import Prefs


def mail_settings(prefs: Prefs, lists: ListService, user: User) -> None:
    """Reads the saved settings once; "Save" writes them all (the same call as PUT /api/user/notification-settings)."""
    current = prefs.of(user.id)
    with ui.card().classes('w-full max-w-xl'):
        ui.label('Mail').classes('text-lg font-bold')
        digests = ui.switch('Digest mails: what others changed on a list while I was away', value=current.digests) \
            .mark('digests')
        reminders = ui.switch('Departure reminders: items still unpacked before a trip', value=current.reminders) \
            .mark('reminders')
        muted: dict[str, ui.checkbox] = {}
        summaries = lists.summaries(user.id)
        if summaries:
            ui.label('Mute lists (no mail at all about them):').classes('text-gray-600')
            for summary in summaries:
                muted[summary['id']] = ui.checkbox(summary['name'], value=summary['id'] in current.muted_lists) \
                    .mark(f'mute-{summary["id"]}')

        async def save() -> None:
            wanted = NotificationSettingsPublic(digests=digests.value, reminders=reminders.value,
                                                muted_lists=[list_id for list_id, box in muted.items() if box.value])
            try:
                await prefs.save(user, wanted)
            except DomainError as error:
                ui.notify(error.detail, type='negative')
                return
            ui.notify('Mail settings saved', type='positive')
        ui.button('Save mail settings', on_click=save).props('flat').mark('save-mail')
