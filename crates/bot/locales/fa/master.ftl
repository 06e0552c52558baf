# The master bot: platform admins' area, self-service onboarding, suspended shops
# (crates/bot/src/admin/{master,onboarding}.rs, crates/runtime/src/webhook.rs).
mst-unavailable = { $shop } موقتاً در دسترس نیست. لطفاً بعداً دوباره تلاش کنید.
mst-home = 🏢 پلتفرم
    🤖 فروشگاه‌ها: { $active } فعال، { $suspended } معلق، { $disabled } غیرفعال
    👥 مشتریان: { $customers }
    ✅ اشتراک‌های فعال: { $subs }
    💰 درآمد: { $revenue }
mst-btn-tenants = 📋 فروشگاه‌ها
mst-btn-add = ➕ افزودن فروشگاه
mst-btn-requests = 📥 درخواست‌های فروشگاه ({ $count })
mst-btn-broadcast = 📣 پیام به صاحبان فروشگاه‌ها
mst-tenants = 📋 فروشگاه‌ها، صفحه { $page }:
mst-tenant-line = { $icon } #{ $id } { $name } — 👥 { $customers } · ✅ { $subs } · 💰 { $revenue }
mst-no-tenants = هنوز فروشگاهی وجود ندارد.
mst-tenant = { $icon } #{ $id } { $name } { $username }
    وضعیت: { $status }
    مالک: { $owner }
    👥 مشتریان: { $customers }
    ✅ اشتراک‌های فعال: { $subs }
    💰 درآمد: { $revenue }
mst-status-active = فعال
mst-status-suspended = معلق
mst-status-disabled = غیرفعال
mst-nobody = —
mst-none = هنوز چیزی نیست
mst-btn-suspend = ⏸ تعلیق
mst-btn-resume = ▶️ ازسرگیری
mst-btn-features = 🧩 امکانات
mst-features = 🧩 امکانات { $name } (برای تغییر لمس کنید):
mst-suspended = معلق شد: مشتریانش اکنون پیام مؤدبانهٔ «در دسترس نیست» می‌گیرند.
mst-resumed = ازسر گرفته شد.
mst-master-fixed = ربات اصلی را اینجا نمی‌توان تغییر داد.
mst-unknown-tenant = چنین فروشگاهی وجود ندارد.
mst-ask-token = توکن ربات فروشگاه جدید را (از @BotFather) بفرستید. پیام شما بلافاصله پس از خواندن حذف می‌شود.
mst-bad-token = این توکن ربات نیست. آن را دقیقاً همان‌طور که @BotFather داده بفرستید.
mst-token-taken = این ربات قبلاً ثبت شده است.
mst-token-unknown = تلگرام این توکن را نمی‌پذیرد. آن را در @BotFather بررسی کنید.
mst-token-again = برای امنیت شما، توکن هنگام راه‌اندازی دوبارهٔ سرویس نگه داشته نشد. لطفاً آن را دوباره بفرستید.
mst-added = ✅ فروشگاه #{ $id } { $name } افزوده شد.
    
    ⚠️ توکن API آن فقط همین یک بار نمایش داده می‌شود — همین حالا آن را امن نگه دارید:
    { $token }
mst-ask-broadcast = پیام برای صاحبان فروشگاه‌ها ({ $count }) را بفرستید.
mst-broadcast-sent = برای { $count } صاحب فروشگاه ارسال شد.
mst-requests = 📥 درخواست‌های فروشگاه در انتظار تأیید:
mst-no-requests = هیچ درخواستی در انتظار نیست.
mst-request-line = #{ $id }: { $plan } ({ $fee })، @{ $bot }، کاربر { $user }
mst-btn-approve = ✅ #{ $id }
mst-btn-reject = ❌ #{ $id }
mst-approved = تأیید شد: فروشگاه #{ $bot } ساخته شد.
mst-rejected = رد شد؛ هزینه بازگردانده شد.
mst-already-decided = دربارهٔ این درخواست قبلاً تصمیم گرفته شده است.
mst-new-request = 📥 درخواست فروشگاه جدید #{ $id }: طرح { $plan } ({ $fee } پرداخت شده)، ربات @{ $bot }. همین‌جا تصمیم بگیرید، یا بعداً در /admin ← 🏢 پلتفرم ← درخواست‌های فروشگاه.
mst-btn-open-shop = 🤖 فروشگاه خودتان را باز کنید
mst-onb-plans = 🤖 فروشگاه VPN خودتان در تلگرام
    
    یک طرح انتخاب کنید. هزینهٔ راه‌اندازی از کیف پول شما پرداخت می‌شود (موجودی: { $balance }).
mst-onb-none = در حال حاضر طرحی ارائه نمی‌شود.
mst-onb-off = باز کردن فروشگاه در حال حاضر ممکن نیست.
mst-onb-plan = { $name }: { $fee }
mst-onb-ask-token = طرح { $plan } ({ $fee }).
    
    با @BotFather یک ربات بسازید و توکن آن را اینجا بفرستید. پیام شما بلافاصله پس از خواندن حذف می‌شود.
mst-onb-confirm = 🤖 ربات @{ $bot }
    طرح: { $plan }
    هزینهٔ راه‌اندازی: { $fee }
    موجودی شما: { $balance }
mst-onb-btn-pay = 💳 پرداخت و باز کردن فروشگاه
mst-onb-btn-topup = ➕ شارژ کیف پول
mst-onb-not-enough = موجودی کیف پول کافی نیست: { $balance } از { $fee }.
mst-onb-waiting = ✅ پرداخت شد. درخواست #{ $id } شما منتظر تأیید پلتفرم است؛ همین‌جا خبرتان می‌کنم.
mst-onb-created = 🎉 فروشگاه شما @{ $bot } باز شد! شما مالک و مدیر آن هستید: در آن /admin را بفرستید.
    
    ⚠️ توکن API شما فقط همین یک بار نمایش داده می‌شود — همین حالا آن را امن نگه دارید:
    { $token }
mst-onb-rejected = درخواست فروشگاه #{ $id } شما رد شد. مبلغ { $fee } به کیف پول شما بازگشت.
mst-onb-done = این درخواست قبلاً پرداخت شده است.
mst-onb-pending = درخواستی برای این ربات از قبل در انتظار است.
