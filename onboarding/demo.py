"""Demo data of the onboarding app, added by `seed_demo` (idempotent: running it twice adds nothing)."""


def seed_onboarding(*, today, users) -> dict[str, int]:
    """``users`` maps the demo usernames (admin, editor, officer, farmer) to users; returns counts."""
    return {}
