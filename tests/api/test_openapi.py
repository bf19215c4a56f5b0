"""/docs shows the real API: a schema for every JSON answer, every refusal as the `{detail, code}` it is, no pages."""
from typing import Any

from nicegui import app

ERROR = '#/components/schemas/ErrorPublic'


def api_document(client: Any) -> dict[str, Any]:
    app.openapi_schema = None  # NiceGUI's harness re-runs main.py on one app: build it from today's routes
    return app.openapi()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, op) for path, ops in document['paths'].items() for method, op in ops.items()]


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    if '$ref' in schema:
        return document['components']['schemas'][schema['$ref'].rsplit('/', 1)[-1]]
    return schema


async def test_only_the_api_is_documented(client) -> None:
    document = api_document(client)
    paths = set(document['paths'])
    assert paths and all(path.startswith('/api/') for path in paths), sorted(p for p in paths if '/api/' not in p)
    for page in ('/', '/signin', '/lists/{list_id}', '/auth/magic', '/invite/{token}', '/share/{token}',
                 '/lists/{list_id}/export.csv', '/profile/export.json'):
        assert page not in paths


async def test_every_json_answer_has_a_real_schema(client) -> None:
    document = api_document(client)
    for method, path, op in operations(document):
        successes = {status: answer for status, answer in op['responses'].items() if status.startswith('2')}
        assert len(successes) == 1, (method, path)
        status, answer = next(iter(successes.items()))
        if status in ('204', '202') and 'content' not in answer:
            continue
        schema = answer['content']['application/json']['schema']
        if schema.get('type') == 'array':
            schema = schema['items']
        assert '$ref' in schema, (method, path, schema)
        model = resolve(document, schema)
        assert model.get('properties') and not model.get('additionalProperties'), (method, path)


async def test_every_refusal_is_documented_as_detail_and_code(client) -> None:
    document = api_document(client)
    assert set(resolve(document, {'$ref': ERROR})['required']) == {'detail', 'code'}
    assert 'HTTPValidationError' not in document['components']['schemas']
    for method, path, op in operations(document):
        refusals = {status: answer for status, answer in op['responses'].items() if status[0] in '45'}
        assert '401' in refusals or path.startswith('/api/auth/'), (method, path)
        if 'requestBody' in op:
            assert {'400', '413', '415', '422'} <= set(refusals), (method, path)
        for status, answer in refusals.items():
            assert answer['content']['application/json']['schema'] == {'$ref': ERROR}, (method, path, status)


async def test_bodies_and_the_bearer_header_show_their_types(client) -> None:
    document = api_document(client)
    schemes = document['components']['securitySchemes']
    assert [s['scheme'] for s in schemes.values()] == ['bearer']
    me = document['paths']['/api/user/me']['get']
    assert me['security'] == [{name: []} for name in schemes]
    create = document['paths']['/api/packing-lists/{list_id}/items']['post']
    body = resolve(document, create['requestBody']['content']['application/json']['schema'])
    assert {'id', 'name', 'quantity', 'packed', 'category_id', 'notes', 'weight_grams'} <= set(body['properties'])
    assert body['properties']['quantity']['maximum'] == 9999 and body['properties']['name']['maxLength'] == 200
    link = document['paths']['/api/packing-lists/{list_id}/share-links']['post']
    link_body = resolve(document, link['requestBody']['content']['application/json']['schema'])
    assert link_body['properties']['role']['enum'] == ['editor', 'viewer']
    collaborator = resolve(document, {'$ref': '#/components/schemas/CollaboratorPublic'})
    assert collaborator['properties']['role']['enum'] == ['owner', 'editor', 'viewer']
