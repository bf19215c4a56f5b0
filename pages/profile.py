"""My account: display name, units, personal access tokens, export of all my data, and account deletion."""
import json

from fastapi import Response
from nicegui import app, ui
from pydantic import ValidationError

from models import User
from models.common import clean_name
from travelpack_ui.auth.browser import sign_out, signed_in
from travelpack_ui.components.frame import frame
from travelpack_ui.components.mail_settings import mail_settings
from travelpack_ui.services import Services


def register(services: Services) -> None:
    auth, accounts = services.auth, services.accounts

    @app.get('/profile/export.json', include_in_schema=False)
    @signed_in(accounts, '/profile')
    def export_json(user: User) -> Response:
        return Response(json.dumps(accounts.export(user), indent=2, ensure_ascii=False), media_type='application/json',
                        headers={'Content-Disposition': 'attachment; filename="travelpack-export.json"'})

    @ui.page('/profile')
    @signed_in(accounts, '/profile')
    def profile_page(user: User) -> None:
        with frame('Profile', user):
            ui.label('Profile').classes('text-2xl font-bold')
            with ui.card().classes('w-full max-w-xl'):
                ui.label(user.email).classes('text-gray-600')
                name = ui.input('Display name', value=user.display_name).classes('w-full').mark('display-name')
                units = ui.toggle({'metric': 'Metric (g, kg)', 'imperial': 'Imperial (oz, lb)'}, value=user.units) \
                    .mark('units')

                async def save() -> None:
                    try:
                        cleaned = clean_name(name.value)
                    except ValueError as error:
                        ui.notify(f'Display name: {error}', type='negative')
                        return
                    await accounts.update(user, display_name=cleaned, units=units.value)
                    ui.notify('Saved', type='positive')
                ui.button('Save', on_click=save).props('unelevated color=primary').mark('save-profile')

            mail_settings(services.notify.prefs, services.lists, user)

            with ui.card().classes('w-full max-w-xl'):
                ui.label('Personal access tokens').classes('text-lg font-bold')
                ui.label('For scripts and integrations: send as "Authorization: Bearer <token>".') \
                    .classes('text-gray-600')
                token_list = ui.column().classes('w-full')

                def show_tokens() -> None:
                    token_list.clear()
                    with token_list:
                        for token in auth.personal_tokens(user):
                            with ui.row().classes('items-center w-full'):
                                ui.label(token['name'])
                                ui.space()
                                ui.button('Revoke', on_click=lambda t=token: revoke(t['id'])).props('flat dense')

                async def revoke(token_id: str) -> None:
                    await auth.revoke_personal_token(user, token_id)
                    show_tokens()

                token_name = ui.input('Token name', placeholder='e.g. my script').classes('w-full')
                shown = ui.label('').classes('font-mono break-all')

                async def create() -> None:
                    try:
                        label = clean_name(token_name.value)
                    except (ValueError, ValidationError) as error:
                        ui.notify(f'Token name: {error}', type='negative')
                        return
                    created = await auth.create_personal_token(user, label)
                    shown.set_text(f'Copy it now, it is shown once: {created["token"]}')
                    token_name.value = ''
                    show_tokens()
                ui.button('Create token', on_click=create).props('flat')
                show_tokens()

            with ui.card().classes('w-full max-w-xl'):
                ui.label('Your data').classes('text-lg font-bold')
                ui.button('Export all my data (JSON)', icon='download',
                          on_click=lambda: ui.download('/profile/export.json')).props('flat')

                async def delete_account() -> None:
                    await accounts.delete(user)
                    sign_out('/signin')

                def confirm() -> None:
                    with ui.dialog() as dialog, ui.card():
                        ui.label('Delete your account and every list you own? This cannot be undone.')
                        with ui.row().classes('w-full justify-end'):
                            ui.button('Cancel', on_click=dialog.close).props('flat')
                            ui.button('Delete my account', on_click=delete_account).props('unelevated color=negative')
                    dialog.open()
                ui.button('Delete my account', on_click=confirm).props('flat color=negative')
