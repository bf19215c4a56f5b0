"""Taking a list away: CSV for spreadsheets and a clean printable view (both need sign-in and membership)."""
import csv
import html
import io
from typing import Any

from fastapi import Response
from nicegui import app, ui

from models import Action, User
from travelpack_ui.auth.browser import signed_in
from travelpack_ui.core.errors import DomainError
from travelpack_ui.services import Services

COLUMNS = ('category', 'name', 'quantity', 'packed', 'bag', 'traveler', 'weight_grams', 'notes')


def register(services: Services) -> None:
    lists = services.lists

    @app.get('/lists/{list_id}/export.csv', include_in_schema=False)
    @signed_in(services.accounts, '/lists/{list_id}')
    def export_csv(user: User, list_id: str) -> Response:
        try:
            lists.require(list_id, user.id, Action.read)
        except DomainError:
            return Response('No such packing list.', status_code=404, media_type='text/plain')
        snapshot = lists.snapshot(list_id)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        for row in rows_of(snapshot):
            writer.writerow([_spreadsheet_safe(row[c]) for c in COLUMNS])
        filename = ''.join(ch for ch in snapshot['name'] if ch.isalnum() or ch in ' -_').strip() or 'packing-list'
        return Response(buffer.getvalue(), media_type='text/csv; charset=utf-8',
                        headers={'Content-Disposition': f'attachment; filename="{filename}.csv"'})

    @ui.page('/lists/{list_id}/print')
    @signed_in(services.accounts, '/lists/{list_id}/print')
    def print_view(user: User, list_id: str) -> None:
        if lists.role_of(list_id, user.id) is None:
            ui.label('This list does not exist, or it was not shared with you.')
            return
        snapshot = lists.snapshot(list_id)
        ui.page_title(f'{snapshot["name"]} · TravelPack')
        ui.add_head_html('<style>@media print { .no-print { display: none } } '
                         'table.tp { border-collapse: collapse; width: 100% } '
                         'table.tp td, table.tp th { border-bottom: 1px solid #ddd; padding: 4px 6px; '
                         'text-align: left }</style>')
        ui.button('Print', icon='print', on_click=lambda: ui.run_javascript('window.print()')).classes('no-print')
        ui.html(printable(snapshot), sanitize=False).classes('w-full')


def rows_of(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """Items in reading order (by category, uncategorised last), with names instead of ids."""
    names = {e['id']: e['name'] for key in ('categories', 'bags', 'travelers') for e in snapshot[key]}
    order = {c['id']: i for i, c in enumerate(snapshot['categories'])}
    items = sorted(snapshot['items'], key=lambda i: (order.get(i['category_id'], len(order)), i['position']))
    return [{'category': names.get(i['category_id'] or '', ''), 'name': i['name'], 'quantity': i['quantity'],
             'packed': 'yes' if i['packed'] else 'no', 'bag': names.get(i['bag_id'] or '', ''),
             'traveler': names.get(i['traveler_id'] or '', ''), 'weight_grams': i['weight_grams'] or '',
             'notes': i['notes'] or ''} for i in items]


def printable(snapshot: dict[str, Any]) -> str:
    """Every user text is escaped: names are shown as text, never as HTML."""
    e = html.escape
    parts = [f'<h1 style="font-size:1.6em;font-weight:bold">{e(snapshot["name"])}</h1>']
    if snapshot.get('destination'):
        parts.append(f'<p>{e(snapshot["destination"])}</p>')
    parts.append('<table class="tp"><tr><th>☐</th><th>Item</th><th>Qty</th><th>Category</th><th>Bag</th>'
                 '<th>Traveler</th><th>Notes</th></tr>')
    for row in rows_of(snapshot):
        box = '☑' if row['packed'] == 'yes' else '☐'
        parts.append(f'<tr><td>{box}</td><td>{e(row["name"])}</td><td>{row["quantity"]}</td>'
                     f'<td>{e(row["category"])}</td><td>{e(row["bag"])}</td><td>{e(row["traveler"])}</td>'
                     f'<td>{e(row["notes"])}</td></tr>')
    parts.append('</table>')
    return ''.join(parts)


def _spreadsheet_safe(value: Any) -> Any:
    """Cells starting with = + - @ would run as formulas in a spreadsheet: prefix them."""
    if isinstance(value, str) and value[:1] in ('=', '+', '-', '@', '\t', '\r'):
        return "'" + value
    return value
