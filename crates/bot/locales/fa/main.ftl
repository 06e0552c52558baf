welcome = { $name } عزیز، به { $shop } خوش آمدید!
    از منوی زیر آنچه نیاز دارید را انتخاب کنید.
welcome-back = { $name } عزیز، دوباره به { $shop } خوش آمدید!
menu-title = منوی اصلی { $shop }
btn-language = 🌐 زبان
btn-support = 💬 پشتیبانی
btn-back = ⬅️ بازگشت
language-choose = زبان خود را انتخاب کنید:
language-set = زبان به فارسی تغییر کرد.
menu-expired = این منو منقضی شده است؛ منوی تازه در ادامه آمده است.
unknown-input = متوجه نشدم. لطفاً از منوی زیر استفاده کنید.
btn-buy = 🛒 خرید اشتراک
btn-my-subs = 📋 اشتراک‌های من
btn-wallet = 👛 کیف پول
btn-trial = 🎁 اشتراک رایگان آزمایشی
plans-title = یک طرح را انتخاب کنید:
plans-empty = هنوز طرحی برای فروش نیست.
plan-summary = { $name }
    ⏳ { $days } روز · 📶 { $traffic }{ $devices }
    💰 قیمت: { $price }
    👛 موجودی شما: { $balance }
btn-pay = ✅ پرداخت { $price } از کیف پول
not-enough = موجودی شما ({ $balance }) برای { $price } کافی نیست. مابه‌التفاوت را از دکمه‌های زیر بپردازید یا کیف پول را شارژ کنید.
plan-gone = این طرح دیگر در دسترس نیست.
bought = ✅ مبلغ { $price } پرداخت شد. اشتراک شما در حال ساخت است…
already-bought = این خرید قبلاً انجام شده است.
no-panel = فروشگاه فعلاً نمی‌تواند اشتراک بسازد. لطفاً با پشتیبانی تماس بگیرید.
delivered = 🎉 اشتراک شما تا { $until } آماده است.
    روی لینک بزنید تا کپی شود و در برنامه VPN وارد کنید، یا کد QR را اسکن کنید:
refunded = ساخت اشتراک شما ممکن نشد و { $price } به کیف پول شما برگشت. بابت این مشکل پوزش می‌خواهیم!
trial-started = 🎁 اشتراک آزمایشی شما در حال ساخت است…
trial-used = شما قبلاً از اشتراک آزمایشی استفاده کرده‌اید.
subs-empty = هنوز اشتراکی ندارید.
subs-title = اشتراک‌های شما:
wallet-title = 👛 موجودی: { $balance }
wallet-empty = هنوز تراکنشی ندارید.
traffic-unlimited = حجم نامحدود
plan-devices = {" "}· 📱 { $devices }
devices-any = بدون محدودیت دستگاه
devices-n = { $n } دستگاه
status-active = ✅ فعال، { $days } روز باقی‌مانده
status-provisioning = ⏳ در حال ساخت
status-expired = ⌛ منقضی شده
status-disabled = ⛔ غیرفعال
status-failed = ❌ ناموفق (بازپرداخت شد)
admin-refunded = ⚠️ اشتراک #{ $id } مشتری { $customer } ساخته نشد ({ $error })؛ مبلغ { $price } به کیف پول برگشت.
btn-invite = 👥 دعوت از دوستان
invite-text = لینک خود را به اشتراک بگذارید: با هر خرید دوستانی که با این لینک بیایند، { $percent }٪ مبلغ خرید به کیف پول شما اضافه می‌شود.

    { $link }

    دوستان دعوت‌شده: { $count } · درآمد: { $earned }
