import datetime

import factory
from django.utils import timezone
from wagtail.images.tests.utils import get_test_image_file

from catalog.models import Category, OcopCertificate, Product, ProductImage

from .producers import StallFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Nhóm thử {n}")
    code = factory.Sequence(lambda n: f"t{n}")


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "wagtailimages.Image"

    title = factory.Sequence(lambda n: f"Ảnh {n}")
    file = factory.LazyFunction(lambda: get_test_image_file(size=(64, 64)))


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    producer = factory.LazyFunction(lambda: StallFactory().producer)
    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Sản phẩm thử {n}")
    short_description = "Đặc sản làm thủ công."
    unit = "hộp"
    price = 150000
    stock = 10
    weight_grams = 500
    status = Product.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class ProductImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    image = factory.SubFactory(ImageFactory)


class OcopCertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OcopCertificate

    product = factory.SubFactory(ProductFactory)
    stars = 4
    decision_number = factory.Sequence(lambda n: f"{n}/QĐ-UBND")
    decision_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=100))
    level = OcopCertificate.Level.PROVINCE
    issuing_body = "UBND tỉnh"
    status = OcopCertificate.Status.ACTIVE
