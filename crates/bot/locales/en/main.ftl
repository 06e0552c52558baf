welcome = Welcome to { $shop }, { $name }!
    Choose what you need from the menu below.
welcome-back = Welcome back to { $shop }, { $name }!
menu-title = { $shop } — main menu
btn-language = 🌐 Language
btn-support = 💬 Support
btn-back = ⬅️ Back
language-choose = Choose your language:
language-set = Language set to English.
menu-expired = This menu has expired — here is a fresh one.
unknown-input = Sorry, I did not understand that. Please use the menu below.
