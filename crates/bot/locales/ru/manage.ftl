# Разделы управления магазином (crates/bot/src/admin/{customers,subscriptions,plans,cards,settings,promos,tickets}.rs).

## Shared
mng-cancel = ✖️ Отмена
mng-invalid =
    ⚠️ { $why }
    { $question }
mng-gone = Не найдено.
mng-text-please = Ответьте, пожалуйста, текстовым сообщением.
mng-none = нет
mng-saved = ✅ Сохранено.
mng-enable = ✅ Включить
mng-disable = ⛔️ Отключить
mng-up = 🔼 Выше
mng-down = 🔽 Ниже
mng-yes-disable = ⛔️ Да, отключить
mng-yes-reset = 🔄 Да, выдать новую ссылку

## Customers
mng-cust-title = 👥 Клиенты (страница { $page }). Выберите клиента или найдите.
mng-cust-none = 👥 Клиентов пока нет.
mng-cust-search = 🔎 Поиск
mng-cust-search-ask = Отправьте Telegram id (цифры) или @username (или его начало).
mng-cust-found = Найдено клиентов: { $count }
mng-cust-not-found = Никто не найден.
mng-cust-view =
    👤 { $who }
    Клиент #{ $id } · язык { $language } · с { $since }
    Статус: { $status }
    Кошелёк: { $balance }
mng-cust-is-banned = ⛔️ заблокирован
mng-cust-is-ok = ✅ активен
mng-cust-ledger = Последние движения по кошельку:
mng-cust-payments = Последние платежи:
mng-cust-sub = 📦 Подписка #{ $id } ({ $status })
mng-cust-ban = ⛔️ Заблокировать
mng-cust-unban = ✅ Разблокировать
mng-cust-banned = Клиент заблокирован: бот его больше не слушает.
mng-cust-unbanned = Клиент разблокирован.
mng-cust-ban-admin = Администратора этого магазина нельзя заблокировать; сначала уберите его из администраторов.
mng-cust-adjust = 💰 Изменить кошелёк
mng-cust-amount-ask = Кошелёк { $who }: { $balance }. Отправьте сумму пополнения (отрицательная — списание).
mng-cust-amount-bad = Сумма должна быть целым числом, не нулём.
mng-cust-amount-over = В кошельке нет такой суммы.
mng-cust-reason-ask = Причина? Она сохраняется в истории кошелька (1–200 символов).
mng-cust-reason-bad = Причина — от 1 до 200 символов в одну строку.
mng-cust-adjusted = ✅ Проведено { $amount }. Баланс теперь { $balance }.
mng-cust-adjusted-before = Эта корректировка уже проведена; ничего не изменилось.
mng-cust-wallet-changed = 💰 Ваш кошелёк изменён на { $amount }.

## Subscriptions
mng-sub-title = 📦 Подписки (страница { $page }).
mng-sub-none = 📦 Подписок пока нет.
mng-sub-view =
    📦 Подписка #{ $id }
    Клиент: { $who }
    Тариф: { $plan }
    Статус: { $status }
    С { $from } до { $until }
    Трафик: { $traffic }
    Оплачено: { $price }
mng-sub-trial = пробный период
mng-sub-extend = ➕ Продлить
mng-sub-reset = 🔄 Новая ссылка
mng-sub-disable = ⛔️ Отключить
mng-sub-customer = 👤 Клиент
mng-sub-days-ask = Сколько дней добавить к подписке #{ $id }? (1–3650)
mng-sub-days-bad = Отправьте целое число дней от 1 до 3650.
mng-sub-extended = ✅ Продлено на { $days } дн., до { $until }.
mng-sub-not-active = Так можно изменить только активную подписку.
mng-sub-disable-confirm = Отключить подписку #{ $id }? Пользователь будет выключен в панели.
mng-sub-disabled = ⛔️ Подписка отключена.
mng-sub-disabled-before = Она уже была отключена.
mng-sub-reset-confirm = Выдать новую ссылку для подписки #{ $id }? Старая перестанет работать, клиент получит новую.
mng-sub-reset-queued = 🔄 Новая ссылка отправляется клиенту.
mng-sub-new-link = 🔄 У подписки #{ $id } новая ссылка, старая больше не работает. Импортируйте эту:

