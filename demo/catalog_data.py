"""The Vietnamese demo catalogue that ``manage.py seed_demo`` loads.

Thirty stalls of OCOP producers in eleven of the 2025 provinces (several in provinces that
were merged on 1 July 2025, with their pre-2025 three-tier address kept as
``legacy_address``), about a hundred base products, and the pack sizes and flavours
that turn them into exactly 600 distinct listings. Producers, brands and people are
invented; the specialties, places and administrative units are real.

``build_plan()`` turns the tables into plain rows with a fixed random seed; the command
writes them. Nothing here touches the database.
"""

import datetime
import random
from dataclasses import dataclass, field

from core import roles

SEED = 2026
PRODUCTS_PER_STALL = 20
OUT_OF_STOCK_SHARE = 0.08
CERTIFIED_SHARE = 0.8
EXPIRED_SHARE = 0.1

# Pack sizes: (label, unit of sale, weight in grams or None, price factor).
SIZES: dict[str, list[tuple[str, str, int | None, float]]] = {
    "cake": [
        ("hộp 400g", "hộp", 400, 1.0),
        ("hộp 800g", "hộp", 800, 1.9),
        ("combo 3 hộp 400g", "combo", 1200, 2.8),
    ],
    "roll": [
        ("đòn 500g", "đòn", 500, 1.0),
        ("đòn 1kg", "đòn", 1000, 1.9),
        ("cặp 2 đòn 1kg", "cặp", 2000, 3.7),
    ],
    "sausage": [
        ("gói 500g", "gói", 500, 1.0),
        ("gói 1kg", "gói", 1000, 1.95),
        ("hộp quà 2 gói 500g", "hộp", 1000, 2.1),
    ],
    "pack": [
        ("túi 250g", "túi", 250, 0.55),
        ("túi 500g", "túi", 500, 1.0),
        ("túi 1kg", "túi", 1000, 1.9),
        ("hộp quà 500g", "hộp", 500, 1.25),
    ],
    "small_pack": [
        ("gói 100g", "gói", 100, 0.5),
        ("hũ 200g", "hũ", 200, 1.0),
        ("hũ 500g", "hũ", 500, 2.3),
    ],
    "jar": [
        ("hũ 250g", "hũ", 250, 0.55),
        ("hũ 500g", "hũ", 500, 1.0),
        ("combo 2 hũ 500g", "combo", 1000, 1.9),
    ],
    "sauce": [
        ("chai 250ml", "chai", 300, 0.55),
        ("chai 500ml", "chai", 600, 1.0),
        ("chai 1 lít", "chai", 1150, 1.85),
        ("combo 3 chai 500ml", "combo", 1800, 2.8),
    ],
    "drink": [
        ("chai 330ml", "chai", 380, 1.0),
        ("thùng 12 chai 330ml", "thùng", 4600, 11.0),
        ("thùng 24 chai 330ml", "thùng", 9200, 21.0),
    ],
    "liquor": [
        ("chai 300ml", "chai", 500, 0.6),
        ("chai 500ml", "chai", 800, 1.0),
        ("bình gốm 1 lít", "bình", 1800, 2.4),
    ],
    "honey": [
        ("chai 250ml", "chai", 350, 0.55),
        ("chai 500ml", "chai", 700, 1.0),
        ("chai 1 lít", "chai", 1400, 1.9),
    ],
    "fruit": [
        ("1kg", "kg", 1000, 1.0),
        ("thùng 3kg", "thùng", 3000, 2.8),
        ("thùng 5kg", "thùng", 5000, 4.5),
    ],
    "rice": [
        ("túi 2kg", "túi", 2000, 1.0),
        ("túi 5kg", "túi", 5000, 2.4),
        ("bao 10kg", "bao", 10000, 4.6),
    ],
    "tea": [
        ("gói 100g", "gói", 100, 0.55),
        ("hộp 200g", "hộp", 200, 1.0),
        ("hộp quà 500g", "hộp", 500, 2.4),
    ],
    "coffee": [
        ("túi 250g", "túi", 250, 0.55),
        ("túi 500g", "túi", 500, 1.0),
        ("túi 1kg", "túi", 1000, 1.9),
    ],
    "herbal": [
        ("hũ 100g", "hũ", 100, 1.0),
        ("hũ 200g", "hũ", 200, 1.9),
        ("hộp quà 3 hũ 100g", "hộp", 300, 2.7),
    ],
    "oil": [
        ("chai 10ml", "chai", 40, 0.35),
        ("chai 50ml", "chai", 100, 1.0),
        ("chai 100ml", "chai", 180, 1.7),
    ],
    "soap": [
        ("bánh 100g", "bánh", 100, 1.0),
        ("hộp 3 bánh 100g", "hộp", 300, 2.7),
        ("hộp 6 bánh 100g", "hộp", 600, 5.0),
    ],
    "craft": [
        ("cỡ nhỏ", "cái", 300, 0.6),
        ("cỡ vừa", "cái", 600, 1.0),
        ("cỡ lớn", "cái", 1200, 1.7),
        ("bộ 3 cái", "bộ", 2000, 2.5),
    ],
    "textile": [
        ("khổ 50x150cm", "tấm", 250, 1.0),
        ("khổ 80x200cm", "tấm", 450, 1.7),
    ],
    "plant": [
        ("chậu nhỏ", "chậu", 1500, 0.6),
        ("chậu vừa", "chậu", 3000, 1.0),
        ("chậu lớn", "chậu", 6000, 1.8),
    ],
    "orchid": [
        ("chậu 1 cành", "chậu", 1500, 1.0),
        ("chậu 2 cành", "chậu", 2500, 1.9),
        ("chậu 3 cành", "chậu", 3500, 2.7),
    ],
    "tour": [
        ("vé người lớn", "vé", None, 1.0),
        ("vé trẻ em", "vé", None, 0.6),
        ("vé gia đình 4 người", "vé", None, 3.3),
    ],
}


@dataclass(frozen=True)
class Base:
    """A product line; its variants (flavour x pack size) become the listings."""

    key: str
    name: str
    category: str  # OCOP subgroup code, catalog/ocop_groups.py
    price: int  # VND for the pack size with factor 1.0
    sizes: str
    flavours: tuple[str, ...]
    short: str
    desc: str
    cert: str = ""  # "vietgap", "organic", "food_safety" or ""


def _b(key, name, category, price, sizes, flavours, short, desc, cert=""):
    return Base(key, name, category, price, sizes, tuple(flavours) or ("",), short, desc, cert)


