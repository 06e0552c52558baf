welcome = { $name } عزیز، به { $shop } خوش آمدید!
    از منوی زیر آنچه نیاز دارید را انتخاب کنید.
welcome-back = { $name } عزیز، دوباره به { $shop } خوش آمدید!
menu-title = منوی اصلی { $shop }
btn-language = 🌐 زبان
btn-support = 💬 پشتیبانی
btn-back = ⬅️ بازگشت
language-choose = زبان خود را انتخاب کنید:
language-set = زبان به فارسی تغییر کرد.
menu-expired = این منو منقضی شده است؛ منوی تازه در ادامه آمده است.
unknown-input = متوجه نشدم. لطفاً از منوی زیر استفاده کنید.
