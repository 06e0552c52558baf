# The admin home screen's area buttons (crates/bot/src/admin/mod.rs).
btn-adm-customers = 👥 مشتریان
btn-adm-subscriptions = 📦 اشتراک‌ها
btn-adm-plans = 🗂 پلن‌ها
btn-adm-cards = 💳 کارت‌های پرداخت
btn-adm-promos = 🎟 کدهای تخفیف
btn-adm-tickets = 💬 تیکت‌ها
btn-adm-stats = 📊 آمار
btn-adm-broadcast = 📣 پیام همگانی
btn-adm-settings = ⚙️ امکانات و تنظیمات
btn-adm-master = 🏢 پلتفرم
btn-adm-home = 🛠 منوی مدیریت
