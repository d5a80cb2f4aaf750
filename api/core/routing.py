"""Mount the domains' routes on the application's own router, flat; and two things FastAPI redoes for
every request that only need doing once.

FastAPI (0.165) keeps an included router as a nested branch and matches every request through each
branch twice (once to find it, once to dispatch into it); with our nesting that was about a fifth of the
CPU of a simple GET. Copying each route onto the app's router with its prefix matches once, in order, and
produces the same OpenAPI document. ``FlatRoute`` skips the regular expressions of routes a path cannot
match; ``cache_parameter_introspection`` keeps what FastAPI works out about each declared parameter.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

import fastapi.dependencies.utils as _fastapi_utils
from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette._utils import get_route_path
from starlette.convertors import PathConvertor
from starlette.datastructures import ImmutableMultiDict
from starlette.routing import Match
from starlette.types import Scope

from api.core.memo import per_identity


class FlatRoute(APIRoute):
    """An ``APIRoute`` that turns away paths it cannot match before running its regular expression and
    FastAPI's matching: a request is matched against every route before its own, in order (when the
    customer routes were mounted after auth and users, ~40 regex matches per request; ``api.main`` now
    mounts the busiest first). A path matches only
    if it has as many ``/`` as the route and starts with the route's text before its first parameter."""

    def __init__(self, path: str, endpoint: Any, **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        self._literal = self.path_format.split("{", 1)[0]
        spans_segments = any(isinstance(c, PathConvertor) for c in self.param_convertors.values())
        self._slashes = None if spans_segments else self.path_format.count("/")

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http":
            # Worked out by the first route a request is tried on, read by the others: FlatRoutes live only
            # on the app's own router (``mount_flat``), so they all see the request's top-level path.
            try:
                path, slashes = scope[_ROUTE_PATH]
            except KeyError:
                path = get_route_path(scope)
                slashes = path.count("/")
                scope[_ROUTE_PATH] = path, slashes
            # The number of segments first: an int comparison turns away most routes, and ``startswith``
            # parses its arguments the slow way (~250 instructions a call, ~40 calls a request).
            if (self._slashes is not None and slashes != self._slashes) or not path.startswith(self._literal):
                return _NO_MATCH
        return super().matches(scope)


_ROUTE_PATH = "peyvand.route_path"
_NO_MATCH: tuple[Match, Scope] = (Match.NONE, {})


def mount_flat(target: APIRouter, routers: Iterable[APIRouter], prefix: str = "") -> None:
    """Add every route of ``routers`` to ``target`` under ``prefix``, in order (first match wins)."""
    for router in routers:
        for route in router.routes:
            if not isinstance(route, APIRoute):
                # A nested include would be silently skipped: domains export a list of routers instead.
                raise TypeError(f"{route!r} in {router!r}: mount routers flat, not nested")
            target.add_api_route(
                prefix + route.path,  # route.path already carries its own router's prefix
                route.endpoint,
                response_model=route.response_model,
                status_code=route.status_code,
                tags=route.tags,
                dependencies=route.dependencies,
                summary=route.summary,
                description=route.description,
                response_description=route.response_description,
                responses=route.responses,
                deprecated=route.deprecated,
                methods=route.methods,
                operation_id=route.operation_id,
                response_model_include=route.response_model_include,
                response_model_exclude=route.response_model_exclude,
                response_model_by_alias=route.response_model_by_alias,
                response_model_exclude_unset=route.response_model_exclude_unset,
                response_model_exclude_defaults=route.response_model_exclude_defaults,
                response_model_exclude_none=route.response_model_exclude_none,
                include_in_schema=route.include_in_schema,
                response_class=route.response_class,
                name=route.name,
                callbacks=route.callbacks,
                openapi_extra=route.openapi_extra,
                generate_unique_id_function=route.generate_unique_id_function,
                route_class_override=FlatRoute,
            )


def cache_parameter_introspection() -> None:
    """Make FastAPI's per-request reading of query, header and path parameters remember what it works out
    about each parameter instead of working it out again on every request.

    FastAPI 0.165 inspects each declared parameter's annotation (is it a sequence, a model, JSON; which
    aliases) for every request: with the customer list's eighteen query parameters that was ~14 % of the
    list's CPU. The answers depend only on the parameter's declaration, which never changes after the
    route is built, so they are kept on the parameter's ``ModelField`` (and per annotation object for the
    sequence check). An optional parameter the request leaves out whose default is ``None`` is answered
    ``None`` at once (``_skip_absent``). Idempotent; tested to give FastAPI's own answers for
    every parameter of the app.

    The same holds for the key under which FastAPI remembers a solved dependency within a request
    (``_get_cache_key``: the callable, its OAuth scopes and its scope, found by unwrapping the callable and
    walking its sub-dependencies for every dependency of every request, ~3 % of a simple GET's CPU): it
    depends only on the dependency's declaration, so it is worked out once per declared dependency; and
    for whether a dependency's callable is a generator or a coroutine function."""
    if getattr(_fastapi_utils, "_peyvand_cached", False):
        return
    for name in ("_get_param_model", "_get_param_aliases", "_is_json_field"):
        setattr(_fastapi_utils, name, _per_field(getattr(_fastapi_utils, name), f"_peyvand{name}"))
    setattr(_fastapi_utils, "field_annotation_is_sequence",  # noqa: B010 - mypy: a module function replaced
            per_identity(getattr(_fastapi_utils, "field_annotation_is_sequence")))  # noqa: B009
    for name in ("_is_gen_callable", "_is_async_gen_callable", "_is_coroutine_callable"):
        setattr(_fastapi_utils, name, per_identity(getattr(_fastapi_utils, name)))
    setattr(_fastapi_utils, "request_params_to_args",  # noqa: B010
            _skip_absent(getattr(_fastapi_utils, "request_params_to_args")))  # noqa: B009
    setattr(_fastapi_utils, "_get_cache_key",  # noqa: B010
            _per_dependant(getattr(_fastapi_utils, "_get_cache_key")))  # noqa: B009
    setattr(_fastapi_utils, "_peyvand_cached", True)  # noqa: B010


def _per_field(func: Callable[..., Any], attr: str) -> Callable[..., Any]:
    @functools.wraps(func)
    def cached(field: Any, **kwargs: Any) -> Any:
        key = attr + "".join(f":{k}={v}" for k, v in sorted(kwargs.items())) if kwargs else attr
        try:
            return field.__dict__[key]
        except KeyError:
            value = field.__dict__[key] = func(field, **kwargs)
            return value

    return cached


def _per_dependant(func: Callable[..., Any]) -> Callable[..., Any]:
    # ``per_identity`` keyed by the Dependant (a slotted dataclass: nothing can be stored on it);
    # ``uses_scopes_cache`` only spares FastAPI rework within one call, so the first call needs none.
    by_dependant = per_identity(lambda dependant: func(dependant=dependant))

    @functools.wraps(func)
    def cached(*, dependant: Any, uses_scopes_cache: Any = None) -> Any:
        return by_dependant(dependant)

    return cached


_ToArgs = Callable[..., tuple[dict[str, Any], list[Any]]]


def _skip_absent(func: _ToArgs) -> _ToArgs:
    """``request_params_to_args`` that answers ``None`` for each optional parameter with a ``None`` default
    that the request left out (no alias of it present), as FastAPI would after looking it up, checking its
    kind and deep-copying its default; the other parameters go through FastAPI as before."""

    @functools.wraps(func)
    def to_args(fields: Any, received_params: Any) -> tuple[dict[str, Any], list[Any]]:
        if not fields:  # most dependencies declare no path, header or cookie parameters
            return {}, []
        # Query parameters are looked up in their dict's key view: the multidict's own ``in`` is a Python
        # method. Headers keep theirs (it ignores case).
        present = received_params.keys() if isinstance(received_params, ImmutableMultiDict) else received_params
        skipped: dict[str, Any] = {}
        rest = []
        for field in fields:
            try:
                aliases = field.__dict__["_peyvand_skippable"]
            except KeyError:
                aliases = field.__dict__["_peyvand_skippable"] = _skippable_aliases(field)
            if aliases is None:
                rest.append(field)
                continue
            for alias in aliases:
                if alias in present:
                    rest.append(field)
                    break
            else:
                skipped[field.name] = None
        if not rest:
            return skipped, []
        values, errors = func(rest, received_params)
        return {**skipped, **values}, errors

    return to_args


def _skippable_aliases(field: Any) -> tuple[str, ...] | None:
    info = field.field_info
    if _fastapi_utils._get_param_model(field) is not None or info.default is not None \
            or info.default_factory is not None or info.validate_default or info.is_required():
        return None
    return tuple(alias for _, alias in _fastapi_utils._get_param_aliases(field))
