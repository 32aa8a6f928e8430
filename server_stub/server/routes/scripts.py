"""Flow scripts (SC1), parsed: by queue, or one by id."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from server_stub.server.deps import AnyUser, RuntimeDep
from server_stub.server.errors import not_found

router = APIRouter(tags=["scripts"])


@router.get("/scripts", response_model=list[dict[str, Any]])
async def scripts_for_queue(
    user: AnyUser,
    runtime: RuntimeDep,
    queue: Annotated[str | None, Query(max_length=64, description="queue id")] = None,
) -> list[dict[str, Any]]:
    """Scripts of one queue (in the queue's order), or all of them. Rebuild each with
    `FlowScript.model_validate`."""
    if queue is None:
        ids = sorted(runtime.scripts)
    else:
        config = next((q for q in runtime.config.queues if q.id == queue), None)
        if config is None:
            raise not_found("queue", queue)
        ids = [s for s in config.scripts if s in runtime.scripts]
    return [runtime.scripts[s].model_dump(mode="json", by_alias=True) for s in ids]


@router.get("/scripts/{script_id}", response_model=dict[str, Any])
async def script_by_id(script_id: str, user: AnyUser, runtime: RuntimeDep) -> dict[str, Any]:
    script = runtime.scripts.get(script_id)
    if script is None:
        raise not_found("script", script_id)
    return script.model_dump(mode="json", by_alias=True)
