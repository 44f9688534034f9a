"""Admin permission policies: model permissions from the role, narrowed per row.

The groups in ``core/roles.py`` say *what* a role may do (view, add, change,
delete a model); ``visible_to(user)`` on the model's queryset says *which rows*. The
policy joins the two so that every Wagtail view, chooser and bulk action asks the same
question.
"""

from wagtail.permission_policies import ModelPermissionPolicy


class VisibleToPermissionPolicy(ModelPermissionPolicy):
    """A ``ModelPermissionPolicy`` limited to ``Model.objects.visible_to(user)``.

    The model's default manager must provide ``visible_to(user)``.
    """

    def visible(self, user):
        return self.model._default_manager.visible_to(user)

    def _is_visible(self, user, instance) -> bool:
        if instance is None or instance.pk is None:
            return True
        return self.visible(user).filter(pk=instance.pk).exists()

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and self._is_visible(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions) and self._is_visible(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return self.visible(user)
