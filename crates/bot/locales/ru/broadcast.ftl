# Broadcasts (crates/bot/src/admin/broadcast.rs; progress and report from crates/runtime/src/broadcast.rs).
bc-title = 📣 Рассылки — одно сообщение вашим клиентам. Отправка идёт со скоростью, которую разрешает Telegram; заблокировавшие бота пропускаются.
bc-btn-new = ✍️ Новая рассылка
bc-btn-list = 📋 Последние рассылки
bc-compose-ask = Пришлите сообщение: текст или фото с подписью. Оно уйдёт ровно в таком виде.
bc-empty = сообщение пустое
bc-text-too-long = в тексте не больше 4096 символов
bc-caption-too-long = в подписи к фото не больше 1024 символов
bc-draft = 📝 Черновик #{ $id } ({ $kind })
    Кнопка: { $button }

    { $text }
bc-kind-text = текст
bc-kind-photo = фото
bc-no-button = нет
bc-btn-audience = 👥 Выбрать получателей
bc-btn-button = 🔘 Задать кнопку
bc-btn-remove-button = ✖️ Убрать кнопку
bc-btn-discard = 🗑 Удалить черновик
bc-button-ask = Пришлите кнопку так: Надпись | https://ссылка
bc-button-format = напишите надпись, затем «|» и ссылку
bc-button-label = в надписи от 1 до 64 символов
bc-button-url = ссылка должна быть полным адресом https://
bc-audience-title = 👥 Кому отправить? (число — сколько клиентов доступно сейчас)
bc-audience-button = { $name } ({ $count })
bc-aud-all = Все клиенты
bc-aud-active = С активной подпиской
bc-aud-expired = Подписка истекла
bc-aud-never = Ничего не покупали
bc-audience-line = 👥 Получатели: { $audience }
bc-preview-sent = Предпросмотр отправлен ниже
bc-confirm = ☝️ Это предпросмотр. Отправить группе «{ $audience }»: { $count } клиентам? ({ $skipped } заблокировавших бота или забаненных будут пропущены.)
bc-btn-send = ✅ Отправить { $count }
bc-btn-change-audience = 👥 Изменить получателей
bc-btn-edit = ✏️ К черновику
bc-nobody = В этой группе нет доступных клиентов.
bc-not-draft = Эта рассылка уже не черновик.
bc-discarded = Черновик удалён.
bc-started = 🚀 Рассылка #{ $id } запущена для { $count } клиентов. Сообщение о ходе отправки появится в этом чате.
bc-list-title = 📋 Последние рассылки:
bc-list-empty = Рассылок пока нет.
bc-list-item = #{ $id } · { $status } · { $sent }/{ $total }
bc-status-draft = черновик
bc-status-running = отправляется
bc-status-cancelled = отменена
bc-status-done = завершена
bc-btn-refresh = 🔄 Обновить
bc-btn-cancel = ⛔️ Отменить рассылку
bc-cancelled = Отменено: больше ничего не отправляется.
bc-not-running = Рассылка не идёт.
bc-progress = 📣 Рассылка #{ $id } — { $status }
    { $bar } { $percent }%
    ✅ Отправлено: { $sent }  ❌ Ошибки: { $failed }  🚫 Заблокировали: { $blocked }
    ⏳ Осталось: { $remaining } · { $rate }/с · ещё { $eta }
bc-report = 📣 Рассылка #{ $id } { $outcome } ({ $elapsed }).
    👥 Получателей: { $total }
    ✅ Отправлено: { $sent }
    ❌ Ошибки: { $failed }
    🚫 Заблокировали бота: { $blocked }
    ⏭ Пропущено (заблокировали или забанены раньше): { $skipped }
    ❔ Неизвестно (прервано перезапуском, не повторялось): { $unknown }
    ⏸ Не отправлено: { $unsent }
bc-outcome-done = завершена
bc-outcome-cancelled = отменена
