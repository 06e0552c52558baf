# Statistics (crates/bot/src/admin/stats.rs) and the daily summary (crates/bot/src/daily_summary.rs).
stats-title = 📊 آمار — بازه را انتخاب کنید. نمودار به صورت تصویر ارسال می‌شود.
stats-days = { $days } روز
stats-sending = در حال رسم نمودار…
stats-caption = 📊 { $days } روز گذشته
    👥 مشتریان: { $customers } (جدید: { $new })
    ✅ اشتراک‌های فعال اکنون: { $active }
    💰 دریافتی: { $revenue }
    🛒 خرید از کیف پول: { $purchases } ({ $spent })
stats-method-line = • { $method }: { $amount } ({ $count })
daily-summary = 🗓 گزارش روزانه — { $date }
    👥 مشتریان جدید: { $new } (مجموع { $customers })
    ✅ اشتراک‌های فعال: { $active }
    💰 دریافتی: { $revenue } ({ $payments } پرداخت)
    🧾 رسیدهای در انتظار: { $pending }
    💬 تیکت‌های باز: { $tickets }
