# Statistics (crates/bot/src/admin/stats.rs) and the daily summary (crates/bot/src/daily_summary.rs).
stats-title = 📊 Statistics — choose a period. The chart arrives as a picture.
stats-days = { $days } days
stats-sending = Drawing the chart…
stats-caption = 📊 Last { $days } days
    👥 Customers: { $customers } (new: { $new })
    ✅ Active subscriptions now: { $active }
    💰 Paid in: { $revenue }
    🛒 Bought from wallets: { $purchases } ({ $spent })
stats-method-line = • { $method }: { $amount } ({ $count })
daily-summary = 🗓 Daily summary — { $date }
    👥 New customers: { $new } (total { $customers })
    ✅ Active subscriptions: { $active }
    💰 Paid in: { $revenue } ({ $payments } payments)
    🧾 Receipts waiting: { $pending }
    💬 Open tickets: { $tickets }
