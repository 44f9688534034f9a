"""Demo data of the orders app, added by `seed_demo` (idempotent: running it twice adds nothing)."""


def seed_orders(*, today, users) -> dict[str, int]:
    """``users`` maps the demo usernames (admin, editor, officer, farmer) to users; returns counts."""
    return {}
