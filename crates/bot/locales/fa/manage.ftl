# بخش‌های مدیریت فروشگاه (crates/bot/src/admin/{customers,subscriptions,plans,cards,settings,promos,tickets}.rs).

## Shared
mng-cancel = ✖️ انصراف
mng-invalid =
    ⚠️ { $why }
    { $question }
mng-gone = پیدا نشد.
mng-text-please = لطفاً با یک پیام متنی پاسخ دهید.
mng-none = ندارد
mng-saved = ✅ ذخیره شد.
mng-enable = ✅ فعال کردن
mng-disable = ⛔️ غیرفعال کردن
mng-up = 🔼 بالاتر
mng-down = 🔽 پایین‌تر
mng-yes-disable = ⛔️ بله، غیرفعال شود
mng-yes-reset = 🔄 بله، لینک جدید صادر شود

## Customers
mng-cust-title = 👥 مشتریان (صفحه { $page }). یکی را انتخاب کنید یا جستجو کنید.
mng-cust-none = 👥 هنوز مشتری‌ای نیست.
mng-cust-search = 🔎 جستجو
mng-cust-search-ask = شناسه تلگرام (عدد) یا @نام‌کاربری (یا ابتدای آن) را بفرستید.
mng-cust-found = { $count } مشتری پیدا شد:
mng-cust-not-found = مشتری‌ای پیدا نشد.
mng-cust-view =
    👤 { $who }
    مشتری #{ $id } · زبان { $language } · از { $since }
    وضعیت: { $status }
    کیف پول: { $balance }
mng-cust-is-banned = ⛔️ مسدود
mng-cust-is-ok = ✅ فعال
mng-cust-ledger = آخرین تراکنش‌های کیف پول:
mng-cust-payments = آخرین پرداخت‌ها:
mng-cust-sub = 📦 اشتراک #{ $id } ({ $status })
mng-cust-ban = ⛔️ مسدود کردن
mng-cust-unban = ✅ رفع مسدودی
mng-cust-banned = مشتری مسدود شد: ربات دیگر به او پاسخ نمی‌دهد.
mng-cust-unbanned = مسدودی مشتری برداشته شد.
mng-cust-ban-admin = مدیر این فروشگاه را نمی‌توان مسدود کرد؛ ابتدا او را از مدیران حذف کنید.
mng-cust-adjust = 💰 اصلاح کیف پول
mng-cust-amount-ask = کیف پول { $who }: { $balance }. مبلغ افزایش را بفرستید (عدد منفی برداشت است).
mng-cust-amount-bad = مبلغ باید عددی صحیح و غیر صفر باشد.
mng-cust-amount-over = موجودی کیف پول به این اندازه نیست.
mng-cust-reason-ask = دلیل؟ در تاریخچه کیف پول ثبت می‌شود (۱ تا ۲۰۰ نویسه).
mng-cust-reason-bad = دلیل باید ۱ تا ۲۰۰ نویسه و در یک خط باشد.
mng-cust-adjusted = ✅ { $amount } ثبت شد. موجودی فعلی { $balance }.
mng-cust-adjusted-before = این اصلاح قبلاً ثبت شده بود؛ چیزی تغییر نکرد.
mng-cust-wallet-changed = 💰 کیف پول شما به اندازه { $amount } اصلاح شد.

## Subscriptions
mng-sub-title = 📦 اشتراک‌ها (صفحه { $page }).
mng-sub-none = 📦 هنوز اشتراکی نیست.
mng-sub-view =
    📦 اشتراک #{ $id }
    مشتری: { $who }
    پلن: { $plan }
    وضعیت: { $status }
    از { $from } تا { $until }
    ترافیک: { $traffic }
    پرداخت‌شده: { $price }
