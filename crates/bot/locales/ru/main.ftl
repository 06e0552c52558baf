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
    ⏳ { $days } дн. · 📶 { $traffic }{ $devices }
    💰 Цена: { $price }
    👛 Ваш баланс: { $balance }
btn-pay = ✅ Оплатить { $price } из кошелька
not-enough = Вашего баланса ({ $balance }) не хватает на { $price }. Доплатите разницу кнопками ниже или пополните кошелёк.
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
plan-devices = {" "}· 📱 { $devices }
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
ticket-admin-part = 🎫 Обращение #{ $id } (часть { $part } из { $parts }):
ticket-answer-invalid = ⚠️ Ответ на обращение #{ $id } может содержать не больше { $max } символов, в вашем { $length }. Ничего не отправлено — пожалуйста, напишите ответ короче.
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
btn-top-up = ➕ Пополнить
method-card = 💳 Перевод на карту
method-zarinpal = 🌐 Онлайн-оплата (Zarinpal)
method-stars = ⭐ Telegram Stars
btn-diff-card = 💳 Доплатить { $amount } переводом на карту
btn-diff-zarinpal = 🌐 Доплатить { $amount } онлайн
btn-diff-stars = ⭐ Доплатить { $amount } звёздами
no-methods = Сейчас нет доступных способов оплаты. Обратитесь в поддержку.
topup-choose = Как вы хотите пополнить кошелёк?
topup-amount = { $method }: отправьте сумму числом, от { $min } до { $max }.
amount-invalid = Отправьте сумму целым числом, например 150000.
amount-out-of-range = Сумма должна быть от { $min } до { $max }. Отправьте другую сумму.
already-enough = Вашего баланса уже хватает на этот тариф — нажмите «Оплатить из кошелька».
card-open-elsewhere = У вас уже есть платёж, ожидающий решения. Дождитесь его, пожалуйста.
no-card-today = Сегодня переводом на карту эту сумму принять нельзя. Попробуйте меньшую сумму, другой способ или завтра.
card-pay = 💳 Переведите ровно <b>{ $amount }</b> на эту карту:

    { $number }
    { $bank } — { $holder }

    Код платежа: <b>{ $code }</b>
    Оплатите в течение { $minutes } минут, затем пришлите сюда фото чека (или номер операции банка текстом).
btn-cancel-payment = ✖️ Отменить платёж
payment-cancelled = Платёж отменён.
payment-not-cancellable = Отменять нечего (отправленный чек ждёт проверки администраторов).
receipt-received = 🧾 Чек по платежу { $code } получен. Администратор скоро проверит его; вы получите сообщение.
receipt-admin = 🧾 Платёж #{ $id } ({ $code })
    От: { $name } · id { $customer }
    Сумма: { $amount }
    Карта: { $card }
    Примечание:
    { $text }
btn-approve = ✅ Подтвердить
btn-reject = ❌ Отклонить
receipt-approved = Подтверждено и зачислено.
receipt-approved-by = ✅ Платёж { $code } подтвердил { $admin }.
receipt-rejected-by = ❌ Платёж { $code } отклонил { $admin }.
reject-reason-ask = Почему платёж { $code } отклонён? Ответьте причиной — клиент её увидит.
receipt-already-approved = Этот платёж уже подтверждён.
receipt-already-rejected = Этот платёж уже отклонён.
receipt-closed = Этот платёж закрыт (истёк или отменён).
stars-title = Пополнение кошелька
stars-description = { $credit } на ваш кошелёк (платёж { $code }).
stars-label = Пополнение
stars-expired = Срок этого счёта истёк. Начните пополнение заново.
stars-invalid = Этот счёт больше не действителен. Начните пополнение заново.
stars-unmatched = Мы получили ваши звёзды, но не смогли сопоставить их с платежом. Поддержка уведомлена; свяжитесь с ней.
zarinpal-preparing = 🌐 Готовим ссылку на оплату { $amount } (платёж { $code })…
zarinpal-link = 🌐 Оплатите { $amount } онлайн (платёж { $code }). После оплаты вы вернётесь сюда автоматически.
btn-zarinpal-pay = 🌐 Оплатить
payment-paid = ✅ Платёж { $code } подтверждён: { $credit } зачислено на кошелёк. Баланс: { $balance }.
payment-rejected = ❌ Платёж { $code } не принят: { $reason }
payment-expired = ⌛ Срок платежа { $code } истёк без оплаты. Если вы оплатили, напишите в поддержку с этим кодом.
payment-failed = Платёж { $code } не завершён. С кошелька ничего не списано.
purchase-bought = 🛒 На эти деньги куплен ваш тариф; подписка создаётся.
purchase-not-enough = Тариф не куплен: сейчас баланса не хватает на его цену. Деньги остались на кошельке.
purchase-plan-gone = Этот тариф больше не продаётся, деньги остаются на кошельке.
card-waiting = Ваш чек по платежу { $code } у администраторов; вы получите сообщение, как только они решат.
admin-title = 🛠 Администрирование — сегодня
    👥 Клиенты: { $customers } (новых сегодня: { $new })
    ✅ Активные подписки: { $active }
    💰 Поступило сегодня: { $revenue }
    🧾 Чеков ждут решения: { $pending }
btn-admin-receipts = 🧾 Чеки ждут решения ({ $count })
admin-no-receipts = Чеков, ждущих решения, нет.
admin-receipts-sent = Показано { $shown } из { $total } чеков, сначала самые старые.
