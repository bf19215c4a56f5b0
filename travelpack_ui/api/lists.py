"""REST: packing lists, the entities inside them, batched ops and the activity feed.

Every change here becomes an op and goes through `OpService.apply`, like a click in a tab. Bodies are typed (their
schema shows in /docs) and handed to the op as the fields the client named; answers are the `*Public` models,
which `response_model_exclude_unset` keeps to exactly the keys the services wrote.
"""
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from models import (
    Action,
    ActivityPublic,
    ItemChangePublic,
    ListCreate,
    ListSummaryPublic,
    NamedChangePublic,
    Op,
    OpsPublic,
    OpsRequest,
    PackingListChangePublic,
    PackingListPublic,
    User,
)
from models.entities import TravelerChangePublic
from models.requests import CREATE_BODIES, UPDATE_BODIES, Created, ListUpdateBody, Versioned
from travelpack_ui.api.deps import bearer_user
from travelpack_ui.api.errors import BODY, CHANGE, IN_LIST, SIGNED_IN, errors
from travelpack_ui.core.errors import NotFound, Rejected
from travelpack_ui.services import Services

KINDS = {'items': 'item', 'categories': 'category', 'bags': 'bag', 'travelers': 'traveler'}
CHANGE_ANSWERS: dict[str, type[ItemChangePublic | NamedChangePublic | TravelerChangePublic]] = {
    'item': ItemChangePublic, 'category': NamedChangePublic, 'bag': NamedChangePublic,
    'traveler': TravelerChangePublic,
}
ID_MAX = 36
EXACT: dict[str, Any] = {'response_model_exclude_unset': True}  # a key the service left out stays out


def lists_router(services: Services) -> APIRouter:
    router = APIRouter(prefix='/api/packing-lists', tags=['packing lists'])
    lists, ops = services.lists, services.ops
    CurrentUser = Annotated[User, Depends(bearer_user(services.auth))]

    async def one_op(list_id: str, user: User, op_type: str, *, entity_id: str | None = None,
                     fields: dict[str, Any] | None = None, base_version: int | None = None) -> dict[str, Any]:
        if entity_id is not None and len(entity_id) > ID_MAX:  # no id is that long: the op model would refuse it
            lists.require(list_id, user.id, Action.edit_items)  # strangers 404, viewers 403, as for any id
            raise NotFound(f'No such {op_type.split(".")[0]}.', code='not_found')
        op = Op(op_id=f'rest-{uuid.uuid4()}', type=op_type, id=entity_id, fields=fields,
                base_version=base_version)
        result = (await ops.apply(list_id, [op], user=user)).results[0]
        if result.status == 'rejected':
            raise Rejected(result.code or 'invalid', result.detail or 'The change was refused.')
        entity = dict(result.entity or {})
        entity['conflicts'] = result.conflicts or []
        return entity

    @router.get('', response_model=list[ListSummaryPublic], responses=errors(SIGNED_IN), **EXACT)
    def all_lists(user: CurrentUser) -> list[dict[str, Any]]:
        """Lists the caller owns or collaborates on, with progress."""
        return lists.summaries(user.id)

    @router.post('', status_code=201, response_model=PackingListPublic, responses=errors(SIGNED_IN, BODY, 503),
                 **EXACT)
    async def create_list(body: ListCreate, user: CurrentUser) -> dict[str, Any]:
        return await lists.create(body, user=user)

    @router.get('/bin', response_model=list[ListSummaryPublic], responses=errors(SIGNED_IN), **EXACT)
    def binned_lists(user: CurrentUser) -> list[dict[str, Any]]:
        """Deleted lists the caller owns, restorable for 30 days."""
        return lists.summaries(user.id, binned=True)

    @router.get('/{list_id}', response_model=PackingListPublic, responses=errors(IN_LIST), **EXACT)
    def get_list(list_id: str, user: CurrentUser) -> dict[str, Any]:
        role = lists.require(list_id, user.id, Action.read)
        return lists.snapshot(list_id, role)

    @router.patch('/{list_id}', response_model=PackingListChangePublic, responses=errors(CHANGE, BODY), **EXACT)
    async def update_list(list_id: str, user: CurrentUser, body: ListUpdateBody) -> dict[str, Any]:
        role = lists.require(list_id, user.id, Action.edit_list)
        entity = await one_op(list_id, user, 'list.update', fields=body.fields(), base_version=body.base_version)
        return {**lists.snapshot(list_id, role), 'conflicts': entity['conflicts']}

    @router.delete('/{list_id}', status_code=204, responses=errors(CHANGE))
    async def delete_list(list_id: str, user: CurrentUser) -> Response:
        await lists.delete(list_id, user=user)
        return Response(status_code=204)

    @router.post('/{list_id}/restore', response_model=PackingListPublic, responses=errors(IN_LIST, 503), **EXACT)
    async def restore_list(list_id: str, user: CurrentUser) -> dict[str, Any]:
        return await lists.restore(list_id, user=user)

    @router.post('/{list_id}/duplicate', status_code=201, response_model=PackingListPublic,
                 responses=errors(IN_LIST, 503), **EXACT)
    async def duplicate_list(list_id: str, user: CurrentUser) -> dict[str, Any]:
        return await lists.duplicate(list_id, user=user)

    @router.post('/{list_id}/ops', response_model=OpsPublic, responses=errors(CHANGE, BODY), **EXACT)
    async def apply_ops(list_id: str, body: OpsRequest, user: CurrentUser) -> dict[str, Any]:
        """Apply a batch of ops in order (offline replay, scripts). Each op_id takes effect once."""
        outcome = await ops.apply(list_id, body.ops, user=user)
        return {'results': [r.wire() for r in outcome.results], 'version': outcome.version}

    @router.get('/{list_id}/activity', response_model=list[ActivityPublic], responses=errors(IN_LIST, 422),
                **EXACT)
    def activity(list_id: str, user: CurrentUser, limit: Annotated[int, Query(ge=1, le=200)] = 50,
                 before: Annotated[str | None, Query(pattern=r'^\d{1,18}$')] = None) -> list[dict[str, Any]]:
        """Newest first; pass the last entry's id as `before` for the next page."""
        lists.require(list_id, user.id, Action.read)
        return lists.activity(list_id, limit=limit, before=before)

    for plural, kind in KINDS.items():
        _entity_routes(router, plural, kind, one_op, CurrentUser)
    return router


