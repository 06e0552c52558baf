# The master bot: platform admins' area, self-service onboarding, suspended shops
# (crates/bot/src/admin/{master,onboarding}.rs, crates/runtime/src/webhook.rs).
mst-unavailable = { $shop } временно недоступен. Пожалуйста, попробуйте позже.
mst-home = 🏢 Платформа
    🤖 Магазины: активных { $active }, приостановлено { $suspended }, отключено { $disabled }
    👥 Клиенты: { $customers }
    ✅ Активные подписки: { $subs }
    💰 Выручка: { $revenue }
mst-btn-tenants = 📋 Магазины
mst-btn-add = ➕ Добавить магазин
mst-btn-requests = 📥 Заявки на магазин ({ $count })
mst-btn-broadcast = 📣 Написать владельцам
mst-tenants = 📋 Магазины, страница { $page }:
mst-tenant-line = { $icon } #{ $id } { $name } — 👥 { $customers } · ✅ { $subs } · 💰 { $revenue }
mst-no-tenants = Магазинов пока нет.
mst-tenant = { $icon } #{ $id } { $name } { $username }
    Статус: { $status }
    Владелец: { $owner }
    👥 Клиенты: { $customers }
    ✅ Активные подписки: { $subs }
    💰 Выручка: { $revenue }
mst-status-active = активен
mst-status-suspended = приостановлен
mst-status-disabled = отключён
mst-nobody = —
mst-none = пока ничего
mst-btn-suspend = ⏸ Приостановить
mst-btn-resume = ▶️ Возобновить
mst-btn-features = 🧩 Функции
mst-features = 🧩 Функции магазина { $name } (нажмите, чтобы переключить):
mst-suspended = Приостановлен: его клиенты теперь получают вежливое «недоступно».
mst-resumed = Возобновлён.
mst-master-fixed = Главного бота здесь изменить нельзя.
mst-unknown-tenant = Такого магазина нет.
mst-ask-token = Пришлите токен бота нового магазина (от @BotFather). Я удалю ваше сообщение сразу после прочтения.
mst-bad-token = Это не токен бота. Пришлите его точно так, как дал @BotFather.
mst-token-taken = Этот бот уже зарегистрирован.
mst-token-unknown = Telegram не принимает этот токен. Проверьте его в @BotFather.
mst-token-again = Ради безопасности токен не сохранялся, пока сервис перезапускался. Пришлите его ещё раз.
mst-added = ✅ Магазин #{ $id } { $name } добавлен.
    
    ⚠️ Его API-токен показывается только один раз — сохраните его сейчас:
    { $token }
mst-ask-broadcast = Пришлите сообщение для владельцев магазинов ({ $count }).
mst-broadcast-sent = Отправлено владельцам магазинов: { $count }.
mst-requests = 📥 Заявки на магазин, ждущие одобрения:
mst-no-requests = Заявок нет.
mst-request-line = #{ $id }: { $plan } ({ $fee }), @{ $bot }, пользователь { $user }
mst-btn-approve = ✅ #{ $id }
mst-btn-reject = ❌ #{ $id }
mst-approved = Одобрено: магазин #{ $bot } создан.
mst-rejected = Отклонено; плата возвращена.
mst-already-decided = По этой заявке уже принято решение.
mst-new-request = 📥 Новая заявка на магазин #{ $id }: тариф { $plan } (оплачено { $fee }), бот @{ $bot }. Решите здесь или позже в /admin → 🏢 Платформа → Заявки на магазин.
mst-btn-open-shop = 🤖 Открыть свой магазин
mst-onb-plans = 🤖 Свой VPN-магазин в Telegram
    
    Выберите тариф. Плата за подключение списывается с вашего кошелька (баланс: { $balance }).
mst-onb-none = Сейчас тарифы не предлагаются.
mst-onb-off = Открыть магазин сейчас нельзя.
mst-onb-plan = { $name }: { $fee }
mst-onb-ask-token = Тариф { $plan } ({ $fee }).
    
    Создайте бота в @BotFather и пришлите сюда его токен. Я удалю ваше сообщение сразу после прочтения.
mst-onb-confirm = 🤖 Бот @{ $bot }
    Тариф: { $plan }
    Плата за подключение: { $fee }
    Ваш баланс: { $balance }
mst-onb-btn-pay = 💳 Оплатить и открыть магазин
mst-onb-btn-topup = ➕ Пополнить кошелёк
mst-onb-not-enough = Недостаточно средств: { $balance } из { $fee }.
mst-onb-waiting = ✅ Оплачено. Ваша заявка #{ $id } ждёт одобрения платформы; я сообщу вам здесь.
mst-onb-created = 🎉 Ваш магазин @{ $bot } открыт! Вы его владелец и администратор: отправьте ему /admin.
    
    ⚠️ Ваш API-токен показывается только один раз — сохраните его сейчас:
    { $token }
mst-onb-rejected = Ваша заявка на магазин #{ $id } отклонена. Плата { $fee } возвращена в кошелёк.
mst-onb-done = Эта заявка уже оплачена.
mst-onb-pending = Заявка на этого бота уже ждёт решения.
