welcome = Добро пожаловать в { $shop }, { $name }!
    Выберите нужное в меню ниже.
welcome-back = С возвращением в { $shop }, { $name }!
menu-title = { $shop } — главное меню
btn-language = 🌐 Язык
btn-support = 💬 Поддержка
btn-back = ⬅️ Назад
language-choose = Выберите язык:
language-set = Язык изменён на русский.
menu-expired = Это меню устарело — вот новое.
unknown-input = Извините, я не понял. Пожалуйста, воспользуйтесь меню ниже.
btn-buy = 🛒 Купить подписку
btn-my-subs = 📋 Мои подписки
btn-wallet = 👛 Кошелёк
btn-trial = 🎁 Бесплатный пробный период
plans-title = Выберите тариф:
plans-empty = Тарифов в продаже пока нет.
plan-summary = { $name }
    ⏳ { $days } дн. · 📶 { $traffic } · 📱 { $devices }
    💰 Цена: { $price }
    👛 Ваш баланс: { $balance }
btn-pay = ✅ Оплатить { $price } из кошелька
not-enough = Вашего баланса ({ $balance }) не хватает на { $price }. Сначала пополните кошелёк.
plan-gone = Этот тариф больше недоступен.
bought = ✅ Оплачено { $price }. Подписка создаётся…
already-bought = Эта покупка уже совершена.
no-panel = Магазин сейчас не может создавать подписки. Обратитесь в поддержку.
delivered = 🎉 Ваша подписка готова и действует до { $until }.
    Нажмите на ссылку, чтобы скопировать её в VPN-приложение, или отсканируйте QR-код:
refunded = Не удалось создать подписку, поэтому { $price } возвращены в ваш кошелёк. Приносим извинения!
trial-started = 🎁 Ваш пробный период создаётся…
trial-used = Вы уже использовали пробный период.
subs-empty = У вас пока нет подписок.
subs-title = Ваши подписки:
wallet-title = 👛 Баланс: { $balance }
wallet-empty = Операций пока нет.
traffic-unlimited = безлимитный трафик
devices-any = любое число устройств
devices-n = { $n } устр.
status-active = ✅ активна, осталось { $days } дн.
status-provisioning = ⏳ создаётся
status-expired = ⌛ истекла
status-disabled = ⛔ отключена
status-failed = ❌ не удалась (деньги возвращены)
admin-refunded = ⚠️ Подписку #{ $id } клиента { $customer } создать не удалось ({ $error }); { $price } возвращены в кошелёк.
btn-invite = 👥 Пригласить друзей
invite-text = Поделитесь ссылкой: с каждой покупки друзей, пришедших по ней, вы получаете { $percent }% в свой кошелёк.

    { $link }

    Приглашено друзей: { $count } · Заработано: { $earned }
referral-earned = 🎉 Приглашённый вами друг купил тариф: { $amount } зачислено в ваш кошелёк.
reminder = ⏰ Ваша подписка #{ $id } закончится через { $days } дн. Купите новый тариф заранее, чтобы не остаться без связи.
expired = ⌛ Ваша подписка #{ $id } закончилась. Новый тариф можно купить в меню.
btn-promo = 🏷 Промокод
promo-ask = Отправьте промокод сообщением.
promo-credited = 🎁 { $amount } зачислено в кошелёк. Баланс: { $balance }.
promo-percent = 🏷 Код принят: скидка { $percent }% на следующую покупку.
promo-days = 🏷 Код принят: { $days } дополнительных дней к следующей покупке.
promo-unknown = Такого промокода нет.
promo-not-now = Этот промокод сейчас недействителен.
promo-used-up = Этот промокод закончился.
promo-already = Вы уже использовали этот промокод.
promo-line = 🏷 { $code }: { $benefit }
btn-ticket = ✉️ Написать в поддержку
ticket-ask = Напишите сообщение для поддержки; ответ администратора придёт сюда.
ticket-sent = ✅ Отправлено в поддержку (обращение #{ $id }). Ответ придёт сюда.
ticket-admin = 🎫 Обращение #{ $id } от { $name } (id { $customer }):

    { $text }
btn-ticket-reply = ✍️ Ответить
btn-ticket-close = ✅ Закрыть
ticket-answer-ask = Напишите ответ на обращение #{ $id }.
ticket-answer = 💬 Поддержка (обращение #{ $id }):

    { $text }
ticket-answered = ✅ Ваш ответ на обращение #{ $id } отправлен.
ticket-closed = ✅ Обращение #{ $id } закрыто.
ticket-closed-customer = Ваше обращение #{ $id } закрыто. Пишите в любое время.
admins-only = Это могут делать только администраторы магазина.
btn-renew = 🔄 Продлить #{ $id }
renewing = ✅ Оплачено { $price }. Подписка #{ $id } продлевается…
renewed = 🔄 Подписка #{ $id } продлена до { $until }.
btn-auto-on = 🔁 Автопродление из кошелька: ВКЛ
btn-auto-off = 🔁 Автопродление из кошелька: ВЫКЛ
btn-qr = 📷 Ссылка и QR #{ $id }