# fmt: off
BASES: list[Base] = [
    # --- Cần Thơ (incl. former Sóc Trăng and Hậu Giang) ---
    _b("banh-pia", "Bánh pía Sóc Trăng", "1.3", 95_000, "cake",
       ["nhân đậu xanh sầu riêng", "nhân đậu xanh trứng muối", "nhân khoai môn", "chay nhân đậu xanh"],
       "Bánh pía vỏ nhiều lớp mỏng, nhân sầu riêng và trứng muối, làm thủ công theo công thức người Hoa.",
       "Vỏ bánh được cán và gấp nhiều lớp với mỡ, nướng than cho đến khi vàng đều. Nhân đậu xanh sên kỹ, vị ngọt "
       "vừa, để được 30 ngày ở nơi khô thoáng.",
       "food_safety"),
    _b("banh-pia-mini", "Bánh pía kim sa mini", "1.3", 75_000, "cake",
       ["nhân kim sa trứng muối", "nhân lava trứng muối", "nhân trà xanh"],
       "Bánh pía cỡ nhỏ, nhân kim sa chảy, vừa một lần ăn.",
       "Mỗi chiếc bánh nặng khoảng 50g, vỏ mềm xốp, nhân kim sa trứng muối béo ngậy."),
    _b("banh-in", "Bánh in Sóc Trăng", "1.3", 55_000, "cake",
       ["nhân đậu xanh", "nhân sầu riêng", "nhân dừa lá dứa"],
       "Bánh in bột nếp rang, nhân đậu xanh, món quà quen thuộc dịp Tết.",
       "Bột nếp được rang thơm, ép khuôn gỗ chạm hoa văn và gói giấy kiếng từng chiếc."),
    _b("lap-xuong-tom", "Lạp xưởng tôm Vĩnh Châu", "1.3", 210_000, "sausage",
       ["loại đặc biệt", "ít mỡ", "cay"],
       "Lạp xưởng thịt heo trộn tôm tươi, phơi nắng gió biển Vĩnh Châu.",
       "Thịt nạc vai và tôm đất được xay thô, ướp rượu mai quế lộ rồi phơi nắng hai ngày. Chiên hoặc nướng đều "
       "thơm, dùng kèm cơm trắng hay xôi.",
       "food_safety"),
    _b("lap-xuong-heo", "Lạp xưởng heo Sóc Trăng", "1.3", 180_000, "sausage",
       ["truyền thống", "tỏi", "ớt"],
       "Lạp xưởng heo nạc, vị ngọt mặn hài hòa kiểu người Hoa Sóc Trăng.",
       "Sản phẩm không dùng phẩm màu, được hút chân không sau khi phơi."),
    _b("hanh-tim", "Hành tím Vĩnh Châu", "1.1", 60_000, "fruit",
       ["loại 1", "củ nhỏ"],
       "Hành tím củ chắc, vỏ đỏ tím, thơm nồng đặc trưng vùng đất giồng cát Vĩnh Châu.",
       "Hành được trồng trên đất giồng cát ven biển, thu hoạch khi lá vàng và hong khô trước khi đóng thùng.",
       "vietgap"),
    _b("gao-st25", "Gạo ST25", "1.2", 70_000, "rice",
       ["", "lúa tôm", "hữu cơ"],
       "Gạo ST25 hạt dài, cơm dẻo thơm mùi lá dứa, trồng ở Sóc Trăng.",
       "Giống lúa ST25 do các kỹ sư Sóc Trăng lai tạo, từng đoạt giải gạo ngon nhất thế giới. Gạo xay mới mỗi "
       "tuần, đóng túi hút chân không.",
       "vietgap"),
    _b("gao-st24", "Gạo ST24", "1.2", 58_000, "rice",
       ["", "lúa tôm"],
       "Gạo ST24 hạt thon dài, cơm mềm, để nguội không bị khô.",
       "Lúa được canh tác theo mô hình tôm – lúa, không dùng thuốc diệt cỏ."),
    _b("gao-lut", "Gạo lứt đỏ ST", "1.2", 65_000, "rice",
       ["", "hữu cơ"],
       "Gạo lứt đỏ giữ nguyên lớp cám, giàu chất xơ, hợp bữa ăn ăn kiêng.",
       "Nấu cơm nên ngâm gạo hai giờ; gạo còn có thể rang làm trà gạo lứt.",
       "organic"),
    _b("khom-cau-duc", "Khóm Cầu Đúc", "1.1", 35_000, "fruit",
       ["", "loại trái lớn"],
       "Khóm Cầu Đúc Hậu Giang trái nhỏ, mắt lồi, thịt vàng, ngọt thanh.",
       "Khóm trồng trên đất phèn vùng Hỏa Tiến, có chỉ dẫn địa lý Cầu Đúc. Trái được hái khi chín vàng hai phần "
       "ba, giao trong ngày.",
       "vietgap"),
    _b("mut-khom", "Khóm sấy dẻo Cầu Đúc", "1.3", 55_000, "small_pack",
       ["", "ít đường", "vị me"],
       "Khóm sấy dẻo từ khóm Cầu Đúc, chua ngọt tự nhiên, không phẩm màu.",
       "Khóm được cắt lát, ngâm đường phèn và sấy nhiệt độ thấp để giữ màu vàng tự nhiên.",
       "food_safety"),
    _b("nuoc-khom", "Nước khóm ép Cầu Đúc", "2.2", 22_000, "drink",
       ["nguyên chất", "mật ong"],
       "Nước khóm ép đóng chai thanh trùng, không chất bảo quản.",
       "Mỗi chai cần gần nửa trái khóm Cầu Đúc; uống lạnh ngon hơn."),
    _b("cha-ca-that-lat", "Chả cá thát lát Hậu Giang", "1.3", 150_000, "pack",
       ["", "thì là", "cay"],
       "Chả cá thát lát quết tay, dai giòn, làm từ cá nuôi ở Long Mỹ.",
       "Cá thát lát được lọc lấy thịt, quết với hành tím và tiêu rồi đóng gói cấp đông. Chiên, nấu lẩu hoặc nấu "
       "canh khổ qua đều hợp.",
       "food_safety"),
    _b("ca-that-lat-rut-xuong", "Cá thát lát rút xương", "1.2", 170_000, "pack",
       ["", "tẩm ướp sả ớt"],
       "Cá thát lát làm sạch, rút xương, cấp đông nhanh.",
       "Tiện chế biến món chiên giòn hay kho tộ, bảo quản ngăn đá ba tháng."),
    _b("kho-ca-ro", "Khô cá rô đồng", "1.2", 160_000, "pack",
       ["một nắng", "tẩm gia vị"],
       "Khô cá rô đồng phơi một nắng, thịt ngọt, ít mặn.",
       "Cá rô đồng đánh bắt mùa nước nổi, làm sạch và phơi trên giàn lưới."),
    _b("dau-ha-chau", "Dâu Hạ Châu Phong Điền", "1.1", 45_000, "fruit",
       [""],
       "Dâu Hạ Châu trái tròn, vỏ vàng, vị chua ngọt, đặc sản miệt vườn Phong Điền.",
       "Dâu được cắt cả chùm khi chín, giao kèm lá để giữ tươi.",
       "vietgap"),
    _b("tour-mien-tay", "Tour miệt vườn và chợ nổi Cái Răng", "6.1", 450_000, "tour",
       ["nửa ngày", "trọn ngày", "2 ngày 1 đêm"],
       "Đi ghe tham quan chợ nổi Cái Răng lúc bình minh, ghé vườn trái cây và lò hủ tiếu.",
       "Hướng dẫn viên là người dân địa phương; giá đã gồm ghe, nước uống và bữa ăn tại vườn. Điểm đón ở bến Ninh "
       "Kiều."),
    _b("banh-tet-la-cam", "Bánh tét lá cẩm", "1.3", 90_000, "roll",
       ["nhân thịt trứng muối", "nhân chuối", "chay nhân đậu"],
       "Bánh tét nếp nhuộm lá cẩm tím, nhân thịt heo và trứng muối.",
       "Bánh gói lá chuối, nấu tám tiếng, hút chân không để giữ được năm ngày."),
    _b("hu-tieu-kho", "Hủ tiếu khô Cái Răng", "1.3", 45_000, "pack",
       ["sợi nhỏ", "sợi lớn", "gạo lứt"],
       "Hủ tiếu tráng từ gạo, phơi khô, sợi dai không bở.",
       "Bột gạo được tráng bánh, hấp và phơi nắng theo cách làm của lò hủ tiếu Cái Răng."),
    _b("banh-phong-tom", "Bánh phồng tôm", "1.3", 65_000, "pack",
       ["", "cay", "tôm đất"],
       "Bánh phồng tôm chiên giòn, 30% tôm tươi.",
       "Bánh để được sáu tháng, chiên ngập dầu hoặc nướng lò vi sóng."),
    # --- An Giang (incl. former Kiên Giang) ---
    _b("duong-thot-not", "Đường thốt nốt An Giang", "1.3", 75_000, "pack",
       ["dạng bánh", "dạng viên", "dạng bột"],
       "Đường thốt nốt nấu từ nước hoa thốt nốt Tri Tôn, thơm mùi khói, ngọt dịu.",
       "Người thợ leo cây thốt nốt hứng nước hoa mỗi sáng và nấu ngay trong ngày trên bếp củi. Dùng nấu chè, kho "
       "cá hoặc pha nước uống.",
       "food_safety"),
    _b("nuoc-thot-not", "Nước thốt nốt tươi đóng chai", "2.2", 18_000, "drink",
       ["nguyên chất", "ít đường"],
       "Nước thốt nốt thanh trùng, ngọt mát, giữ vị hoa thốt nốt Bảy Núi.",
       "Sản phẩm thanh trùng và bảo quản lạnh, dùng trong 30 ngày."),
    _b("keo-thot-not", "Kẹo thốt nốt", "1.3", 40_000, "small_pack",
       ["", "sữa", "gừng"],
       "Kẹo thốt nốt dẻo, ngọt thơm, làm từ đường thốt nốt nguyên chất.",
       "Đường thốt nốt được sên với mạch nha và cắt viên, gói giấy từng viên."),
    _b("mam-thai", "Mắm thái Châu Đốc", "1.3", 110_000, "jar",
       ["", "đu đủ", "ít cay"],
       "Mắm thái cá lóc trộn đu đủ bào sợi, đặc sản Châu Đốc.",
       "Cá lóc ủ chượp ba tháng, lọc thịt xắt sợi rồi trộn đu đủ, thính và tỏi ớt. Ăn kèm thịt luộc, rau sống và "
       "bún.",
       "food_safety"),
    _b("mam-ca-linh", "Mắm cá linh", "1.3", 90_000, "jar",
       ["", "mắm kho"],
       "Mắm cá linh mùa nước nổi, dùng chưng thịt hoặc nấu lẩu mắm.",
       "Cá linh non ủ muối và thính gạo rang, mùi thơm đặc trưng miền Tây."),
    _b("mam-ca-loc", "Mắm cá lóc", "1.3", 140_000, "jar",
       ["nguyên con", "phi lê"],
       "Mắm cá lóc đồng, thịt đỏ au, ủ chượp bằng thính gạo.",
       "Mắm chưng hột vịt hay nấu lẩu mắm đều hợp, giữ lạnh sau khi mở nắp."),
    _b("kho-ca-loc", "Khô cá lóc An Giang", "1.2", 280_000, "pack",
       ["một nắng", "tẩm gia vị", "loại đặc biệt"],
       "Khô cá lóc đồng một nắng, thịt dày, ngọt, nướng lên thơm lừng.",
       "Cá lóc được xẻ bướm, ướp muối nhạt và phơi nắng một ngày. Nướng than, xé sợi chấm nước mắm me hoặc chiên "
       "giòn.",
       "food_safety"),
    _b("kho-ca-sac", "Khô cá sặc rằn", "1.2", 220_000, "pack",
       ["một nắng", "không đầu"],
       "Khô cá sặc rằn mập, ít xương dăm, nướng ăn với xoài sống.",
       "Cá sặc nuôi trong ruộng lúa, phơi trên giàn tre cách mặt đất."),
    _b("kho-ca-tra-phong", "Khô cá tra phồng", "1.2", 190_000, "pack",
       ["", "tẩm gia vị"],
       "Khô cá tra phồng Châu Đốc, chiên lên phồng giòn.",
       "Làm từ cá tra nuôi bè trên sông Hậu, phơi nhiều nắng cho khô đều."),
    _b("nuoc-mam-phu-quoc", "Nước mắm Phú Quốc", "1.4", 95_000, "sauce",
       ["40 độ đạm", "35 độ đạm", "cá cơm than 30 độ đạm"],
       "Nước mắm cá cơm Phú Quốc ủ chượp trong thùng gỗ, màu cánh gián, vị ngọt hậu.",
       "Cá cơm than đánh bắt quanh đảo được ướp muối ngay trên tàu và ủ 12 tháng trong thùng gỗ bời lời. Nước mắm "
       "Phú Quốc được bảo hộ chỉ dẫn địa lý.",
       "food_safety"),
    _b("nuoc-mam-nhi", "Nước mắm nhĩ Phú Quốc", "1.4", 160_000, "sauce",
       ["43 độ đạm", "nhĩ cá cơm than"],
       "Nước mắm nhĩ giọt đầu, độ đạm cao, dùng chấm nguyên chất.",
       "Chỉ lấy phần nước mắm rỉ tự nhiên đầu tiên của thùng chượp, không pha thêm."),
    _b("ruou-sim", "Rượu sim Phú Quốc", "2.1", 120_000, "liquor",
       ["13 độ", "rượu sim mật ong"],
       "Rượu vang sim rừng Phú Quốc, màu tím đỏ, vị chát nhẹ.",
       "Trái sim chín hái trên đồi Hàm Ninh, ngâm với rượu gạo và lên men chậm sáu tháng."),
    _b("siro-sim", "Nước cốt sim rừng", "2.2", 70_000, "sauce",
       ["", "ít đường"],
       "Nước cốt sim rừng Phú Quốc pha uống giải khát, không cồn.",
       "Pha một phần nước cốt với ba phần nước lạnh và thêm đá."),
    _b("tieu-phu-quoc", "Tiêu đen Phú Quốc", "1.4", 85_000, "small_pack",
       ["hạt", "xay"],
       "Tiêu đen Phú Quốc hạt chắc, cay nồng, phơi khô tự nhiên.",
       "Tiêu được trồng trên đất đỏ Hàm Ninh, hái chín và phơi nắng năm ngày."),
    # --- Quảng Trị (incl. former Quảng Bình) ---
    _b("ca-phe-khe-sanh", "Cà phê Arabica Khe Sanh", "1.6", 160_000, "coffee",
       ["rang xay", "nguyên hạt", "rang mộc"],
       "Cà phê Arabica trồng trên cao nguyên Khe Sanh, hương trái cây, vị chua thanh.",
       "Trái cà phê chín được hái tay, sơ chế ướt và rang vừa. Hợp pha phin, pha máy hoặc cold brew.",
       "vietgap"),
    _b("ca-phe-huong-hoa", "Cà phê Robusta Hướng Hóa", "1.6", 120_000, "coffee",
       ["rang xay", "nguyên hạt", "phin giấy"],
       "Cà phê Robusta Hướng Hóa đậm, đắng, nhiều caffein, rang nguyên chất.",
       "Không tẩm bơ, không trộn đậu bắp; phù hợp cà phê sữa đá kiểu Việt Nam."),
    _b("mat-ong-ca-phe", "Mật ong hoa cà phê Khe Sanh", "1.3", 180_000, "honey",
       [""],
       "Mật ong hoa cà phê vàng nhạt, thơm nhẹ, khai thác mùa hoa tháng Hai.",
       "Đàn ong nuôi trong vườn cà phê, mật được quay khi đã vít nắp, không pha đường."),
    _b("tieu-con-tien", "Tiêu Cồn Tiên Gio Linh", "1.4", 90_000, "small_pack",
       ["đen hạt", "đen xay", "sọ trắng", "đỏ chín cây"],
       "Hồ tiêu trồng trên đất đỏ bazan Cồn Tiên, hạt chắc, cay thơm.",
       "Tiêu Quảng Trị được hái chín đỏ, phơi khô tự nhiên và sàng lọc bằng tay. Tiêu sọ được ngâm và bóc vỏ để "
       "lấy lõi trắng.",
       "vietgap"),
    _b("muoi-tieu", "Muối tiêu chanh Gio Linh", "1.4", 35_000, "small_pack",
       ["", "cay"],
       "Muối tiêu chanh pha sẵn từ tiêu Cồn Tiên và muối biển, chấm hải sản, thịt gà.",
       "Tiêu xay mới trộn muối rang và lá chanh sấy, đóng hũ kín."),
    _b("tieu-xanh", "Tiêu xanh ngâm nước mắm", "1.4", 65_000, "jar",
       [""],
       "Chùm tiêu xanh non ngâm nước mắm, cay the, ăn kèm thịt kho.",
       "Tiêu xanh hái non, rửa sạch và ngâm nước mắm pha tỏi trong hai tuần."),
    _b("nuoc-mam-bao-ninh", "Nước mắm Bảo Ninh", "1.4", 80_000, "sauce",
       ["30 độ đạm", "cá cơm", "40 độ đạm"],
       "Nước mắm truyền thống làng biển Bảo Ninh, ủ cá cơm trong chum sành.",
       "Cá cơm và muối biển ủ một năm, lọc ba lần, không chất bảo quản."),
    _b("muc-mot-nang", "Mực một nắng Nhật Lệ", "1.2", 420_000, "pack",
       ["loại vừa", "loại lớn"],
       "Mực lá phơi một nắng, thịt dày, nướng than ngọt đậm.",
       "Mực đánh bắt ven bờ, làm sạch và phơi trong ngày rồi cấp đông."),
    # --- Lâm Đồng (incl. former Đắk Nông and Bình Thuận) ---
    _b("cao-atiso", "Cao atiso Đà Lạt", "3.1", 190_000, "herbal",
       ["cao mềm", "cao lỏng"],
       "Cao atiso cô đặc từ lá và thân atiso Đà Lạt, hỗ trợ mát gan.",
       "Atiso được thu hái ở vùng Trại Mát, nấu cô đặc ở nhiệt độ thấp. Sản phẩm này không phải là thuốc và không "
       "thay thế thuốc chữa bệnh."),
    _b("tra-atiso", "Trà atiso túi lọc", "1.5", 65_000, "tea",
       ["", "có cỏ ngọt", "atiso đỏ"],
       "Trà atiso túi lọc thanh mát, tiện pha nóng hoặc lạnh.",
       "Mỗi hộp 50 túi lọc, pha một túi với 200ml nước sôi trong năm phút."),
    _b("mut-dau-tay", "Mứt dâu tây Đà Lạt", "1.3", 80_000, "jar",
       ["", "ít đường"],
       "Mứt dâu tây nấu từ dâu Đà Lạt, giữ nguyên miếng dâu.",
       "Dâu tây chín được nấu với đường phèn và chanh, không chất bảo quản."),
    _b("lan-ho-diep", "Lan hồ điệp Đà Lạt", "5.1", 420_000, "orchid",
       ["màu trắng", "màu tím", "màu vàng"],
       "Lan hồ điệp trồng tại Đà Lạt, cành dài, hoa bền hơn một tháng.",
       "Lan được giao kèm chậu sứ và hướng dẫn chăm sóc; chỉ tưới khi giá thể khô."),
    _b("dia-lan", "Địa lan Đà Lạt", "5.1", 550_000, "orchid",
       ["Kiếm vàng", "Kiếm đỏ"],
       "Địa lan Đà Lạt nở đúng Tết, hoa lâu tàn, thơm nhẹ.",
       "Cây được chăm trong nhà kính trên ba năm trước khi ra hoa."),
    _b("sen-da", "Sen đá Đà Lạt", "5.1", 45_000, "plant",
       ["hỗn hợp", "sen đá kim cương"],
       "Sen đá Đà Lạt nhiều màu, dễ trồng ở ban công và bàn làm việc.",
       "Cây được trồng trong giá thể thoát nước tốt; tưới mỗi tuần một lần."),
    _b("mac-ca", "Hạt mắc ca Tuy Đức", "1.2", 190_000, "pack",
       ["sấy nứt vỏ", "nhân tách vỏ", "nhân rang muối"],
       "Hạt mắc ca Tuy Đức sấy nứt vỏ, béo bùi, kèm dụng cụ tách vỏ.",
       "Mắc ca trồng xen cà phê trên đất đỏ bazan, được sấy nhiều ngày để hạt giòn đều.",
       "vietgap"),
    _b("sau-rieng", "Sầu riêng Đắk Mil", "1.1", 120_000, "fruit",
       ["Ri6", "Monthong"],
       "Sầu riêng Đắk Mil cơm vàng, hạt lép, béo ngọt.",
       "Trái được cắt khi đủ ngày tuổi và để chín tự nhiên, không dùng thuốc giấm.",
       "vietgap"),
    _b("sau-rieng-say", "Sầu riêng sấy thăng hoa", "1.3", 120_000, "small_pack",
       [""],
       "Sầu riêng sấy thăng hoa giòn xốp, giữ vị béo và mùi thơm.",
       "Cơm sầu riêng cấp đông và sấy chân không ở nhiệt độ thấp."),
    _b("thanh-long", "Thanh long Hàm Thuận", "1.1", 30_000, "fruit",
       ["ruột đỏ", "ruột trắng", "ruột hồng", "ruột vàng"],
       "Thanh long Bình Thuận trái to, vỏ đỏ, ngọt mát.",
       "Thanh long đạt tiêu chuẩn VietGAP, có mã số vùng trồng.",
       "vietgap"),
    _b("thanh-long-say", "Thanh long sấy dẻo", "1.3", 60_000, "small_pack",
       ["", "ruột đỏ", "ít đường"],
       "Thanh long cắt lát sấy dẻo ở nhiệt độ thấp, ngọt tự nhiên, không phẩm màu.",
       "Làm từ trái thanh long chín cây của vườn nhà, cắt lát dày và sấy lạnh để giữ màu và vị.",
       "food_safety"),
    # --- Thái Nguyên and Tuyên Quang (former Hà Giang) ---
    _b("che-tan-cuong", "Chè Tân Cương Thái Nguyên", "1.5", 180_000, "tea",
       ["móc câu", "búp", "nõn tôm"],
       "Chè xanh Tân Cương cánh nhỏ, xoăn, nước xanh vàng, vị chát dịu hậu ngọt.",
       "Búp chè một tôm hai lá được hái sáng sớm, sao chảo gang bằng tay. Pha nước 85 độ để giữ hương cốm.",
       "vietgap"),
    _b("tra-dinh", "Trà đinh Tân Cương", "1.5", 650_000, "tea",
       ["", "hộp gỗ"],
       "Trà đinh từ búp non nhất, cánh nhỏ như chiếc đinh, hàng tuyển.",
       "Mỗi kilôgam trà cần hàng chục nghìn búp non hái bằng tay."),
    _b("tra-tui-loc", "Trà xanh túi lọc Tân Cương", "1.5", 55_000, "tea",
       ["", "hương nhài", "hương sen"],
       "Trà xanh Tân Cương dạng túi lọc, tiện pha ở văn phòng.",
       "Chè búp sao khô được nghiền vừa, đóng túi lọc giấy không tẩy trắng."),
    _b("shan-tuyet", "Trà Shan tuyết cổ thụ Cao Bồ", "1.5", 260_000, "tea",
       ["bạch trà", "hồng trà", "lục trà", "hoàng trà", "búp non", "ép bánh", "xuân sớm"],
       "Trà Shan tuyết hái từ cây chè cổ thụ trên núi Tây Côn Lĩnh, búp phủ lông tuyết trắng.",
       "Người Dao đỏ hái búp trên những cây chè hàng trăm năm tuổi ở độ cao trên 1.000m. Nước trà vàng sáng, hương"
       " thơm, vị ngọt sâu.",
       "organic"),
    # --- Hải Phòng, Đắk Lắk ---
    _b("nuoc-mam-cat-hai", "Nước mắm Cát Hải", "1.4", 85_000, "sauce",
       ["cá cơm 35 độ đạm", "cá cơm 40 độ đạm", "nhĩ cốt"],
       "Nước mắm Cát Hải ủ chượp cá cơm và muối biển theo nghề truyền thống hơn 60 năm.",
       "Cá cơm và muối được ủ trong bể chượp từ 12 tháng, lọc tự nhiên, không chất điều vị.",
       "food_safety"),
    _b("muc-kho-cat-ba", "Mực khô Cát Bà", "1.2", 950_000, "pack",
       ["loại vừa", "loại to", "mực ống"],
       "Mực khô câu từ vùng biển Cát Bà, thân dày, ngọt.",
       "Mực câu đêm được phơi nắng ba ngày trên giàn tre."),
    _b("ca-phe-bmt", "Cà phê Robusta Buôn Ma Thuột", "1.6", 110_000, "coffee",
       ["rang xay", "nguyên hạt", "culi"],
       "Cà phê Robusta Buôn Ma Thuột rang mộc, đậm vị, hương sô-cô-la.",
       "Cà phê Buôn Ma Thuột được bảo hộ chỉ dẫn địa lý. Hạt được hái chín trên 90% và phơi trên giàn.",
       "vietgap"),
    _b("mat-ong-hoa-ca-phe", "Mật ong hoa cà phê Đắk Lắk", "1.3", 150_000, "honey",
       ["", "mật ong non"],
       "Mật ong hoa cà phê Đắk Lắk, màu hổ phách, vị ngọt dịu.",
       "Mật quay từ đàn ong đặt giữa vườn cà phê mùa hoa nở."),
    _b("ca-cao", "Bột ca cao nguyên chất Đắk Lắk", "1.6", 140_000, "coffee",
       ["", "ít béo"],
       "Bột ca cao lên men từ trái ca cao trồng ở Krông Ana.",
       "Hạt ca cao được lên men sáu ngày, rang và nghiền mịn, không pha đường."),
    # --- Vĩnh Long (incl. former Bến Tre and Trà Vinh) ---
    _b("keo-dua", "Kẹo dừa Bến Tre", "1.3", 45_000, "cake",
       ["sữa", "lá dứa", "sầu riêng", "đậu phộng"],
       "Kẹo dừa nấu từ nước cốt dừa Bến Tre và mạch nha, dẻo thơm.",
       "Kẹo được nấu trong chảo lớn, cắt viên và gói giấy gạo bên trong, giấy bóng bên ngoài.",
       "food_safety"),
    _b("buoi-da-xanh", "Bưởi da xanh Phong Điền", "1.1", 65_000, "fruit",
       [""],
       "Bưởi da xanh ruột hồng, tép ráo, ngọt thanh không đắng.",
       "Bưởi trồng trên đất phù sa ven sông Cần Thơ, bao trái từ nhỏ và hái khi đủ tám tháng.",
       "vietgap"),
    _b("chen-gao-dua", "Chén gáo dừa", "4.2", 60_000, "craft",
       ["", "kèm muỗng gỗ dừa"],
       "Chén làm từ gáo dừa đánh bóng, phủ dầu ăn được.",
       "Mỗi chiếc chén là một gáo dừa khác nhau, rửa bằng tay và để khô tự nhiên."),
    _b("xa-bong-dua", "Xà bông dầu dừa", "3.2", 45_000, "soap",
       ["nghệ", "than tre", "sả chanh"],
       "Xà bông thủ công từ dầu dừa tinh khiết, dịu nhẹ cho da.",
       "Xà bông nấu lạnh và ủ bốn tuần; không chất tạo bọt tổng hợp."),
    _b("ruou-xuan-thanh", "Rượu gạo Xuân Thạnh", "2.1", 90_000, "liquor",
       ["39 độ", "29 độ"],
       "Rượu gạo Xuân Thạnh nấu bằng men thuốc bắc, êm và thơm.",
       "Gạo nếp được ủ men lá, chưng cất hai lần và hạ thổ trong chum sành sáu tháng."),
    _b("banh-tet-tra-cuon", "Bánh tét Trà Cuôn", "1.3", 130_000, "roll",
       ["nhân thịt trứng muối", "nhân đậu chay"],
       "Bánh tét Trà Cuôn đòn lớn, nhân mỡ thịt và trứng muối, nếp dẻo.",
       "Bánh nấu mười tiếng trên bếp củi, giao hút chân không."),
    _b("com-dep", "Cốm dẹp Trà Vinh", "1.3", 50_000, "small_pack",
       ["", "vị lá dứa", "trộn dừa"],
       "Cốm dẹp của đồng bào Khmer, giã từ nếp non rang.",
       "Nếp non được rang trong nồi đất và giã chày tay; ăn kèm dừa nạo và đường."),
    # --- Hưng Yên ---
    _b("nhan-long", "Nhãn lồng Hưng Yên", "1.1", 70_000, "fruit",
       ["", "loại 1", "cây cổ thụ"],
       "Nhãn lồng Phố Hiến cùi dày, giòn, ngọt sắc.",
       "Nhãn thu hoạch tháng Bảy, cắt cả chùm kèm lá giữ tươi.",
       "vietgap"),
    _b("long-nhan", "Long nhãn sấy Hưng Yên", "1.2", 120_000, "small_pack",
       ["", "loại đặc biệt", "sấy củi"],
       "Long nhãn sấy khô, dùng nấu chè hoặc pha trà.",
       "Cùi nhãn lồng được tách và sấy than củi đến khi dẻo."),
    _b("mat-ong-hoa-nhan", "Mật ong hoa nhãn Hưng Yên", "1.3", 160_000, "honey",
       [""],
       "Mật ong hoa nhãn vàng sáng, thơm mùi nhãn chín.",
       "Mật quay mùa hoa nhãn tháng Ba, đóng chai thủy tinh."),
    # --- Cà Mau (incl. former Bạc Liêu) ---
    _b("mat-ong-u-minh", "Mật ong rừng tràm U Minh", "1.3", 260_000, "honey",
       ["", "mật ong gác kèo", "mùa khô", "mùa mưa"],
       "Mật ong rừng tràm U Minh gác kèo, vị ngọt đậm, hậu chát nhẹ.",
       "Nghề gác kèo ong của người U Minh là di sản văn hóa phi vật thể quốc gia. Mật được lấy bằng cách cắt phần "
       "mật, chừa phần ấu trùng cho ong.",
       "organic"),
    _b("tinh-dau-tram", "Tinh dầu tràm U Minh", "3.3", 70_000, "oil",
       ["", "cho bé", "dạng lăn"],
       "Tinh dầu tràm chưng cất từ lá tràm rừng U Minh, giữ ấm cho bé.",
       "Lá tràm gió được chưng cất hơi nước; dùng xoa ngoài da, không uống."),
    # --- Đồng Tháp ---
    _b("hat-sen", "Hạt sen sấy Tháp Mười", "1.2", 110_000, "pack",
       ["", "sấy giòn"],
       "Hạt sen Tháp Mười bở, bùi, đã bỏ tim.",
       "Hạt sen thu hoạch trên đồng sen Tháp Mười, tách vỏ, bỏ tim và sấy khô."),
    _b("tra-tim-sen", "Trà tim sen", "1.5", 90_000, "tea",
       ["", "túi lọc"],
       "Trà tim sen Đồng Tháp giúp dễ ngủ, vị đắng nhẹ.",
       "Tim sen được sao khô; pha 3g với nước sôi và ủ ba phút."),
    _b("tour-dong-sen", "Tour đồng sen Tháp Mười", "6.1", 250_000, "tour",
       ["nửa ngày", "trọn ngày"],
       "Đi xuồng giữa đồng sen, hái sen và học nấu món ăn từ sen.",
       "Giá gồm xuồng, áo bà ba chụp ảnh và bữa trưa với các món từ sen."),
    # --- Hà Nội ---
    _b("gio-may", "Giỏ mây đan Phú Nghĩa", "4.2", 180_000, "craft",
       ["có nắp", "có quai"],
       "Giỏ mây đan tay, khung chắc, dùng đựng đồ hoặc đi chợ.",
       "Sợi mây được luộc, phơi và chuốt trước khi đan; phủ sơn bóng gốc nước."),
    _b("den-may-tre", "Đèn mây tre đan", "4.1", 320_000, "craft",
       ["hình cầu", "hình chuông"],
       "Đèn thả trần đan từ mây tre, ánh sáng ấm, hợp quán cà phê và homestay.",
       "Mỗi chiếc đèn mất hai ngày đan tay; kèm dây điện và đui đèn."),
    _b("khay-tre", "Khay tre đan", "4.2", 120_000, "craft",
       ["hình tròn", "hình chữ nhật"],
       "Khay tre đan dùng bày bánh trái hoặc làm giỏ quà Tết.",
       "Tre được xử lý chống mối mọt bằng cách ngâm bùn và hun khói."),
    # --- Lào Cai ---
    _b("ruou-ngo", "Rượu ngô men lá Bản Phố", "2.1", 80_000, "liquor",
       ["", "hạ thổ"],
       "Rượu ngô men lá của người Mông Bản Phố, nấu bằng nước suối.",
       "Ngô được ủ với men làm từ hơn 20 loại lá rừng và chưng cất trong chảo gang."),
    _b("man-tam-hoa", "Mận tam hoa Bắc Hà", "1.1", 50_000, "fruit",
       [""],
       "Mận tam hoa Bắc Hà giòn, vỏ phủ phấn trắng, ngọt chua.",
       "Mận chín từ tháng Năm đến tháng Bảy, hái buổi sáng và giao trong ngày."),
    _b("tour-bac-ha", "Homestay Bắc Hà và chợ phiên", "6.1", 600_000, "tour",
       ["1 ngày", "2 ngày 1 đêm"],
       "Ở nhà trình tường của người Mông, đi chợ phiên Bắc Hà ngày Chủ nhật.",
       "Giá gồm chỗ ngủ, bữa tối với món địa phương và người dẫn đường. Mùa hoa mận tháng Hai là đẹp nhất."),
    _b("tho-cam", "Khăn thổ cẩm Bắc Hà", "4.3", 250_000, "textile",
       ["hoa văn Mông", "hoa văn Tày", "hoa văn Dao"],
       "Khăn thổ cẩm dệt tay, nhuộm chàm tự nhiên.",
       "Vải lanh được dệt, vẽ sáp ong và nhuộm chàm nhiều lần; mỗi tấm mất hơn một tuần."),
]
# fmt: on

