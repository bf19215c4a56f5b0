"""The collapsed "while you were away" sentence, written from counts per actor and verb."""
from models import Notification
from travelpack_ui.notify.away import merge_away, sentence
from travelpack_ui.notify.service import Entry


def counts(name: str, **verbs: int) -> dict:
    return {'name': name, 'counts': verbs, 'last': {verb: f'the last {verb}' for verb in verbs}}


def test_the_first_count_says_what_it_counts_and_a_single_change_names_the_item() -> None:
    details = {'list': 'Lisbon trip', 'actors': {'b': counts('Ben', packed=5, added=2)}}
    assert sentence(details) == 'Ben packed 5 of your items and added 2 to Lisbon trip'
    details = {'list': 'Lisbon trip', 'actors': {'b': counts('Ben', removed=1), 'c': counts('Cleo', packed=2)}}
    assert sentence(details) == 'Ben removed the last removed; Cleo packed 2 of your items in Lisbon trip'


def test_a_later_change_merges_into_the_unread_entry() -> None:
    existing = Notification(user_id='a', kind='changed_while_away', summary='',
                            details={'list': 'Lisbon trip', 'actors': {'b': counts('Ben', packed=4)}})
    merge_away(existing, Entry(user_id='a', kind='changed_while_away', summary='',
                               details={'list': 'Lisbon trip', 'actors': {'b': counts('Ben', packed=1, added=2)}}))
    assert existing.summary == 'Ben packed 5 of your items and added 2 to Lisbon trip'
