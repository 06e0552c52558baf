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
