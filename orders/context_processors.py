"""``cart_count`` for the header's cart link: read from the session, no database query.

Add ``"orders.context_processors.cart"`` to TEMPLATES' context_processors to use it.
"""

from .cart import Cart


def cart(request):
    session = getattr(request, "session", None)
    return {"cart_count": len(Cart(session)) if session is not None else 0}