def _entity_routes(router: APIRouter, plural: str, kind: str, one_op: Any, current_user: Any) -> None:
    create_body, update_body, answer = CREATE_BODIES[kind], UPDATE_BODIES[kind], CHANGE_ANSWERS[kind]

    async def create(list_id: str, user: current_user, body: create_body) -> dict[str, Any]:  # type: ignore[valid-type]
        created: Created = body
        return await one_op(list_id, user, f'{kind}.create', entity_id=created.id, fields=created.fields())

    async def update(list_id: str, entity_id: str, user: current_user,
                     body: update_body) -> dict[str, Any]:  # type: ignore[valid-type]
        changed: Versioned = body
        return await one_op(list_id, user, f'{kind}.update', entity_id=entity_id, fields=changed.fields(),
                            base_version=changed.base_version)

    async def delete(list_id: str, entity_id: str, user: current_user) -> Response:
        await one_op(list_id, user, f'{kind}.delete', entity_id=entity_id)
        return Response(status_code=204)

    async def restore(list_id: str, entity_id: str, user: current_user) -> dict[str, Any]:
        return await one_op(list_id, user, f'{kind}.restore', entity_id=entity_id)

    router.add_api_route(f'/{{list_id}}/{plural}', create, methods=['POST'], status_code=201, name=f'create {kind}',
                         response_model=answer, responses=errors(CHANGE, BODY, 409), **EXACT)
    router.add_api_route(f'/{{list_id}}/{plural}/{{entity_id}}', update, methods=['PATCH'], name=f'update {kind}',
                         response_model=answer, responses=errors(CHANGE, BODY), **EXACT)
    router.add_api_route(f'/{{list_id}}/{plural}/{{entity_id}}', delete, methods=['DELETE'], status_code=204,
                         name=f'delete {kind}', responses=errors(CHANGE))
    router.add_api_route(f'/{{list_id}}/{plural}/{{entity_id}}/restore', restore, methods=['POST'],
                         name=f'restore {kind}', response_model=answer, responses=errors(CHANGE), **EXACT)
