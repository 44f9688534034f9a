"""Factories of the orders app.

``OrderFactory`` builds an order with its stall parts and lines directly in the database (no
stock reserved: use ``orders.services.place_order`` or the ``placed_order`` fixture for that).

    OrderFactory()                                   # one stall, one line (a new product, 2 × 150.000 ₫)
    OrderFactory(items=[(product_a, 2), (product_b, 1)])   # grouped by the products' stalls
    OrderFactory(payment_method="cod", paid=True)    # paid: payment_status PAID, groups PAID
"""

import datetime
import uuid
from collections import defaultdict

import factory
from django.conf import settings
from django.utils import timezone

from orders.models import FulfilmentGroup, Order, OrderLine, Payment, Refund

from .catalog import ProductFactory
from .producers import CommuneFactory


def collected_by_for(method: str) -> str:
    if method == Order.PaymentMethod.COD:
        return FulfilmentGroup.CollectedBy.COD
    return FulfilmentGroup.CollectedBy.PLATFORM


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order
        skip_postgeneration_save = True

    class Params:
        paid = False

    number = factory.Sequence(lambda n: f"OCOP-{timezone.now().year}-{900000 + n:06d}")
    payment_reference = factory.LazyAttribute(lambda o: o.number.replace("-", ""))
    buyer_name = "Trần Thị Bình"
    buyer_phone = "+84912345678"
    buyer_email = "binh@example.com"
    commune = factory.SubFactory(CommuneFactory)
    province = factory.SelfAttribute("commune.province")
    street_address = "12 Đường Lê Lợi"
    payment_method = Order.PaymentMethod.VIETQR
    payment_status = factory.LazyAttribute(
        lambda o: Order.PaymentStatus.PAID if o.paid else Order.PaymentStatus.AWAITING
    )
    paid_at = factory.LazyAttribute(lambda o: timezone.now() if o.paid else None)
    reserved_until = factory.LazyAttribute(
        lambda o: (
            None
            if o.payment_method == Order.PaymentMethod.COD
            else timezone.now() + datetime.timedelta(minutes=settings.ORDER_PAYMENT_TIMEOUT_MINUTES)
        )
    )

    @factory.post_generation
    def items(self, create, extracted, **kwargs):
        """``items=[(product, quantity), ...]``; default: one new product × 2."""
        if not create:
            return
        items = extracted if extracted is not None else [(ProductFactory(), 2)]
        by_stall = defaultdict(list)
        for product, quantity in items:
            by_stall[product.producer.stall].append((product, quantity))
        paid = self.payment_status == Order.PaymentStatus.PAID
        status = FulfilmentGroup.Status.PAID if paid else FulfilmentGroup.Status.PENDING_PAYMENT
        subtotal = shipping = 0
        for stall, lines in by_stall.items():
            group_subtotal = sum(p.price * q for p, q in lines)
            fee = 0 if stall.free_shipping_over and group_subtotal >= stall.free_shipping_over else stall.shipping_fee
            group = FulfilmentGroup.objects.create(
                order=self,
                stall=stall,
                status=status,
                subtotal=group_subtotal,
                shipping_fee=fee,
                total=group_subtotal + fee,
                collected_by=collected_by_for(self.payment_method),
            )
            for product, quantity in lines:
                OrderLine.objects.create(
                    group=group,
                    product=product,
                    product_name=product.name,
                    unit=product.unit,
                    unit_price=product.price,
                    quantity=quantity,
                    line_total=product.price * quantity,
                )
            subtotal += group_subtotal
            shipping += fee
        self.subtotal, self.shipping_total, self.total = subtotal, shipping, subtotal + shipping
        self.save(update_fields=["subtotal", "shipping_total", "total"])


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    order = factory.SubFactory(OrderFactory)
    method = factory.SelfAttribute("order.payment_method")
    amount = factory.SelfAttribute("order.total")
    status = Payment.Status.PENDING
    idempotency_key = factory.LazyFunction(lambda: uuid.uuid4().hex)


class RefundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Refund

    payment = factory.SubFactory(PaymentFactory, status=Payment.Status.SUCCEEDED)
    amount = 10000
    reason = "Hàng bị dập"
    status = Refund.Status.PENDING
