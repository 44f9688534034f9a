import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core import roles
from orders.models import FulfilmentGroup
from orders.services import set_group_status
from tests.factories.catalog import ProductFactory
from tests.factories.orders import OrderFactory
from tests.factories.producers import StallFactory


def deliver(group):
    """The stall's moves, as on its order screen: preparing, shipped, delivered."""
    set_group_status(group, to=FulfilmentGroup.Status.PREPARING)
    set_group_status(group, to=FulfilmentGroup.Status.SHIPPED, tracking_number="VN123456789")
    set_group_status(group, to=FulfilmentGroup.Status.DELIVERED)
    group.refresh_from_db()
    return group


def photo(name="anh.jpg", size=(64, 48), fmt="JPEG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def stall(commune):
    """A published stall in ``commune`` (the one the ``officer`` fixture serves)."""
    return StallFactory(province=commune.province, commune=commune, name="Gian hàng Bánh pía Cô Hai")


@pytest.fixture
def product(stall):
    return ProductFactory(producer=stall.producer, name="Bánh pía sầu riêng", price=150000, stock=20)


@pytest.fixture
def paid_order(product):
    return OrderFactory(items=[(product, 2)], paid=True, buyer_name="Trần Thị Bình")


@pytest.fixture
def delivered_line(paid_order):
    group = deliver(paid_order.groups.get())
    return group.lines.get()


@pytest.fixture
def household(stall):
    """The stall's own household account."""
    from tests.factories.producers import UserFactory

    user = UserFactory(groups=[roles.FARMER])
    stall.producer.owner = user
    stall.producer.save()
    return user
