# Statistics (crates/bot/src/admin/stats.rs) and the daily summary (crates/bot/src/daily_summary.rs).
stats-title = 📊 Статистика — выберите период. График придёт картинкой.
stats-days = { $days } дн.
stats-sending = Рисую график…
stats-caption = 📊 Последние { $days } дн.
    👥 Клиенты: { $customers } (новые: { $new })
    ✅ Активные подписки сейчас: { $active }
    💰 Поступило: { $revenue }
    🛒 Покупки с баланса: { $purchases } ({ $spent })
stats-method-line = • { $method }: { $amount } ({ $count })
daily-summary = 🗓 Итоги дня — { $date }
    👥 Новые клиенты: { $new } (всего { $customers })
    ✅ Активные подписки: { $active }
    💰 Поступило: { $revenue } (платежей: { $payments })
    🧾 Чеки ждут решения: { $pending }
    💬 Открытые обращения: { $tickets }