BASES_BY_KEY = {b.key: b for b in BASES}


@dataclass(frozen=True)
class StallData:
    slug: str
    name: str
    legal_name: str
    kind: str  # producers.models.Producer.Kind value
    representative: str
    province: str  # 2025 province short name
    commune: str  # 2025 commune/ward short name, looked up in the Commune table
    bases: tuple[str, ...]
    story: str
    street: str = ""
    legacy_address: str = ""
    old_province: str = ""  # the province before 1 July 2025, if it was merged
    old_district: str = ""  # for district-level OCOP recognitions before July 2025
    id_prefix: str = ""  # birth-province digits of the personal ID or first digits of the tax code
    # What the stall sells, as its name and story say it: every product line's name contains one
    # of these words and each of them is in the name or the story (tests/test_demo_first_hour.py).
    sells: tuple[str, ...] = ()


def _s(slug, name, legal_name, kind, representative, province, commune, bases, story, **kw):
    return StallData(slug, name, legal_name, kind, representative, province, commune, tuple(bases), story, **kw)


# Each commune is the 2025 unit that vietnamadminunits.convert_address gives for the
# stall's pre-2025 address; the test checks those kept as legacy_address.
# fmt: off
STALLS: list[StallData] = [
    _s("banh-pia-huong-mai", "Bánh pía Hương Mai", "Hộ Trần Thị Mai", "household",
       "Trần Thị Mai", "Cần Thơ", "Phú Lợi", ["banh-pia", "banh-pia-mini", "banh-in"],
       "Ba thế hệ làm bánh pía và bánh in trong con hẻm nhỏ ở Sóc Trăng; mỗi mẻ bánh vẫn nướng bằng than.",
       street="Số 18 hẻm 2 đường Trần Hưng Đạo", legacy_address="Phường 2, Thành phố Sóc Trăng, Tỉnh Sóc Trăng",
       old_province="Sóc Trăng", old_district="thành phố Sóc Trăng", id_prefix="094",
       sells=("bánh pía", "bánh in")),
    _s("lap-xuong-tu-hiep", "Lạp xưởng và hành tím Tư Hiệp", "Hộ kinh doanh Lâm Văn Hiệp", "household_business",
       "Lâm Văn Hiệp", "Cần Thơ", "Vĩnh Châu", ["lap-xuong-tom", "lap-xuong-heo", "hanh-tim"],
       "Lò lạp xưởng nhỏ bên bờ biển Vĩnh Châu, phơi bằng nắng gió tự nhiên, và ruộng hành tím của nhà trên giồng cát.",
       street="Ấp Vĩnh Thành", legacy_address="Phường 1, Thị xã Vĩnh Châu, Tỉnh Sóc Trăng", old_province="Sóc Trăng",
       old_district="thị xã Vĩnh Châu", id_prefix="094",
       sells=("lạp xưởng", "hành tím")),
    _s("gao-thom-my-xuyen", "Gạo thơm Mỹ Xuyên", "Hợp tác xã Nông nghiệp Lúa Tôm Mỹ Xuyên", "cooperative",
       "Thạch Sô Phol", "Cần Thơ", "Nhu Gia", ["gao-st25", "gao-st24", "gao-lut"],
       "Hợp tác xã gồm 86 hộ trồng lúa luân canh với nuôi tôm, không dùng thuốc diệt cỏ.",
       street="Ấp Hòa Phuông", legacy_address="Xã Thạnh Phú, Huyện Mỹ Xuyên, Tỉnh Sóc Trăng",
       old_province="Sóc Trăng", old_district="huyện Mỹ Xuyên", id_prefix="22",
       sells=("gạo",)),
    _s("khom-cau-duc-hoa-tien", "Khóm Cầu Đúc Hỏa Tiến", "Tổ hợp tác Khóm Cầu Đúc Hỏa Tiến", "cooperative_group",
       "Nguyễn Văn Út", "Cần Thơ", "Hỏa Lựu", ["khom-cau-duc", "mut-khom", "nuoc-khom"],
       "Mười hai hộ trồng khóm trên đất phèn Hỏa Tiến cùng làm khóm sấy và nước ép.",
       street="Ấp Thạnh Lợi", legacy_address="Xã Hỏa Tiến, Thành phố Vị Thanh, Tỉnh Hậu Giang",
       old_province="Hậu Giang", old_district="thành phố Vị Thanh", id_prefix="093",
       sells=("khóm",)),
    _s("thuy-san-long-my", "Thủy sản Long Mỹ", "Hợp tác xã Thủy sản Long Mỹ", "cooperative",
       "Phan Thị Thu Hằng", "Cần Thơ", "Long Mỹ", ["cha-ca-that-lat", "ca-that-lat-rut-xuong", "kho-ca-ro"],
       "Hợp tác xã nuôi cá thát lát trong ao đất, chế biến chả cá quết tay và phơi khô cá rô đồng mùa nước nổi.",
       street="Ấp 3", legacy_address="Xã Long Trị, Thị xã Long Mỹ, Tỉnh Hậu Giang", old_province="Hậu Giang",
       old_district="thị xã Long Mỹ", id_prefix="63",
       sells=("cá thát lát", "cá rô")),
    _s("miet-vuon-phong-dien", "Miệt vườn Phong Điền", "Hợp tác xã Du lịch Nông nghiệp Phong Điền", "cooperative",
       "Lê Hoàng Phúc", "Cần Thơ", "Phong Điền", ["tour-mien-tay", "dau-ha-chau", "buoi-da-xanh", "banh-tet-la-cam"],
       "Các nhà vườn Phong Điền trồng dâu Hạ Châu và bưởi da xanh, đón khách theo tour miệt vườn, "
       "gói bánh tét và đi chợ nổi.",
       street="Lộ Vòng Cung, ấp Nhơn Lộc 1", id_prefix="18",
       sells=("tour", "dâu", "bưởi", "bánh tét")),
    _s("hu-tieu-cai-rang", "Hủ tiếu Cái Răng", "Công ty TNHH Thực phẩm Cái Răng Xanh", "enterprise",
       "Trương Minh Khang", "Cần Thơ", "Cái Răng", ["hu-tieu-kho", "banh-phong-tom"],
       "Lò hủ tiếu bên chợ nổi Cái Răng chuyển thành xưởng nhỏ đạt chuẩn an toàn thực phẩm, làm cả bánh phồng tôm.",
       street="Số 45 đường Lê Bình",
       old_district="quận Cái Răng", id_prefix="18",
       sells=("hủ tiếu", "bánh phồng tôm")),
    _s("thot-not-o-lam", "Thốt nốt Ô Lâm", "Tổ hợp tác Thốt nốt Ô Lâm", "cooperative_group",
       "Chau Sóc Kha", "An Giang", "Ô Lâm", ["duong-thot-not", "nuoc-thot-not", "keo-thot-not"],
       "Những người thợ Khmer leo thốt nốt ở Bảy Núi, nấu đường bằng bếp củi mỗi sáng.",
       street="Phum Ô Lâm", old_district="huyện Tri Tôn",
       id_prefix="089",
       sells=("thốt nốt",)),
    _s("mam-chau-doc-sau-hien", "Mắm Châu Đốc Sáu Hiền", "Hộ kinh doanh Mắm Sáu Hiền", "household_business",
       "Võ Thị Hiền", "An Giang", "Châu Đốc", ["mam-thai", "mam-ca-linh", "mam-ca-loc"],
       "Gian mắm gia truyền bên chợ Châu Đốc, mắm ủ trong khạp sành.",
       street="Số 12 đường Bạch Đằng",
       old_district="thành phố Châu Đốc", id_prefix="089",
       sells=("mắm",)),
    _s("kho-ca-ut-hanh", "Khô cá Út Hạnh", "Hộ Nguyễn Thị Hạnh", "household",
       "Nguyễn Thị Hạnh", "An Giang", "Thạnh Mỹ Tây", ["kho-ca-loc", "kho-ca-sac", "kho-ca-tra-phong"],
       "Mùa nước nổi cả nhà cùng làm khô cá đồng, phơi trên giàn lưới trước hiên.",
       street="Ấp Hòa Bình",
       old_district="huyện Châu Phú", id_prefix="089",
       sells=("khô cá",)),
    _s("nuoc-mam-ganh-dau", "Nước mắm Gành Dầu", "Công ty TNHH Nước mắm Gành Dầu Phú Quốc", "enterprise",
       "Huỳnh Tấn Lợi", "An Giang", "Phú Quốc", ["nuoc-mam-phu-quoc", "nuoc-mam-nhi"],
       "Nhà thùng nước mắm với 120 thùng gỗ bời lời, ủ cá cơm than đánh bắt quanh đảo.",
       street="Số 7 đường Bạch Đằng, khu phố 1",
       legacy_address="Phường Dương Đông, Thành phố Phú Quốc, Tỉnh Kiên Giang", old_province="Kiên Giang",
       old_district="thành phố Phú Quốc", id_prefix="17",
       sells=("nước mắm",)),
    _s("sim-ham-ninh", "Sim rừng Hàm Ninh", "Hộ kinh doanh Rượu sim Hàm Ninh", "household_business",
       "Đặng Văn Sáu", "An Giang", "Phú Quốc", ["ruou-sim", "siro-sim", "tieu-phu-quoc"],
       "Cơ sở nhỏ ở làng chài Hàm Ninh, ngâm rượu sim và trồng tiêu trên đồi.",
       street="Ấp Rạch Hàm", legacy_address="Xã Hàm Ninh, Thành phố Phú Quốc, Tỉnh Kiên Giang",
       old_province="Kiên Giang", old_district="thành phố Phú Quốc", id_prefix="091",
       sells=("sim", "tiêu")),
    _s("ca-phe-huong-hoa-xanh", "Cà phê Hướng Hóa Xanh", "Hợp tác xã Nông nghiệp Hướng Hóa Xanh", "cooperative",
       "Hồ Văn Pả", "Quảng Trị", "Khe Sanh", ["ca-phe-khe-sanh", "ca-phe-huong-hoa", "mat-ong-ca-phe"],
       "Các hộ Vân Kiều và Pa Kô cùng trồng cà phê dưới tán cây rừng trên cao nguyên Khe Sanh và lấy "
       "mật ong mùa hoa cà phê.",
       street="Khối 6",
       old_district="huyện Hướng Hóa", id_prefix="32",
       sells=("cà phê", "mật ong")),
    _s("ho-tieu-con-tien", "Hồ tiêu Cồn Tiên", "Hộ Nguyễn Văn Thành", "household",
       "Nguyễn Văn Thành", "Quảng Trị", "Cồn Tiên", ["tieu-con-tien", "muoi-tieu", "tieu-xanh"],
       "Vườn tiêu ba mươi năm tuổi trên đất đỏ bazan Gio Linh.",
       street="Thôn An Nha",
       old_district="huyện Gio Linh", id_prefix="045",
       sells=("tiêu",)),
    _s("hai-san-bao-ninh", "Hải sản Bảo Ninh", "Hợp tác xã Dịch vụ Hải sản Bảo Ninh", "cooperative",
       "Trương Thị Lệ", "Quảng Trị", "Đồng Hới", ["nuoc-mam-bao-ninh", "muc-mot-nang"],
       "Làng biển Bảo Ninh bên cửa Nhật Lệ giữ nghề làm nước mắm và phơi mực.",
       street="Thôn Trung Bính", legacy_address="Xã Bảo Ninh, Thành phố Đồng Hới, Tỉnh Quảng Bình",
       old_province="Quảng Bình", old_district="thành phố Đồng Hới", id_prefix="31",
       sells=("nước mắm", "mực")),
    _s("atiso-langbiang", "Atiso Langbiang", "Công ty TNHH Dược liệu Langbiang", "enterprise",
       "Nguyễn Ngọc Lâm", "Lâm Đồng", "Xuân Hương - Đà Lạt", ["cao-atiso", "tra-atiso", "mut-dau-tay"],
       "Xưởng nấu cao atiso và mứt dâu giữa những đồi atiso Đà Lạt.",
       street="Số 22 đường Nguyễn Trãi",
       old_district="thành phố Đà Lạt", id_prefix="58",
       sells=("atiso", "mứt dâu")),
    _s("vuon-lan-trai-mat", "Vườn lan Trại Mát", "Hộ kinh doanh Vườn lan Trại Mát", "household_business",
       "Phạm Thị Thu Thảo", "Lâm Đồng", "Xuân Trường - Đà Lạt", ["lan-ho-diep", "dia-lan", "sen-da"],
       "Nhà vườn trồng lan và sen đá trong nhà kính ở Trại Mát, giao cây tận nơi.",
       street="Số 5 đường Trại Mát",
       old_district="thành phố Đà Lạt", id_prefix="068",
       sells=("lan", "sen đá")),
    _s("mac-ca-tuy-duc", "Mắc ca Tuy Đức", "Hợp tác xã Nông nghiệp Tuy Đức", "cooperative",
       "Y Bhim Niê", "Lâm Đồng", "Tuy Đức", ["mac-ca", "sau-rieng", "sau-rieng-say"],
       "Hợp tác xã trồng mắc ca xen cà phê và sầu riêng trên đất đỏ bazan.",
       street="Bon Bu Prăng", legacy_address="Xã Đắk Buk So, Huyện Tuy Đức, Tỉnh Đắk Nông", old_province="Đắk Nông",
       old_district="huyện Tuy Đức", id_prefix="64",
       sells=("mắc ca", "sầu riêng")),
    _s("thanh-long-ham-liem", "Thanh long Hàm Liêm", "Hộ kinh doanh Thanh long Hàm Liêm", "household_business",
       "Lê Văn Tám", "Lâm Đồng", "Hàm Liêm", ["thanh-long", "thanh-long-say"],
       "Vườn thanh long ba đời ở Hàm Thuận Bắc, thắp đèn cho cây ra trái quanh năm; trái nhỏ được sấy "
       "dẻo ngay tại nhà.",
       street="Thôn 3", legacy_address="Xã Hàm Liêm, Huyện Hàm Thuận Bắc, Tỉnh Bình Thuận",
       old_province="Bình Thuận", old_district="huyện Hàm Thuận Bắc", id_prefix="060",
       sells=("thanh long",)),
    _s("tra-tan-cuong-thinh-an", "Trà Tân Cương Thịnh An", "Hợp tác xã Chè Thịnh An", "cooperative",
       "Đỗ Thị Thanh Hương", "Thái Nguyên", "Tân Cương", ["che-tan-cuong", "tra-dinh", "tra-tui-loc"],
       "Đồi chè Tân Cương của 40 hộ thành viên, sao chè bằng chảo gang.",
       street="Xóm Hồng Thái 2",
       old_district="thành phố Thái Nguyên", id_prefix="46",
       sells=("chè", "trà")),
    _s("shan-tuyet-cao-bo", "Shan tuyết Cao Bồ", "Hợp tác xã Chè Shan tuyết Cao Bồ", "cooperative",
       "Bàn Văn Phin", "Tuyên Quang", "Cao Bồ", ["shan-tuyet"],
       "Người Dao đỏ ở Cao Bồ chăm những cây chè Shan tuyết cổ thụ trên núi Tây Côn Lĩnh.",
       street="Thôn Tham Vè", legacy_address="Xã Cao Bồ, Huyện Vị Xuyên, Tỉnh Hà Giang", old_province="Hà Giang",
       old_district="huyện Vị Xuyên", id_prefix="51",
       sells=("shan tuyết",)),
    _s("hai-san-cat-ba-xanh", "Hải sản Cát Bà Xanh", "Công ty TNHH Hải sản Cát Bà Xanh", "enterprise",
       "Vũ Đức Hải", "Hải Phòng", "Cát Hải", ["nuoc-mam-cat-hai", "muc-kho-cat-ba"],
       "Xưởng nước mắm và mực khô trên đảo Cát Hải, làm theo nghề truyền thống.",
       street="Tổ dân phố 3",
       old_district="huyện Cát Hải", id_prefix="02",
       sells=("nước mắm", "mực")),
    _s("ca-phe-ea-kao", "Cà phê Ea Kao", "Công ty TNHH Cà phê Ea Kao", "enterprise",
       "Y Sơn Mlô", "Đắk Lắk", "Ea Kao", ["ca-phe-bmt", "mat-ong-hoa-ca-phe", "ca-cao"],
       "Vườn cà phê, ca cao và trại ong lấy mật ong hoa cà phê của người Ê Đê ven hồ Ea Kao.",
       street="Buôn Kô Tam", id_prefix="60",
       sells=("cà phê", "mật ong", "ca cao")),
    _s("dua-giong-trom", "Dừa Giồng Trôm", "Hợp tác xã Dừa hữu cơ Giồng Trôm", "cooperative",
       "Huỳnh Văn Bé", "Vĩnh Long", "Châu Hòa", ["keo-dua", "chen-gao-dua", "xa-bong-dua"],
       "Hợp tác xã trồng dừa hữu cơ, làm kẹo dừa, xà bông và đồ dùng từ gáo dừa.",
       street="Ấp 4", legacy_address="Xã Châu Bình, Huyện Giồng Trôm, Tỉnh Bến Tre", old_province="Bến Tre",
       old_district="huyện Giồng Trôm", id_prefix="13",
       sells=("dừa",)),
    _s("dac-san-tra-vinh-ba-sau", "Đặc sản Trà Vinh Ba Sáu", "Hộ kinh doanh Ba Sáu", "household_business",
       "Kim Thị Sa Ri", "Vĩnh Long", "Long Đức", ["ruou-xuan-thanh", "banh-tet-tra-cuon", "com-dep"],
       "Gia đình Khmer ở ấp Xuân Thạnh nấu rượu nếp bằng men thuốc bắc gia truyền, gói bánh tét Trà "
       "Cuôn và giã cốm dẹp theo mùa.",
       street="Ấp Xuân Thạnh", legacy_address="Xã Long Đức, Thành phố Trà Vinh, Tỉnh Trà Vinh",
       old_province="Trà Vinh", old_district="thành phố Trà Vinh", id_prefix="084",
       sells=("rượu", "bánh tét", "cốm dẹp")),
    _s("nhan-long-pho-hien", "Nhãn lồng Phố Hiến", "Hợp tác xã Nhãn lồng Phố Hiến", "cooperative",
       "Đào Văn Quý", "Hưng Yên", "Tân Hưng", ["nhan-long", "long-nhan", "mat-ong-hoa-nhan"],
       "Vườn nhãn lồng cổ thụ bên đê sông Hồng, làm long nhãn sấy và nuôi ong lấy mật ong hoa nhãn.",
       street="Thôn Điện Biên",
       old_district="thành phố Hưng Yên", id_prefix="09",
       sells=("nhãn", "mật ong")),
    _s("mat-ong-u-minh-ha", "Mật ong U Minh Hạ", "Tổ hợp tác Gác kèo ong U Minh", "cooperative_group",
       "Trần Văn Mười", "Cà Mau", "Khánh An", ["mat-ong-u-minh", "tinh-dau-tram"],
       "Những người gác kèo ong trong rừng tràm U Minh Hạ lấy mật ong và chưng tinh dầu tràm từ lá tràm gió.",
       street="Ấp 7", old_district="huyện U Minh",
       id_prefix="096",
       sells=("mật ong", "tinh dầu tràm")),
    _s("sen-thap-muoi", "Sen Tháp Mười", "Công ty TNHH Sen Tháp Mười Xanh", "enterprise",
       "Nguyễn Thị Kim Liên", "Đồng Tháp", "Tháp Mười", ["hat-sen", "tra-tim-sen", "tour-dong-sen"],
       "Đồng sen Tháp Mười rộng 20 ha, chế biến hạt sen, trà tim sen và đón khách tham quan.",
       street="Quốc lộ 30, khóm 3", id_prefix="14",
       sells=("sen",)),
    _s("may-tre-phu-nghia", "Mây tre Phú Nghĩa", "Hợp tác xã Mây tre đan Phú Nghĩa", "cooperative",
       "Nguyễn Văn Chiến", "Hà Nội", "Phú Nghĩa", ["gio-may", "den-may-tre", "khay-tre"],
       "Làng nghề mây tre đan hơn 400 năm tuổi ở Chương Mỹ, hàng đan tay xuất khẩu.",
       street="Thôn Phú Vinh",
       old_district="huyện Chương Mỹ", id_prefix="01",
       sells=("mây", "tre")),
    _s("ban-pho-bac-ha", "Bản Phố Bắc Hà", "Hộ Giàng Seo Páo", "household",
       "Giàng Seo Páo", "Lào Cai", "Bắc Hà", ["ruou-ngo", "man-tam-hoa", "tour-bac-ha", "tho-cam"],
       "Gia đình người Mông nấu rượu ngô men lá, trồng mận, dệt khăn thổ cẩm và đón khách homestay ở nhà trình tường.",
       street="Thôn Bản Phố 1", old_district="huyện Bắc Hà",
       id_prefix="010",
       sells=("rượu ngô", "mận", "homestay", "thổ cẩm")),
]
# fmt: on

