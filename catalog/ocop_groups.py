"""The six OCOP product groups and their subgroups.

Decision 148/QĐ-TTg (24 February 2023) on the OCOP evaluation criteria, as amended by
Decision 1489/QĐ-TTg (2025). Codes follow the decision's numbering.
"""

from core.text import vi_slugify

CRITERIA_VERSION = "148/QĐ-TTg (2023), 1489/QĐ-TTg (2025)"

# (code, Vietnamese name, English name, [(code, Vietnamese name, English name), ...])
OCOP_GROUPS = [
    (
        "1",
        "Thực phẩm",
        "Food",
        [
            ("1.1", "Nông sản, thủy sản tươi sống", "Fresh farm and aquatic produce"),
            ("1.2", "Nông sản, thủy sản sơ chế", "Semi-processed farm and aquatic produce"),
            ("1.3", "Thực phẩm chế biến", "Processed food"),
            ("1.4", "Gia vị", "Condiments and spices"),
            ("1.5", "Chè và sản phẩm từ chè", "Tea and tea products"),
            ("1.6", "Cà phê, ca cao", "Coffee and cocoa"),
        ],
    ),
    (
        "2",
        "Đồ uống",
        "Beverages",
        [
            ("2.1", "Đồ uống có cồn", "Alcoholic beverages"),
            ("2.2", "Đồ uống không cồn", "Non-alcoholic beverages"),
        ],
    ),
    (
        "3",
        "Thảo dược",
        "Herbal products",
        [
            ("3.1", "Thực phẩm chức năng, thuốc từ dược liệu", "Health supplements and herbal medicines"),
            ("3.2", "Mỹ phẩm từ thảo dược", "Herbal cosmetics"),
            ("3.3", "Tinh dầu và thảo dược khác", "Essential oils and other herbal products"),
        ],
    ),
    (
        "4",
        "Thủ công mỹ nghệ",
        "Handicrafts",
        [
            ("4.1", "Thủ công mỹ nghệ, trang trí", "Decorative handicrafts"),
            ("4.2", "Đồ gia dụng", "Household goods"),
            ("4.3", "Vải, may mặc", "Textiles and garments"),
        ],
    ),
    (
        "5",
        "Sinh vật cảnh",
        "Ornamental plants and animals",
        [
            ("5.1", "Hoa, cây cảnh", "Flowers and ornamental plants"),
            ("5.2", "Động vật cảnh", "Ornamental animals"),
        ],
    ),
    (
        "6",
        "Dịch vụ du lịch cộng đồng và điểm du lịch",
        "Community tourism services and destinations",
        [
            ("6.1", "Dịch vụ du lịch cộng đồng, du lịch nông nghiệp", "Community and agricultural tourism services"),
            ("6.2", "Điểm du lịch", "Tourist destinations"),
        ],
    ),
]


def load_groups(Category) -> int:
    """Create or update the groups by code; returns how many rows were created."""

    def save(code, name, name_en, sort_order, parent):
        row, created = Category.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "criteria_version": CRITERIA_VERSION,
                "sort_order": sort_order,
                "parent": parent,
                "slug": vi_slugify(name),
            },
        )
        return row, created

    created = 0
    for order, (code, name, name_en, children) in enumerate(OCOP_GROUPS, start=1):
        parent, was_created = save(code, name, name_en, order * 10, None)
        created += was_created
        for sub_order, (sub_code, sub_name, sub_en) in enumerate(children, start=1):
            created += save(sub_code, sub_name, sub_en, order * 10 + sub_order, parent)[1]
    return created
