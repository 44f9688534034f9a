"""The demo text of the policy pages the law requires, in Vietnamese and English.

A starting point an operator's lawyer adapts in the admin, not legal advice. Each page is a
list of blocks: ``("h", heading)`` or ``("p", paragraph HTML)``. Written for what the site does
today: orders split by stall, a flat shipping fee per stall, card, VietQR or cash on delivery,
optional buyer accounts with a code sent by text message.
"""

import json

LEGAL_INDEX = {
    "slug": "chinh-sach",
    "title": "Chính sách",
    "intro": "Quy chế hoạt động, điều khoản và các chính sách của sàn OCOP Market.",
}
LEGAL_INDEX_EN = {"title": "Policies", "intro": "OCOP Market's operating rules, terms and policies."}

OPERATOR = {
    "operator_name": "Công ty TNHH OCOP Market Việt Nam",
    "business_registration": "Mã số doanh nghiệp 1801234567, do Phòng Đăng ký kinh doanh, Sở Tài chính "
    "thành phố Cần Thơ cấp lần đầu ngày 15/03/2024",
    "contact_email": "hotro@ocopmarket.example",
}

EFFECTIVE = "2026-01-01"

PAGES = [
    {
        "kind": "operating_rules",
        "slug": "quy-che-hoat-dong",
        "title": "Quy chế hoạt động sàn giao dịch thương mại điện tử OCOP Market",
        "intro": "Nguyên tắc chung, quyền và nghĩa vụ của đơn vị vận hành, người bán và người mua trên sàn.",
        "body": [
            ("h", "1. Nguyên tắc chung"),
            (
                "p",
                "OCOP Market là sàn giao dịch thương mại điện tử do đơn vị vận hành ghi ở chân trang quản lý. "
                "Người bán là các chủ thể OCOP (hộ sản xuất, tổ hợp tác, hợp tác xã, doanh nghiệp) có sản phẩm "
                "được công nhận từ 3 đến 5 sao; người mua là mọi tổ chức, cá nhân mua hàng trên sàn. Quy chế "
                "này theo Nghị định 52/2013/NĐ-CP, được sửa đổi, bổ sung bởi Nghị định 85/2021/NĐ-CP.",
            ),
            ("h", "2. Người bán"),
            (
                "p",
                "Người bán cung cấp cho sàn tên, địa chỉ, số điện thoại, mã số thuế hoặc số định danh, tài khoản "
                "nhận tiền và giấy chứng nhận OCOP còn hiệu lực; cán bộ Tổ Công nghệ số cộng đồng kiểm tra hồ sơ "
                "trước khi gian hàng được mở. Mỗi trang sản phẩm ghi tên, địa chỉ và số điện thoại của người bán.",
            ),
            (
                "p",
                "Người bán chịu trách nhiệm về chất lượng, nhãn hàng hóa, giá niêm yết và việc giao đúng hàng đã "
                "bán; không được đăng hàng cấm, hàng giả hoặc thông tin sai về chứng nhận OCOP.",
            ),
            ("h", "3. Người mua"),
            (
                "p",
                "Người mua có thể đặt hàng không cần tài khoản; cung cấp đúng tên, số điện thoại và địa chỉ nhận "
                "hàng, thanh toán theo phương thức đã chọn và kiểm tra hàng khi nhận.",
            ),
            ("h", "4. Đơn vị vận hành"),
            (
                "p",
                "Đơn vị vận hành kiểm duyệt gian hàng và sản phẩm, gỡ bỏ thông tin vi phạm, lưu thông tin giao dịch "
                "theo quy định, hỗ trợ giải quyết khiếu nại và phối hợp với cơ quan nhà nước khi được yêu cầu.",
            ),
            ("h", "5. Sửa đổi quy chế"),
            (
                "p",
                "Mọi thay đổi được công bố trên trang này ít nhất 5 ngày trước khi áp dụng; đơn hàng đã đặt theo "
                "quy chế đang có hiệu lực tại thời điểm đặt.",
            ),
        ],
        "en": {
            "title": "OCOP Market operating rules",
            "intro": "General principles, and the rights and duties of the operator, sellers and buyers.",
            "body": [
                ("h", "1. General principles"),
                (
                    "p",
                    "OCOP Market is an e-commerce marketplace run by the operator named in the footer. Sellers are "
                    "OCOP producers (households, cooperative groups, cooperatives, enterprises) with products "
                    "certified 3 to 5 stars; buyers are anyone who buys on the marketplace. These rules follow "
                    "Decree 52/2013/NĐ-CP as amended by Decree 85/2021/NĐ-CP.",
                ),
                ("h", "2. Sellers"),
                (
                    "p",
                    "Sellers give the marketplace their name, address, phone number, tax code or ID number, payout "
                    "account and a valid OCOP certificate; an officer of the community digital-technology team "
                    "checks them before the stall opens. Every product page shows the seller's name, address and "
                    "phone number.",
                ),
                (
                    "p",
                    "Sellers are responsible for the quality, labelling and listed price of what they sell, and for "
                    "delivering what was ordered; banned or counterfeit goods and false OCOP claims are forbidden.",
                ),
                ("h", "3. Buyers"),
                (
                    "p",
                    "Buyers can order without an account; they give a correct name, phone number and delivery "
                    "address, pay by the method they chose and check the goods on delivery.",
                ),
                ("h", "4. The operator"),
                (
                    "p",
                    "The operator reviews stalls and products, removes infringing content, keeps transaction "
                    "records as the law requires, helps settle complaints and works with the authorities on request.",
                ),
                ("h", "5. Changes"),
                (
                    "p",
                    "Changes are published on this page at least 5 days before they apply; an order follows the "
                    "rules in force when it was placed.",
                ),
            ],
        },
    },
    {
        "kind": "terms",
        "slug": "dieu-khoan-su-dung",
        "title": "Điều khoản sử dụng",
        "intro": "Điều kiện giao dịch chung khi mua hàng trên OCOP Market.",
        "body": [
            ("h", "Đặt hàng và hợp đồng"),
            (
                "p",
                "Khi bạn bấm “Đặt hàng”, đơn hàng được gửi tới từng gian hàng có sản phẩm trong giỏ. Hợp đồng mua "
                "bán được giao kết giữa bạn và người bán khi gian hàng xác nhận chuẩn bị hàng; đơn vị vận hành "
                "không phải là người bán.",
            ),
            ("h", "Giá và khuyến mãi"),
            (
                "p",
                "Giá niêm yết bằng đồng Việt Nam, đã gồm thuế; phí giao hàng của từng gian hàng hiện ở giỏ hàng và "
                "trang thanh toán trước khi bạn đặt. Giá khuyến mãi áp dụng trong thời gian ghi trên trang khuyến mãi.",
            ),
            ("h", "Tài khoản người mua"),
            (
                "p",
                "Tài khoản là tùy chọn. Bạn đăng nhập bằng mã 6 chữ số gửi qua tin nhắn tới số điện thoại; không "
                "đưa mã cho người khác. Trong tài khoản bạn xem mọi đơn đặt bằng số điện thoại đó và các địa chỉ "
                "đã lưu.",
            ),
            ("h", "Hành vi bị cấm"),
            (
                "p",
                "Không đặt hàng giả mạo, không dùng thông tin của người khác, không can thiệp vào hệ thống hay thu "
                "thập dữ liệu của sàn trái phép.",
            ),
        ],
        "en": {
            "title": "Terms of use",
            "intro": "The general terms of buying on OCOP Market.",
            "body": [
                ("h", "Orders and the contract"),
                (
                    "p",
                    "When you press “Place the order”, the order goes to each stall with products in your cart. The "
                    "sale contract is between you and the seller, made when the stall confirms it is preparing the "
                    "order; the operator is not the seller.",
                ),
                ("h", "Prices and promotions"),
                (
                    "p",
                    "Prices are in Vietnamese đồng, taxes included; each stall's shipping fee is shown in the cart "
                    "and at checkout before you order. Promotion prices apply during the dates on the promotion page.",
                ),
                ("h", "Buyer accounts"),
                (
                    "p",
                    "An account is optional. You sign in with a 6-digit code texted to your phone; never share the "
                    "code. Your account shows every order placed with that phone number and your saved addresses.",
                ),
                ("h", "Forbidden use"),
                (
                    "p",
                    "No fake orders, no use of another person's details, no interference with the system and no "
                    "unauthorised collection of the marketplace's data.",
                ),
            ],
        },
    },
    {
        "kind": "privacy",
        "slug": "chinh-sach-bao-mat",
        "title": "Chính sách bảo vệ dữ liệu cá nhân",
        "intro": "Dữ liệu nào được thu thập, vì sao, ai được xem, lưu bao lâu và quyền của bạn.",
        "body": [
            ("h", "Dữ liệu được thu thập"),
            (
                "p",
                "Khi bạn đặt hàng: họ tên, số điện thoại, e-mail (nếu có), địa chỉ nhận hàng và ghi chú. Khi bạn "
                "đăng nhập: số điện thoại và các địa chỉ bạn chọn lưu. Sàn không lưu số thẻ: thanh toán thẻ do đơn "
                "vị thanh toán xử lý.",
            ),
            ("h", "Mục đích và người được xem"),
            (
                "p",
                "Dữ liệu chỉ dùng để giao hàng, thanh toán, chăm sóc đơn hàng và giải quyết khiếu nại. Mỗi gian hàng "
                "chỉ thấy phần đơn hàng của mình; đơn vị vận chuyển nhận tên, số điện thoại và địa chỉ để giao. Sàn "
                "không bán hay cho thuê dữ liệu cá nhân.",
            ),
            ("h", "Thời gian lưu"),
            (
                "p",
                "Thông tin đơn hàng được lưu theo thời hạn pháp luật về kế toán và thuế yêu cầu; mã đăng nhập chỉ lưu "
                "dưới dạng mã băm và bị xóa sau một ngày.",
            ),
            ("h", "Quyền của bạn"),
            (
                "p",
                "Theo Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân, bạn có quyền được biết, đồng ý hoặc rút lại "
                "sự đồng ý, truy cập, chỉnh sửa, yêu cầu xóa, hạn chế xử lý và phản đối xử lý dữ liệu của mình. Gửi "
                "yêu cầu tới e-mail ở chân trang; sàn trả lời trong 72 giờ.",
            ),
        ],
        "en": {
            "title": "Privacy policy",
            "intro": "What personal data is collected, why, who sees it, how long it is kept and your rights.",
            "body": [
                ("h", "What is collected"),
                (
                    "p",
                    "When you order: your name, phone number, e-mail (if given), delivery address and note. When you "
                    "sign in: your phone number and the addresses you choose to save. Card numbers are never stored "
                    "here: card payments are handled by the payment provider.",
                ),
                ("h", "Why, and who sees it"),
                (
                    "p",
                    "The data is used only to deliver, take payment, look after your order and settle complaints. "
                    "Each stall sees only its own part of your order; the carrier receives your name, phone number "
                    "and address to deliver. Personal data is never sold or rented.",
                ),
                ("h", "How long it is kept"),
                (
                    "p",
                    "Order records are kept as long as accounting and tax law requires; sign-in codes are stored "
                    "only as a hash and deleted after a day.",
                ),
                ("h", "Your rights"),
                (
                    "p",
                    "Under Decree 13/2023/NĐ-CP on personal data protection you may be informed, give or withdraw "
                    "consent, access, correct, ask to delete, restrict and object to the processing of your data. "
                    "Write to the e-mail address in the footer; you get an answer within 72 hours.",
                ),
            ],
        },
    },
    {
        "kind": "returns",
        "slug": "doi-tra-hoan-tien",
        "title": "Chính sách đổi trả và hoàn tiền",
        "intro": "Khi nào được đổi trả, cách yêu cầu và thời hạn hoàn tiền.",
        "body": [
            ("h", "Trường hợp được đổi trả"),
            (
                "p",
                "Hàng giao sai, thiếu, hư hỏng, hết hạn sử dụng hoặc không đúng mô tả: báo cho gian hàng hoặc sàn "
                "trong 3 ngày kể từ khi nhận, kèm ảnh sản phẩm và bao bì. Thực phẩm đã mở nắp chỉ được đổi trả khi "
                "có lỗi của người bán.",
            ),
            ("h", "Hủy đơn"),
            (
                "p",
                "Gọi gian hàng hoặc sàn để hủy phần đơn của một gian hàng khi gian hàng chưa gửi hàng. Gian hàng hủy "
                "đơn phải ghi rõ lý do, hiện trên trang đơn hàng của bạn.",
            ),
            ("h", "Hoàn tiền"),
            (
                "p",
                "Đơn đã thanh toán bằng thẻ được hoàn về thẻ; đơn chuyển khoản VietQR được hoàn về tài khoản đã "
                "chuyển, trong 7 ngày làm việc kể từ khi yêu cầu được chấp nhận. Phí giao hàng được hoàn khi lỗi "
                "thuộc về người bán.",
            ),
        ],
        "en": {
            "title": "Returns and refunds",
            "intro": "When goods can be returned, how to ask, and when the money comes back.",
            "body": [
                ("h", "When you can return"),
                (
                    "p",
                    "Wrong, missing, damaged or expired goods, or goods not as described: tell the stall or the "
                    "marketplace within 3 days of delivery, with photos of the product and its packaging. Opened "
                    "food is returned only when the seller is at fault.",
                ),
                ("h", "Cancelling"),
                (
                    "p",
                    "Call the stall or the marketplace to cancel a stall's part of your order until the stall ships "
                    "it. A stall that cancels must give its reason, shown on your order's page.",
                ),
                ("h", "Refunds"),
                (
                    "p",
                    "Card payments are refunded to the card; VietQR transfers to the account they came from, within "
                    "7 working days of the refund being accepted. Shipping is refunded when the seller was at fault.",
                ),
            ],
        },
    },
    {
        "kind": "delivery",
        "slug": "giao-hang",
        "title": "Chính sách giao hàng",
        "intro": "Phạm vi, phí và thời gian giao hàng của các gian hàng.",
        "body": [
            ("h", "Phạm vi và người giao"),
            (
                "p",
                "Các gian hàng giao toàn quốc, qua đơn vị vận chuyển hoặc tự giao. Đơn nhiều gian hàng được tách "
                "thành nhiều kiện, mỗi gian hàng gửi phần của mình với mã vận đơn riêng.",
            ),
            ("h", "Phí giao hàng"),
            (
                "p",
                "Mỗi gian hàng thu một mức phí cố định cho mỗi đơn, miễn phí từ giá trị đơn do gian hàng đặt; phí "
                "hiện trong giỏ hàng trước khi đặt.",
            ),
            ("h", "Thời gian giao"),
            (
                "p",
                "Gian hàng chuẩn bị hàng trong 1–2 ngày làm việc; thời gian vận chuyển thường 1–3 ngày trong tỉnh "
                "và 3–7 ngày đi tỉnh khác. Trạng thái và mã vận đơn hiện trên trang đơn hàng.",
            ),
        ],
        "en": {
            "title": "Delivery",
            "intro": "Where stalls deliver, what it costs and how long it takes.",
            "body": [
                ("h", "Where, and who delivers"),
                (
                    "p",
                    "Stalls deliver nationwide, through a carrier or themselves. An order from several stalls "
                    "arrives as several parcels, each stall shipping its part with its own tracking number.",
                ),
                ("h", "Shipping fee"),
                (
                    "p",
                    "Each stall charges one flat fee per order, free from an order value the stall sets; the fee is "
                    "shown in the cart before you order.",
                ),
                ("h", "Delivery time"),
                (
                    "p",
                    "Stalls prepare orders in 1–2 working days; transport usually takes 1–3 days within the "
                    "province and 3–7 days to other provinces. The status and tracking number are on your "
                    "order's page.",
                ),
            ],
        },
    },
    {
        "kind": "payment",
        "slug": "thanh-toan",
        "title": "Chính sách thanh toán",
        "intro": "Các cách thanh toán và cách sàn giữ an toàn cho khoản tiền của bạn.",
        "body": [
            ("h", "Phương thức"),
            (
                "p",
                "Thẻ ngân hàng (qua cổng thanh toán), chuyển khoản VietQR bằng ứng dụng ngân hàng, hoặc tiền mặt khi "
                "nhận hàng. Số tiền phải trả, gồm phí giao hàng, hiện trước khi bạn đặt.",
            ),
            ("h", "Thời hạn thanh toán"),
            (
                "p",
                "Đơn thanh toán trực tuyến được giữ hàng trong thời gian ghi trên trang thanh toán; quá hạn chưa "
                "thanh toán thì đơn tự hủy và hàng được trả lại kho.",
            ),
            ("h", "An toàn"),
            (
                "p",
                "Sàn không lưu số thẻ. Tiền chuyển khoản được đối soát tự động theo nội dung chuyển khoản, và được "
                "chuyển cho gian hàng theo bảng đối soát hằng tháng.",
            ),
        ],
        "en": {
            "title": "Payment",
            "intro": "How you can pay and how your money is kept safe.",
            "body": [
                ("h", "Methods"),
                (
                    "p",
                    "Bank card (through a payment gateway), VietQR transfer from your banking app, or cash on "
                    "delivery. The amount to pay, shipping included, is shown before you order.",
                ),
                ("h", "Time to pay"),
                (
                    "p",
                    "Goods of an order paid online are held for the time shown on the payment page; unpaid after "
                    "that, the order is cancelled and the goods go back on sale.",
                ),
                ("h", "Safety"),
                (
                    "p",
                    "Card numbers are never stored here. Transfers are matched automatically by their description, "
                    "and paid out to stalls with a monthly statement.",
                ),
            ],
        },
    },
    {
        "kind": "complaints",
        "slug": "giai-quyet-khieu-nai",
        "title": "Cơ chế giải quyết khiếu nại",
        "intro": "Cách gửi khiếu nại, thời hạn trả lời và các bước giải quyết tranh chấp.",
        "body": [
            ("h", "Gửi khiếu nại"),
            (
                "p",
                "Gọi số điện thoại hoặc gửi e-mail ghi ở chân trang, nêu số đơn hàng, nội dung và ảnh nếu có. Bạn "
                "cũng có thể liên hệ trực tiếp gian hàng qua số điện thoại trên trang sản phẩm.",
            ),
            ("h", "Các bước"),
            (
                "p",
                "Sàn xác nhận đã nhận khiếu nại trong 1 ngày làm việc và chuyển cho gian hàng; gian hàng trả lời trong "
                "3 ngày làm việc. Nếu hai bên chưa thống nhất, sàn làm trung gian hòa giải và trả lời kết quả trong "
                "10 ngày làm việc kể từ khi nhận khiếu nại.",
            ),
            ("h", "Khi không hòa giải được"),
            (
                "p",
                "Bạn có thể yêu cầu cơ quan quản lý nhà nước về bảo vệ quyền lợi người tiêu dùng, trọng tài hoặc tòa "
                "án giải quyết; sàn cung cấp thông tin giao dịch liên quan theo quy định.",
            ),
        ],
        "en": {
            "title": "Complaint handling",
            "intro": "How to complain, when you get an answer and how disputes are settled.",
            "body": [
                ("h", "How to complain"),
                (
                    "p",
                    "Call the phone number or write to the e-mail address in the footer, with the order number, "
                    "what happened and photos if you have them. You can also call the stall on the number shown on "
                    "its product pages.",
                ),
                ("h", "The steps"),
                (
                    "p",
                    "The marketplace acknowledges your complaint within 1 working day and passes it to the stall, "
                    "which answers within 3 working days. If you do not agree, the marketplace mediates and gives "
                    "its answer within 10 working days of receiving the complaint.",
                ),
                ("h", "If mediation fails"),
                (
                    "p",
                    "You may turn to the consumer protection authority, arbitration or the courts; the marketplace "
                    "provides the records of the transaction as the law requires.",
                ),
            ],
        },
    },
    {
        "kind": "operator",
        "slug": "thong-tin-don-vi-van-hanh",
        "title": "Thông tin đơn vị vận hành",
        "intro": "Ai vận hành sàn OCOP Market và cách liên hệ.",
        "body": [
            (
                "p",
                "OCOP Market đưa sản phẩm OCOP của hộ sản xuất, hợp tác xã và doanh nghiệp nhỏ lên mạng, cùng Tổ Công "
                "nghệ số cộng đồng ở các xã, phường. Tên, địa chỉ, mã số doanh nghiệp, điện thoại và e-mail của đơn "
                "vị vận hành ghi ở trên và ở chân mọi trang.",
            ),
        ],
        "en": {
            "title": "About the operator",
            "intro": "Who runs OCOP Market and how to reach them.",
            "body": [
                (
                    "p",
                    "OCOP Market brings the OCOP products of farming households, cooperatives and small businesses "
                    "online, with the community digital-technology teams of the communes and wards. The operator's "
                    "name, address, registration number, phone and e-mail are above and at the foot of every page.",
                ),
            ],
        },
    },
]


def stream_json(blocks) -> str:
    """The blocks as the JSON of a LegalStreamBlock."""

    out = []
    for kind, text in blocks:
        if kind == "h":
            out.append({"type": "heading", "value": {"text": text, "size": "h2"}})
        else:
            out.append({"type": "paragraph", "value": f"<p>{text}</p>"})
    return json.dumps(out, ensure_ascii=False)