# The officer serves the communes of the demo stalls in these provinces; the farmer owns
# the first stall.
OFFICER_PROVINCES = ("Cần Thơ", "An Giang")
FARMER_STALL = "banh-pia-huong-mai"

# Two-letter province short names of centrally-run cities use "UBND thành phố".
CITIES = {"Hà Nội", "Hải Phòng", "Huế", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"}

# The accounts `make demo` prints, in the order of the README's table (a test compares them).
DEMO_USERS = [
    # username, full name, role label, group or None, superuser
    ("admin", "Quản trị viên", "superuser", None, True),
    ("editor", "Phạm Thu Hà", roles.EDITOR, roles.EDITOR, False),
    ("officer", "Lê Minh Tuấn", roles.OFFICER, roles.OFFICER, False),
    # A second officer of the same communes (demo/onboarding_data.py gives them the officer's
    # communes), to approve what ``officer`` created for a household: the four-eyes rule.
    ("officer2", "Nguyễn Thanh Sơn", roles.OFFICER, roles.OFFICER, False),
    # Platform staff who see the platform's bank account (orders.payments.is_finance).
    ("finance", "Đỗ Thị Lan", roles.FINANCE, roles.FINANCE, False),
    ("farmer", "Trần Thị Mai", roles.FARMER, roles.FARMER, False),
]
DEMO_PASSWORD = "demo12345"


# ---------------------------------------------------------------------------
# The plan: plain rows, decided by one seeded random generator.


@dataclass
class CertificatePlan:
    stars: int
    score: int
    decision_number: str
    decision_date: datetime.date
    level: str
    issuing_body: str
    status: str
    expires_on: datetime.date | None = None  # None: the model's default (36 months)


@dataclass
class CertificationPlan:
    kind: str
    number: str
    issued_on: datetime.date
    expires_on: datetime.date | None


@dataclass
class ProductPlan:
    stall: str
    base: str
    name: str
    category: str
    short_description: str
    description: str
    unit: str
    price: int
    stock: int
    weight_grams: int | None
    published_at_days_ago: int
    published_at_minutes: int
    images: list[str] = field(default_factory=list)  # image keys: "<base>" or "<base>/2"
    certificate: CertificatePlan | None = None
    certifications: list[CertificationPlan] = field(default_factory=list)


def product_name(base: Base, flavour: str, size_label: str) -> str:
    return " ".join(p for p in (base.name, flavour) if p) + f" – {size_label}"


def _round_price(value: float) -> int:
    step = 5_000 if value >= 200_000 else 1_000
    return max(15_000, int(round(value / step)) * step)


def _months_ago(today: datetime.date, months: int, day: int) -> datetime.date:
    month_index = today.year * 12 + today.month - 1 - months
    year, month = divmod(month_index, 12)
    return datetime.date(year, month + 1, min(day, 28))


def _variants(base: Base):
    return [(f, s) for s in SIZES[base.sizes] for f in base.flavours]


def _issuer(stall: StallData, level: str, decision_date: datetime.date) -> str:
    if level == "central":
        if decision_date < datetime.date(2025, 3, 1):
            return "Bộ Nông nghiệp và Phát triển nông thôn"
        return "Bộ Nông nghiệp và Môi trường"
    if level == "district":
        return f"UBND {stall.old_district}"
    if decision_date < datetime.date(2025, 7, 1) and stall.old_province:
        return f"UBND tỉnh {stall.old_province}"
    prefix = "thành phố" if stall.province in CITIES else "tỉnh"
    return f"UBND {prefix} {stall.province}"


def _certificate(rng: random.Random, stall: StallData, today: datetime.date, expired: bool) -> CertificatePlan:
    # Every draw happens whatever the branch, so the stream (and the decision numbers that
    # key the rows) does not change with the day the command runs.
    stars_roll, level_roll, status_roll = rng.random(), rng.random(), rng.random()
    months, day, number, score_roll = rng.randint(1, 33), rng.randint(1, 28), rng.randint(100, 4999), rng.random()
    stars = 5 if stars_roll < 0.1 else 4 if stars_roll < 0.5 else 3
    if expired:
        # Recognised more than 36 months ago: either marked expired or left "active" past its date.
        decision_date = _months_ago(today, 36 + months % 14 + 1, day)
        status = "expired" if status_roll < 0.5 else "active"
    else:
        decision_date = _months_ago(today, months, day)
        status = "active"
    if stars == 5:
        level, decision_number, score = "central", f"{number}/QĐ-BNN-VPĐP", 90 + int(score_roll * 9)
    else:
        district_ok = stars == 3 and stall.old_district and decision_date < datetime.date(2025, 7, 1)
        level = "district" if district_ok and level_roll < 0.4 else "province"
        decision_number = f"{number}/QĐ-UBND"
        score = 70 + int(score_roll * 20) if stars == 4 else 50 + int(score_roll * 20)
    return CertificatePlan(
        stars=stars,
        score=score,
        decision_number=decision_number,
        decision_date=decision_date,
        level=level,
        issuing_body=_issuer(stall, level, decision_date),
        status=status,
    )


def _certifications(rng: random.Random, base: Base, today: datetime.date) -> list[CertificationPlan]:
    if not base.cert or rng.random() < 0.25:
        return []
    issued = _months_ago(today, rng.randint(2, 20), rng.randint(1, 28))
    if base.cert == "vietgap":
        parts = (rng.randint(10, 99), rng.randint(1, 99), rng.randint(1, 96), rng.randint(1, 9999))
        number = "VietGAP-TT-{}-{:02d}-{:02d}-{:04d}".format(*parts)
        return [CertificationPlan("vietgap", number, issued, _months_ago(issued, -24, issued.day))]
    if base.cert == "organic":
        number = f"TCVN 11041:2017 – {rng.randint(100, 999)}/HC"
        return [CertificationPlan("organic", number, issued, _months_ago(issued, -36, issued.day))]
    number = f"{rng.randint(1, 40):02d}/{issued.year}/TCB"
    return [CertificationPlan("food_safety", number, issued, None)]


def _pick_lines(rng: random.Random, counts: dict[tuple[str, str], int], share: float) -> set[tuple[str, str]]:
    """Product lines (stall, base) covering about ``share`` of the listings, chosen at random."""
    lines = sorted(counts)
    rng.shuffle(lines)
    target, total, picked = share * sum(counts.values()), 0, set()
    for line in lines:
        if total + counts[line] / 2 > target:
            continue
        picked.add(line)
        total += counts[line]
    return picked


def build_plan(today: datetime.date) -> list[ProductPlan]:
    """Exactly ``PRODUCTS_PER_STALL`` listings per stall, the same every run for a given day."""
    rng = random.Random(SEED)
    stalls = {s.slug: s for s in STALLS}
    plans: list[ProductPlan] = []
    for stall in STALLS:
        bases = [BASES_BY_KEY[k] for k in stall.bases]
        queues = [_variants(b) for b in bases]
        if sum(len(q) for q in queues) < PRODUCTS_PER_STALL:
            raise ValueError(f"{stall.slug}: not enough variants for {PRODUCTS_PER_STALL} products")
        chosen: list[tuple[Base, str, tuple]] = []
        i = 0
        while len(chosen) < PRODUCTS_PER_STALL:
            b, queue = bases[i % len(bases)], queues[i % len(bases)]
            if queue:
                flavour, size = queue.pop(0)
                chosen.append((b, flavour, size))
            i += 1
        for b, flavour, (label, unit, grams, factor) in chosen:
            jitter = 1 + rng.uniform(-0.04, 0.04)
            packing = f"Quy cách: {label}" + (f", {flavour}" if flavour else "") + "."
            plans.append(
                ProductPlan(
                    stall=stall.slug,
                    base=b.key,
                    name=product_name(b, flavour, label),
                    category=b.category,
                    short_description=b.short,
                    description=f"<p>{b.desc} {packing}</p>",
                    unit=unit,
                    price=_round_price(b.price * factor * jitter),
                    stock=rng.randint(5, 250),
                    weight_grams=grams,
                    published_at_days_ago=rng.randint(1, 180),
                    published_at_minutes=rng.randint(7 * 60, 21 * 60),
                    images=[b.key, f"{b.key}/2"] if rng.random() < 0.45 else [b.key],
                )
            )
    for index in rng.sample(range(len(plans)), round(len(plans) * OUT_OF_STOCK_SHARE)):
        plans[index].stock = 0

    # One OCOP decision per product line (its pack sizes share it), about 80% of the
    # listings, and about 10% of those decisions already past their 36 months.
    counts: dict[tuple[str, str], int] = {}
    for plan in plans:
        counts[(plan.stall, plan.base)] = counts.get((plan.stall, plan.base), 0) + 1
    uncertified = _pick_lines(rng, counts, 1 - CERTIFIED_SHARE)
    certified = {line: n for line, n in counts.items() if line not in uncertified}
    expired = _pick_lines(rng, certified, EXPIRED_SHARE)
    certificates, others = {}, {}
    for line in sorted(counts):
        stall, base = stalls[line[0]], BASES_BY_KEY[line[1]]
        certificates[line] = _certificate(rng, stall, today, line in expired) if line in certified else None
        others[line] = _certifications(rng, base, today)
    for plan in plans:
        plan.certificate = certificates[(plan.stall, plan.base)]
        plan.certifications = others[(plan.stall, plan.base)]

    names = [p.name for p in plans]
    if len(set(names)) != len(names):
        raise ValueError("Demo product names are not unique.")
    return plans


def stall_identity(stall: StallData) -> dict[str, str]:
    """Tax code or personal ID (by the length of ``id_prefix``) and a mobile number, fixed per stall."""
    rng = random.Random(f"{SEED}:{stall.slug}")
    phone = f"0{rng.choice('389')}{rng.randint(10_000_000, 99_999_999)}"
    if len(stall.id_prefix) == 3:
        # CCCD: birth province (3 digits), century and sex, year of birth, 6 digits.
        number = f"{stall.id_prefix}{rng.choice('0123')}{rng.randint(55, 99):02d}{rng.randint(0, 999_999):06d}"
        return {"personal_id": number, "tax_code": "", "phone": phone}
    return {"personal_id": "", "tax_code": f"{stall.id_prefix:0>2}{rng.randint(0, 99_999_999):08d}", "phone": phone}