referral-earned = 🎉 یکی از دوستان دعوت‌شده شما خرید کرد: { $amount } به کیف پول شما اضافه شد.
reminder = ⏰ اشتراک #{ $id } شما { $days } روز دیگر تمام می‌شود. برای قطع نشدن، به‌موقع طرح جدید بخرید.
expired = ⌛ اشتراک #{ $id } شما به پایان رسید. از منو می‌توانید طرح جدید بخرید.
btn-promo = 🏷 کد تخفیف
promo-ask = کد تخفیف خود را به صورت پیام بفرستید.
promo-credited = 🎁 { $amount } به کیف پول شما اضافه شد. موجودی: { $balance }.
promo-percent = 🏷 کد پذیرفته شد: { $percent }٪ تخفیف روی خرید بعدی شما.
promo-days = 🏷 کد پذیرفته شد: { $days } روز هدیه روی خرید بعدی شما.
promo-unknown = این کد تخفیف وجود ندارد.
promo-not-now = این کد تخفیف در حال حاضر معتبر نیست.
promo-used-up = ظرفیت این کد تخفیف تمام شده است.
promo-already = شما قبلاً از این کد تخفیف استفاده کرده‌اید.
promo-line = 🏷 { $code }: { $benefit }
btn-ticket = ✉️ پیام به پشتیبانی
ticket-ask = پیام خود را برای پشتیبانی بنویسید؛ پاسخ ادمین همین‌جا می‌رسد.
ticket-sent = ✅ برای پشتیبانی ارسال شد (تیکت #{ $id }). پاسخ را همین‌جا دریافت می‌کنید.
ticket-admin = 🎫 تیکت #{ $id } از { $name } (شناسه { $customer }):

    { $text }
ticket-admin-part = 🎫 تیکت #{ $id } (بخش { $part } از { $parts }):
ticket-answer-invalid = ⚠️ پاسخ به تیکت #{ $id } حداکثر { $max } نویسه است؛ پاسخ شما { $length } نویسه دارد. چیزی ارسال نشد — لطفاً پاسخ کوتاه‌تری بنویسید.
btn-ticket-reply = ✍️ پاسخ
btn-ticket-close = ✅ بستن
ticket-answer-ask = پاسخ خود به تیکت #{ $id } را بنویسید.
ticket-answer = 💬 پشتیبانی (تیکت #{ $id }):

    { $text }
ticket-answered = ✅ پاسخ شما به تیکت #{ $id } ارسال شد.
ticket-closed = ✅ تیکت #{ $id } بسته شد.
ticket-closed-customer = تیکت پشتیبانی #{ $id } شما بسته شد. هر زمان خواستید دوباره پیام دهید.
admins-only = فقط ادمین‌های این فروشگاه می‌توانند این کار را انجام دهند.
btn-renew = 🔄 تمدید #{ $id }
renewing = ✅ مبلغ { $price } پرداخت شد. اشتراک #{ $id } در حال تمدید است…
renewed = 🔄 اشتراک #{ $id } تا { $until } تمدید شد.
btn-auto-on = 🔁 تمدید خودکار از کیف پول: روشن
btn-auto-off = 🔁 تمدید خودکار از کیف پول: خاموش
btn-qr = 📷 لینک و QR #{ $id }
btn-top-up = ➕ افزایش موجودی
method-card = 💳 کارت به کارت
method-zarinpal = 🌐 پرداخت آنلاین (زرین‌پال)
method-stars = ⭐ استارز تلگرام
btn-diff-card = 💳 پرداخت { $amount } با کارت به کارت
btn-diff-zarinpal = 🌐 پرداخت آنلاین { $amount }
btn-diff-stars = ⭐ پرداخت { $amount } با استارز
no-methods = در حال حاضر هیچ روش پرداختی فعال نیست. لطفاً با پشتیبانی تماس بگیرید.
topup-choose = با چه روشی می‌خواهید موجودی را افزایش دهید؟
topup-amount = { $method }: مبلغ را به عدد بفرستید، از { $min } تا { $max }.
amount-invalid = لطفاً مبلغ را به صورت عدد صحیح بفرستید، مثلاً 150000.
amount-out-of-range = مبلغ باید بین { $min } و { $max } باشد. لطفاً مبلغ دیگری بفرستید.
already-enough = موجودی شما برای این پلن کافی است — «پرداخت از کیف پول» را بزنید.
card-open-elsewhere = شما یک پرداخت در انتظار بررسی دارید. لطفاً ابتدا منتظر نتیجه آن بمانید.
no-card-today = امروز امکان پرداخت کارت به کارت با این مبلغ نیست. مبلغ کمتر، روش دیگر یا فردا را امتحان کنید.
card-pay = 💳 دقیقاً مبلغ <b>{ $amount }</b> را به این کارت واریز کنید:

    { $number }
    { $bank } — { $holder }

    کد پیگیری: <b>{ $code }</b>
    تا { $minutes } دقیقه پرداخت کنید، سپس تصویر رسید را همین‌جا بفرستید (یا شماره پیگیری بانک را به صورت متن).
btn-cancel-payment = ✖️ لغو این پرداخت
payment-cancelled = پرداخت لغو شد.
payment-not-cancellable = پرداختی برای لغو وجود ندارد (رسید ارسال‌شده منتظر بررسی مدیران است).
receipt-received = 🧾 رسید پرداخت { $code } دریافت شد. به‌زودی بررسی می‌شود و نتیجه را پیام می‌دهیم.
receipt-admin = 🧾 پرداخت #{ $id } ({ $code })
    از: { $name } · شناسه { $customer }
    مبلغ: { $amount }
    کارت: { $card }
    توضیح:
    { $text }
btn-approve = ✅ تأیید
btn-reject = ❌ رد
receipt-approved = تأیید و به کیف پول اضافه شد.
receipt-approved-by = ✅ پرداخت { $code } توسط { $admin } تأیید شد.
receipt-rejected-by = ❌ پرداخت { $code } توسط { $admin } رد شد.
reject-reason-ask = دلیل رد پرداخت { $code } چیست؟ در پاسخ بنویسید؛ مشتری آن را می‌بیند.
receipt-already-approved = این پرداخت قبلاً تأیید شده است.
receipt-already-rejected = این پرداخت قبلاً رد شده است.
receipt-closed = این پرداخت بسته شده است (منقضی یا لغو).
stars-title = افزایش موجودی
stars-description = { $credit } برای کیف پول شما (پرداخت { $code }).
stars-label = افزایش موجودی
stars-expired = این صورت‌حساب منقضی شده است. لطفاً دوباره اقدام کنید.
stars-invalid = این صورت‌حساب دیگر معتبر نیست. لطفاً دوباره اقدام کنید.
stars-unmatched = استارز شما دریافت شد اما به پرداختی مرتبط نشد. به پشتیبانی اطلاع داده شد؛ لطفاً با آن‌ها تماس بگیرید.
stars-kept = ✅ پرداخت استارز شما رسید. افزودن آن به کیف پول کمی بیشتر از معمول طول می‌کشد — به‌زودی واریز می‌شود و به مدیران فروشگاه اطلاع داده شد.
stars-kept-admin = ⚠️ پرداخت { $code } (#{ $id }): مشتری { $customer } مبلغ { $stars } پرداخت کرد (شناسهٔ تراکنش { $charge })، اما واریز { $credit } ناموفق بود: { $error }. شناسهٔ تراکنش روی پرداخت نگه داشته شد و واریز خودکار دوباره امتحان می‌شود؛ اگر پرداخت نشده ماند، مبلغ را دستی واریز کنید.
stars-unmatched-admin = ⚠️ مشتری { $customer } مبلغ { $stars } پرداخت کرد (شناسهٔ تراکنش { $charge })، اما با هیچ پرداختی که بتواند آن را بپذیرد جور نیست: { $error }. لطفاً آن را دستی واریز یا بازپرداخت کنید.
update-failed = مشکلی از سمت ما پیش آمد. لطفاً چند لحظهٔ دیگر دوباره امتحان کنید.
zarinpal-preparing = 🌐 در حال آماده‌سازی لینک پرداخت { $amount } (پرداخت { $code })…
zarinpal-link = 🌐 پرداخت آنلاین { $amount } (پرداخت { $code }). پس از پرداخت خودکار به اینجا برمی‌گردید.
btn-zarinpal-pay = 🌐 پرداخت
payment-paid = ✅ پرداخت { $code } تأیید شد: { $credit } به کیف پول شما اضافه شد. موجودی: { $balance }.
payment-rejected = ❌ پرداخت { $code } پذیرفته نشد: { $reason }
payment-expired = ⌛ مهلت پرداخت { $code } تمام شد. اگر پرداخت کرده‌اید با این کد به پشتیبانی پیام دهید.
payment-failed = پرداخت { $code } انجام نشد. مبلغی از کیف پول شما کم نشد.
purchase-bought = 🛒 پلن شما با آن خریداری شد؛ اشتراک در حال ساخت است.
purchase-not-enough = پلن خریداری نشد: موجودی فعلی برای قیمت آن کافی نیست. مبلغ در کیف پول شماست.
purchase-plan-gone = این پلن دیگر فروخته نمی‌شود؛ مبلغ در کیف پول شما می‌ماند.
card-waiting = رسید پرداخت { $code } در دست بررسی مدیران است؛ به محض تصمیم به شما پیام می‌دهیم.
admin-title = 🛠 مدیریت — امروز
    👥 مشتریان: { $customers } (جدید امروز: { $new })
    ✅ اشتراک‌های فعال: { $active }
    💰 دریافتی امروز: { $revenue }
    🧾 رسیدهای در انتظار: { $pending }
btn-admin-receipts = 🧾 رسیدهای در انتظار ({ $count })
admin-no-receipts = رسیدی در انتظار نیست.
admin-receipts-sent = نمایش { $shown } از { $total } رسید در انتظار، قدیمی‌ترین اول.