mng-sub-trial = آزمایشی رایگان
mng-sub-extend = ➕ تمدید
mng-sub-reset = 🔄 لینک جدید
mng-sub-disable = ⛔️ غیرفعال کردن
mng-sub-customer = 👤 مشتری
mng-sub-days-ask = چند روز به اشتراک #{ $id } اضافه شود؟ (۱ تا ۳۶۵۰)
mng-sub-days-bad = تعداد روز را به صورت عدد صحیح از ۱ تا ۳۶۵۰ بفرستید.
mng-sub-extended = ✅ { $days } روز تمدید شد، تا { $until }.
mng-sub-not-active = فقط اشتراک فعال را می‌توان این‌گونه تغییر داد.
mng-sub-disable-confirm = اشتراک #{ $id } غیرفعال شود؟ کاربر آن در پنل خاموش می‌شود.
mng-sub-disabled = ⛔️ اشتراک غیرفعال شد.
mng-sub-disabled-before = قبلاً غیرفعال شده بود.
mng-sub-reset-confirm = برای اشتراک #{ $id } لینک جدید صادر شود؟ لینک قبلی از کار می‌افتد و مشتری لینک جدید را دریافت می‌کند.
mng-sub-reset-queued = 🔄 لینک جدید در راه مشتری است.
mng-sub-new-link = 🔄 اشتراک #{ $id } لینک جدیدی دارد و لینک قبلی دیگر کار نمی‌کند. این لینک را وارد کنید:

## Plans
mng-plan-title = 🗂 پلن‌ها (صفحه { $page }). ✅ در فروش، ⛔️ خارج از فروش.
mng-plan-none = 🗂 هنوز پلنی نیست.
mng-plan-add = ➕ افزودن پلن
mng-plan-view =
    🗂 پلن #{ $id }: { $name }
    { $days } روز · { $traffic } · دستگاه: { $devices }
    قیمت: { $price }
    { $status }
mng-plan-is-offered = ✅ در فروش
mng-plan-is-withdrawn = ⛔️ خارج از فروش
mng-plan-offer = ✅ عرضه
mng-plan-withdraw = ⛔️ توقف فروش
mng-plan-offered = پلن در فروش قرار گرفت.
mng-plan-withdrawn = فروش پلن متوقف شد.
mng-plan-publish = ✅ انتشار
mng-plan-draft = پلن به صورت پیش‌نویس (خارج از فروش) ذخیره شد. منتشر شود؟
mng-plan-cannot-move = بیش از این جابه‌جا نمی‌شود.
mng-plan-edit-name = ✏️ نام
mng-plan-edit-days = ✏️ روزها
mng-plan-edit-traffic = ✏️ ترافیک
mng-plan-edit-devices = ✏️ دستگاه‌ها
mng-plan-edit-price = ✏️ قیمت
mng-plan-name-ask = نام پلن (۱ تا ۶۴ نویسه)؟
mng-plan-days-ask = مدت پلن چند روز است؟ (۱ تا ۳۶۵۰)
mng-plan-traffic-ask = ترافیک به گیگابایت؟ (۰ = نامحدود)
mng-plan-devices-ask = چند دستگاه همزمان؟ (۰ = بدون محدودیت)
mng-plan-price-ask = قیمت (مبلغ صحیح)؟
mng-plan-price-bad = قیمت باید مبلغی صحیح از ۰ تا ۱٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰ باشد (۰ = رایگان).

mng-plan-options = ⚙️ تنظیمات پنل
mng-plan-panel-line = تنظیمات پنل: { $options }
mng-plan-options-title =
    ⚙️ تنظیمات پنل برای { $name }
    انتخاب‌شده: { $chosen }
    برای افزودن یا برداشتن بزنید. پلن فقط با گزینه‌هایی فروخته می‌شود که پنل واقعاً دارد.
