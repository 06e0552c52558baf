# The admin home screen's area buttons (crates/bot/src/admin/mod.rs).
btn-adm-customers = 👥 Customers
btn-adm-subscriptions = 📦 Subscriptions
btn-adm-plans = 🗂 Plans
btn-adm-cards = 💳 Payment cards
btn-adm-promos = 🎟 Promo codes
btn-adm-tickets = 💬 Tickets
btn-adm-stats = 📊 Statistics
btn-adm-broadcast = 📣 Broadcast
btn-adm-settings = ⚙️ Features & settings
btn-adm-master = 🏢 Platform
btn-adm-home = 🛠 Admin menu
panel-health-down = ⚠️ The shop's VPN panel is not answering. New sales and renewals are paused; customers are asked to try again soon. They resume on their own when the panel answers again.
panel-health-up = ✅ The VPN panel answers again after about { $minutes } min; sales and renewals have resumed.