## Plans
mng-plan-title = 🗂 Тарифы (страница { $page }). ✅ в продаже, ⛔️ сняты.
mng-plan-none = 🗂 Тарифов пока нет.
mng-plan-add = ➕ Добавить тариф
mng-plan-view =
    🗂 Тариф #{ $id }: { $name }
    { $days } дн. · { $traffic } · устройств: { $devices }
    Цена: { $price }
    { $status }
mng-plan-is-offered = ✅ В продаже
mng-plan-is-withdrawn = ⛔️ Не продаётся
mng-plan-offer = ✅ Продавать
mng-plan-withdraw = ⛔️ Снять с продажи
mng-plan-offered = Тариф в продаже.
mng-plan-withdrawn = Тариф снят с продажи.
mng-plan-publish = ✅ Опубликовать
mng-plan-draft = Тариф сохранён как черновик (не продаётся). Опубликовать?
mng-plan-cannot-move = Дальше сдвинуть нельзя.
mng-plan-edit-name = ✏️ Название
mng-plan-edit-days = ✏️ Дни
mng-plan-edit-traffic = ✏️ Трафик
mng-plan-edit-devices = ✏️ Устройства
mng-plan-edit-price = ✏️ Цена
mng-plan-name-ask = Название тарифа (1–64 символа)?
mng-plan-days-ask = Сколько дней он длится? (1–3650)
mng-plan-traffic-ask = Трафик в ГБ? (0 = без ограничений)
mng-plan-devices-ask = Сколько устройств одновременно? (0 = без ограничений)
mng-plan-price-ask = Цена (целая сумма)?
mng-plan-price-bad = Цена должна быть целой суммой от 0 до 1 000 000 000 000 000 (0 — бесплатно).

mng-plan-options = ⚙️ Настройки панели
mng-plan-panel-line = Настройки панели: { $options }
mng-plan-options-title =
    ⚙️ Настройки панели для { $name }
    Выбрано: { $chosen }
    Нажмите, чтобы добавить или убрать. Тариф продаётся только с тем, что есть на панели.
mng-plan-options-all = { $field }: все
mng-plan-options-all-button = { $field }: все
mng-plan-options-none-chosen = пока ничего
mng-plan-options-refresh = ↻ Прочитать с панели заново
mng-plan-options-refreshing = Читаем настройки панели; через несколько секунд нажмите ↻ ещё раз.
mng-plan-options-unknown = Настройки панели пока неизвестны. Нажмите ↻ и через несколько секунд откройте этот экран снова.
mng-plan-options-no-panel = Этому магазину ещё не назначена VPN-панель; её назначает владелец платформы.
mng-plan-options-needed = Сначала выберите настройки панели для тарифа (⚙️ Настройки панели).
mng-plan-options-gone = { $names } нет на панели (больше нет).
mng-plan-options-unusable = { $names } ничего не обслуживает, пользователи не смогут подключиться.
mng-plan-options-panel-empty = На панели нечего выбрать для тарифа, продавать на ней нечего.
mng-plan-options-refused = Настройки панели не сохранены: { $why }

## Cards
mng-card-title = 💳 Карты для оплаты (страница { $page }), сегодня получено / дневной лимит:
mng-card-none = 💳 Карт пока нет.
mng-card-add = ➕ Добавить карту
mng-card-view =
    💳 { $number }
    Владелец: { $holder } · банк: { $bank }
    Сегодня: { $usage } (платежей: { $payments })
    { $status }
mng-card-is-on = ✅ Показывается клиентам
mng-card-is-off = ⛔️ Не показывается
mng-card-enabled = Карта включена.
mng-card-disabled = Карта отключена.
mng-card-number-ask = Номер карты (16 цифр)?
mng-card-holder-ask = Имя владельца, как его показывает банк?
mng-card-holder-bad = Имя — от 1 до 64 символов.
mng-card-cap-ask = Сколько карта может принять за день? (0 = без лимита)
mng-card-cap-bad = Отправьте целую сумму (0 — без лимита).
mng-card-added = ✅ Карта добавлена.
mng-card-exists = Эта карта уже зарегистрирована.

## Settings
mng-set-title = ⚙️ Функции: нажмите, чтобы включить или выключить.
mng-set-config = 🔧 Настройки
mng-set-config-title = 🔧 Настройки: нажмите на ключ, чтобы изменить его.
mng-set-ask =
    Сейчас { $key }: { $value }
    Отправьте новое значение: { $expected }