mng-plan-options-all = { $field }: همه
mng-plan-options-all-button = { $field }: همه
mng-plan-options-none-chosen = هنوز چیزی انتخاب نشده
mng-plan-options-refresh = ↻ خواندن دوباره از پنل
mng-plan-options-refreshing = گزینه‌های پنل در حال خواندن است؛ چند ثانیه بعد دوباره ↻ را بزنید.
mng-plan-options-unknown = گزینه‌های پنل هنوز معلوم نیست. ↻ را بزنید و چند ثانیه بعد دوباره این صفحه را باز کنید.
mng-plan-options-no-panel = هنوز هیچ پنل VPN به این فروشگاه اختصاص نیافته است؛ مالک پلتفرم آن را تعیین می‌کند.
mng-plan-options-needed = ابتدا تنظیمات پنل این پلن را انتخاب کنید (⚙️ تنظیمات پنل).
mng-plan-options-gone = { $names } (دیگر) در پنل نیست.
mng-plan-options-unusable = { $names } چیزی برای اتصال ندارد و کاربرانش نمی‌توانند وصل شوند.
mng-plan-options-panel-empty = پنل چیزی برای انتخاب پلن ندارد و چیزی روی آن فروخته نمی‌شود.
mng-plan-options-refused = تنظیمات پنل ذخیره نشد: { $why }

## Cards
mng-card-title = 💳 کارت‌های بانکی (صفحه { $page })، مصرف امروز / سقف روزانه:
mng-card-none = 💳 هنوز کارتی ثبت نشده است.
mng-card-add = ➕ افزودن کارت
mng-card-view =
    💳 { $number }
    دارنده: { $holder } · بانک: { $bank }
    امروز: { $usage } ({ $payments } پرداخت)
    { $status }
mng-card-is-on = ✅ به مشتریان نمایش داده می‌شود
mng-card-is-off = ⛔️ نمایش داده نمی‌شود
mng-card-enabled = کارت فعال شد.
mng-card-disabled = کارت غیرفعال شد.
mng-card-number-ask = شماره کارت (۱۶ رقم)؟
mng-card-holder-ask = نام دارنده کارت، همان‌طور که بانک نشان می‌دهد؟
mng-card-holder-bad = نام باید ۱ تا ۶۴ نویسه باشد.
mng-card-cap-ask = سقف دریافت روزانه این کارت؟ (۰ = بدون سقف)
mng-card-cap-bad = یک مبلغ صحیح بفرستید (۰ برای بدون سقف).
mng-card-added = ✅ کارت اضافه شد.
mng-card-exists = این کارت قبلاً ثبت شده است.

## Settings
mng-set-title = ⚙️ امکانات: برای روشن یا خاموش کردن، روی هر مورد بزنید.
mng-set-config = 🔧 پیکربندی
mng-set-config-title = 🔧 پیکربندی: برای تغییر، روی یک کلید بزنید.
mng-set-ask =
    مقدار فعلی { $key }: { $value }
    مقدار جدید را بفرستید: { $expected }
mng-set-reset = ↩️ بازگشت به پیش‌فرض
mng-set-saved = ✅ { $key } = { $value }

## Promo codes
mng-promo-title = 🎟 کدهای تخفیف (صفحه { $page }).
mng-promo-none = 🎟 هنوز کد تخفیفی نیست.
mng-promo-add = ➕ افزودن کد
mng-promo-kind-ask = این کد چه می‌دهد؟
mng-promo-kind-bonus = 💰 هدیه کیف پول
mng-promo-kind-percent = ٪ درصد تخفیف
mng-promo-kind-days = 📅 روز اضافه
mng-promo-code-ask = کد (۳ تا ۳۲ حرف، رقم، _ یا -)؟
mng-promo-bonus-ask = چه مبلغی به کیف پول اضافه شود (مبلغ صحیح)؟
mng-promo-percent-ask = چند درصد تخفیف؟ (۱ تا ۱۰۰)
mng-promo-days-ask = چند روز اضافه؟ (۱ تا ۳۶۵)
mng-promo-uses-ask = در مجموع چند بار قابل استفاده است؟ (۰ = بدون محدودیت)
mng-promo-uses-bad = یک عدد صحیح بفرستید (۰ برای بدون محدودیت).
mng-promo-valid-ask = چند روز معتبر باشد؟ (۰ = بدون پایان)
mng-promo-valid-bad = تعداد روز را تا ۳۶۵۰ بفرستید (۰ برای بدون پایان).
mng-promo-exists = این فروشگاه این کد را از قبل دارد.
mng-promo-added = ✅ کد تخفیف اضافه شد.
mng-promo-n-days = { $days } روز
mng-promo-view =
    🎟 { $code }: { $benefit }
    { $uses } از { $limit } استفاده شده · تا { $until }
    { $status }
