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
    ⏳ { $days } روز · 📶 { $traffic } · 📱 { $devices }
    💰 قیمت: { $price }
    👛 موجودی شما: { $balance }
btn-pay = ✅ پرداخت { $price } از کیف پول
not-enough = موجودی شما ({ $balance }) برای { $price } کافی نیست. لطفاً ابتدا کیف پول را شارژ کنید.
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
