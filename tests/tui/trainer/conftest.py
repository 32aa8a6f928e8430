"""Fixtures of the trainee's desk tests: 1001 at the desk, and the trainer on a client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from live_helpers import frozen_app, log_in_as
from trainee_desk import Trainee, Trainer

from server_stub.server.testing import LiveServer


@pytest.fixture
async def trainee(
    centre: LiveServer, tmp_path: Path, config_dir: Path, no_keyring: None
) -> AsyncIterator[Trainee]:
    """1001 logged in at the desk (120×40), and the trainer t100 on its own client."""
    app = frozen_app(centre, tmp_path, config_dir, "1001")
    trainer = await Trainer.logged_in(centre)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_as(pilot, "desk")
            yield Trainee(pilot, trainer)
    finally:
        await trainer.close()
