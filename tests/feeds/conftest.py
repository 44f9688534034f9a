import pytest

from feeds.models import ProducerOptIn
from feeds.services import partner_create
from tests.factories.catalog import CategoryFactory, ImageFactory, ProductFactory, ProductImageFactory
from tests.factories.producers import StallFactory


@pytest.fixture
def image(db):
    """One image shared by every product: the suite stays fast."""
    return ImageFactory()


@pytest.fixture
def make_product(image):
    def make(*, stall=None, with_image=True, **fields):
        stall = stall or StallFactory()
        product = ProductFactory(producer=stall.producer, **fields)
        if with_image:
            ProductImageFactory(product=product, image=image)
        return product

    return make


@pytest.fixture
def partner_with_token(db):
    def make(*, formats=("google", "csv", "json"), producers=(), **fields):
        partner, token = partner_create(name="Postmart", slug=fields.pop("slug", "postmart"), formats=formats, **fields)
        for producer in producers:
            ProducerOptIn.objects.create(partner=partner, producer=producer)
        return partner, token

    return make


@pytest.fixture
def stall(db):
    return StallFactory(name="Gian hàng Bánh pía & Mứt <Sóc Trăng>")


@pytest.fixture
def category(db):
    parent = CategoryFactory(name="Thực phẩm")
    return CategoryFactory(name="Bánh kẹo", parent=parent)


@pytest.fixture
def allow_loopback_push(settings):
    """Pushes may reach a test server on 127.0.0.1 (never set outside tests: see core/outbound.py)."""
    settings.OUTBOUND_ALLOW_LOOPBACK = True
