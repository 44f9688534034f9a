"""Admin-wide hooks: the admin images and documents API answer only for those in the user's scope."""

from wagtail import hooks

from .admin_scope import ScopedDocumentsAdminAPIViewSet, ScopedImagesAdminAPIViewSet


@hooks.register("construct_admin_api", order=100)  # after wagtail.images and wagtail.documents register theirs
def scoped_images_api(router):
    router.register_endpoint("images", ScopedImagesAdminAPIViewSet)
    router.register_endpoint("documents", ScopedDocumentsAdminAPIViewSet)
