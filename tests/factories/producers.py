import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core import roles
from producers.models import Commune, OfficerProfile, Producer, Province, Stall


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "demo12345")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get(name=name))
        if create:
            self.save()


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{90 + n % 10}")
    name = factory.LazyAttribute(lambda o: f"Tỉnh {o.short_name}")
    short_name = factory.Sequence(lambda n: f"Tỉnh thử {n}")
    slug = factory.Sequence(lambda n: f"tinh-thu-{n}")


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{90000 + n}")
    province = factory.SubFactory(ProvinceFactory)
    short_name = factory.Sequence(lambda n: f"Xã Thử {n}")
    name = factory.LazyAttribute(lambda o: f"Xã {o.short_name}")
    kind = "Xã"


class ProducerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Producer

    kind = Producer.Kind.HOUSEHOLD
    legal_name = factory.Sequence(lambda n: f"Hộ kinh doanh Nguyễn Văn {n}")
    representative = "Nguyễn Văn An"
    personal_id = factory.Sequence(lambda n: f"{n:012d}")
    verification = Producer.Verification.VERIFIED


class StallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stall

    producer = factory.SubFactory(ProducerFactory)
    name = factory.Sequence(lambda n: f"Gian hàng Đặc sản {n}")
    story = "<p>Làm bánh theo công thức gia truyền.</p>"
    phone = "0912345678"
    province = factory.SubFactory(ProvinceFactory)
    commune = factory.SubFactory(CommuneFactory, province=factory.SelfAttribute("..province"))
    is_published = True


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficerProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, groups=[roles.OFFICER])
    team_name = "Tổ Công nghệ số cộng đồng"

    @factory.post_generation
    def communes(self, create, extracted, **kwargs):
        if create and extracted:
            self.communes.set(extracted)