mng-promo-is-on = ✅ فعال
mng-promo-is-off = ⛔️ خاموش
mng-promo-on = کد روشن شد.
mng-promo-off = کد خاموش شد.

## Tickets
mng-ticket-title-open = 💬 تیکت‌های باز (صفحه { $page }):
mng-ticket-title-all = 💬 همه تیکت‌ها (صفحه { $page }):
mng-ticket-none = 💬 تیکتی اینجا نیست.
mng-ticket-all = 📚 همه تیکت‌ها
mng-ticket-open-only = 🟢 فقط تیکت‌های باز
mng-ticket-view = 💬 تیکت #{ $id } · { $who } · { $status } · از { $since }

## The VPN panel area (admin::panel) and its connection job (panel_connect).
btn-adm-panel = 🖥 پنل VPN
mng-panel-title = 🖥 پنل VPN
    نوع: { $kind }
    مالکیت: { $whose }
    وضعیت: { $health }
mng-panel-whose-own = پنل خود شما
mng-panel-whose-platform = پنل پلتفرم
mng-panel-up = ✅ پاسخ می‌دهد
mng-panel-down = ⚠️ پاسخ نمی‌دهد — فروش تا پاسخ‌دادن دوبارهٔ آن متوقف است
mng-panel-none = 🖥 هنوز هیچ پنل VPN به این فروشگاه اختصاص نیافته است.
mng-panel-btn-connect = 🔌 اتصال پنل خودم
mng-panel-pick-kind = از کدام نرم‌افزار پنل استفاده می‌کنید؟
mng-panel-ask-url = نشانی پنل { $kind } خود را بفرستید، اگر مسیری دارد همراه با آن (مثلاً https://panel.example.com:2053/secretpath).
mng-panel-not-yours = فقط مالک فروشگاه یا مدیری که اجازهٔ مدیریت مدیران را دارد، پنل VPN آن را وصل می‌کند.
mng-panel-bad-url = ❌ این یک نشانی وب نیست (باید با https:// یا http:// شروع شود).
mng-panel-ask-credentials = اطلاعات ورود پنل { $kind } خود را به شکل خطوط زیر بفرستید و مقدار هر کدام را بعد از = بنویسید (پیام بلافاصله پاک می‌شود):
    { $templates }
mng-panel-or = — یا —
mng-panel-bad-credentials = ❌ این اطلاعات ورود برای این پنل کامل نیست: همهٔ خطوط یکی از قالب‌های زیر را پر کنید.
mng-panel-send-again = پیام قبلی پس از راه‌اندازی دوباره قابل خواندن نبود؛ لطفاً اطلاعات ورود را یک بار دیگر بفرستید.
mng-panel-testing = 🔌 در حال آزمایش اتصال به پنل شما… نتیجه به‌زودی همین‌جا می‌آید.
mng-panel-connected = ✅ پنل { $kind } شما وصل شد و از این پس به این فروشگاه سرویس می‌دهد. امکانات آن برای طرح‌ها:
    { $offers }
    گزینه‌های هر طرح را در بخش طرح‌ها انتخاب کنید.
mng-panel-refused-login = ❌ پنل این اطلاعات ورود را نپذیرفت. نام کاربری، رمز یا توکن را بررسی و دوباره وصل کنید.
mng-panel-unreachable = ❌ پنل پاسخ مورد انتظار را نداد. نشانی آن (با مسیرش) و روشن بودنش را بررسی و دوباره وصل کنید.
mng-panel-not-allowed = این پلتفرم اجازهٔ اتصال پنل VPN اختصاصی به فروشگاه‌ها را نمی‌دهد.
