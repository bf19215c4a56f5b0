"""Domain errors: services raise them, the API maps them to a status in one place, the UI to a notification."""


class DomainError(Exception):
    status = 400
    code = 'bad_request'

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code


class Unauthorized(DomainError):
    status = 401
    code = 'unauthorized'


class Forbidden(DomainError):
    status = 403
    code = 'forbidden'


class NotFound(DomainError):
    status = 404
    code = 'not_found'


class Conflict(DomainError):
    status = 409
    code = 'conflict'


class Gone(DomainError):
    status = 410
    code = 'gone'


class Invalid(DomainError):
    status = 422
    code = 'invalid'


class TooMany(DomainError):
    status = 429
    code = 'rate_limited'

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = max(1, int(retry_after))


class Unavailable(DomainError):
    """The database cannot write now (a full disk): nothing was changed, try again later."""
    status = 503
    code = 'unavailable'

    def __init__(self, detail: str = 'The server cannot save changes right now; nothing was changed. Try again soon.',
                 *, retry_after: int = 30) -> None:
        super().__init__(detail)
        self.retry_after = max(1, int(retry_after))


# how a rejected op's code maps to an HTTP status when it came through a single-entity REST call
STATUS_OF_CODE = {'deleted': 404, 'not_found': 404, 'list_full': 409, 'id_in_use': 409, 'invalid': 422,
                  'forbidden': 403}


class Rejected(DomainError):
    """This op is refused (API.md's `rejected`, with its `code`).

    In a batch it becomes that op's answer and the rest goes on; alone, as a single-entity REST call, it reaches
    the API's edge, where its code decides the status.
    """

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail, code=code)
        self.status = STATUS_OF_CODE.get(code, 422)