mng-set-reset = ↩️ Сбросить по умолчанию
mng-set-saved = ✅ { $key } = { $value }

## Promo codes
mng-promo-title = 🎟 Промокоды (страница { $page }).
mng-promo-none = 🎟 Промокодов пока нет.
mng-promo-add = ➕ Добавить код
mng-promo-kind-ask = Что даёт код?
mng-promo-kind-bonus = 💰 Бонус на кошелёк
mng-promo-kind-percent = ٪ Скидка в процентах
mng-promo-kind-days = 📅 Дополнительные дни
mng-promo-code-ask = Код (3–32 буквы, цифры, _ или -)?
mng-promo-bonus-ask = Сколько зачислить на кошелёк (целая сумма)?
mng-promo-percent-ask = Сколько процентов скидки? (1–100)
mng-promo-days-ask = Сколько дополнительных дней? (1–365)
mng-promo-uses-ask = Сколько использований всего? (0 = без ограничений)
mng-promo-uses-bad = Отправьте целое число (0 — без ограничений).
mng-promo-valid-ask = Сколько дней действует? (0 = бессрочно)
mng-promo-valid-bad = Отправьте число дней до 3650 (0 — бессрочно).
mng-promo-exists = В этом магазине такой код уже есть.
mng-promo-added = ✅ Промокод добавлен.
mng-promo-n-days = { $days } дн.
mng-promo-view =
    🎟 { $code }: { $benefit }
    Использован { $uses } из { $limit } · до { $until }
    { $status }
mng-promo-is-on = ✅ Активен
mng-promo-is-off = ⛔️ Выключен
mng-promo-on = Код включён.
mng-promo-off = Код выключен.

## Tickets
mng-ticket-title-open = 💬 Открытые обращения (страница { $page }):
mng-ticket-title-all = 💬 Все обращения (страница { $page }):
mng-ticket-none = 💬 Обращений нет.
mng-ticket-all = 📚 Все обращения
mng-ticket-open-only = 🟢 Только открытые
mng-ticket-view = 💬 Обращение #{ $id } · { $who } · { $status } · с { $since }

## The VPN panel area (admin::panel) and its connection job (panel_connect).
btn-adm-panel = 🖥 VPN-панель
mng-panel-title = 🖥 VPN-панель
    Тип: { $kind }
    Чья: { $whose }
    Состояние: { $health }
mng-panel-whose-own = ваша собственная
mng-panel-whose-platform = панель платформы
mng-panel-up = ✅ отвечает
mng-panel-down = ⚠️ не отвечает — продажи приостановлены, пока она не ответит
mng-panel-none = 🖥 Этому магазину ещё не назначена VPN-панель.
mng-panel-btn-connect = 🔌 Подключить свою панель
mng-panel-pick-kind = Какая у вас панель?
mng-panel-ask-url = Пришлите адрес вашей панели { $kind }, вместе с путём, если он есть (например, https://panel.example.com:2053/secretpath).
mng-panel-not-yours = Подключать VPN-панель магазина может только владелец или администратор с правом управлять администраторами.
mng-panel-bad-url = ❌ Это не веб-адрес (он должен начинаться с https:// или http://).
mng-panel-ask-credentials = Пришлите данные для входа в панель { $kind } строками, как ниже, со своими значениями после = (сообщение сразу удаляется):
    { $templates }
mng-panel-or = — или —
mng-panel-bad-credentials = ❌ Данных для входа в эту панель не хватает: заполните все строки одной из форм ниже.
mng-panel-send-again = Предыдущее сообщение нельзя прочитать повторно после перезапуска; пришлите данные для входа ещё раз.
mng-panel-testing = 🔌 Проверяем подключение к вашей панели… Результат придёт сюда через минуту.
mng-panel-connected = ✅ Ваша панель { $kind } подключена и теперь обслуживает магазин. Для тарифов в ней есть:
    { $offers }
    Параметры тарифов выбираются в разделе «Тарифы».
mng-panel-refused-login = ❌ Панель не приняла эти данные. Проверьте логин, пароль или токен и подключите снова.
mng-panel-unreachable = ❌ Панель ответила не так, как ожидалось. Проверьте адрес (вместе с путём) и что она работает, затем подключите снова.
mng-panel-not-allowed = Эта платформа не разрешает магазинам подключать свою VPN-панель.
