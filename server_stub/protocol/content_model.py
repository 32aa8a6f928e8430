"""What every content model shares: strict frozen shapes, and versioned ids under their key.

A scenario says `scenario: angry_complaint`, a form `form: call_quality`: the id travels
under the format's own key (its alias) and is `id` in code; unknown fields are errors.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VersionedContent(BaseModel):
    """Base of a published format (`id` under its own key, `version`)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )
