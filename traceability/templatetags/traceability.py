from django import template

from ..queries import shippable_batches

register = template.Library()


@register.simple_tag
def line_batch_choices(lines):
    """``{% line_batch_choices lines as choices %}``: line id → published batches of its product."""
    return shippable_batches(list(lines))


@register.filter
def get_item(mapping, key):
    return mapping.get(key, [])
