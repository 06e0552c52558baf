# The admin home screen's area buttons (crates/bot/src/admin/mod.rs).
btn-adm-customers = 👥 Клиенты
btn-adm-subscriptions = 📦 Подписки
btn-adm-plans = 🗂 Тарифы
btn-adm-cards = 💳 Карты для оплаты
btn-adm-promos = 🎟 Промокоды
btn-adm-tickets = 💬 Обращения
btn-adm-stats = 📊 Статистика
btn-adm-broadcast = 📣 Рассылка
btn-adm-settings = ⚙️ Функции и настройки
btn-adm-master = 🏢 Платформа
btn-adm-home = 🛠 Меню администратора
panel-health-down = ⚠️ VPN-панель магазина не отвечает. Продажи и продления приостановлены, покупателей просят попробовать позже. Они возобновятся сами, когда панель снова ответит.
panel-health-up = ✅ VPN-панель снова отвечает (примерно через { $minutes } мин); продажи и продления возобновлены.
