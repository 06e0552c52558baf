# Broadcasts (crates/bot/src/admin/broadcast.rs; progress and report from crates/runtime/src/broadcast.rs).
bc-title = 📣 پیام همگانی — یک پیام برای مشتریان خود بفرستید. ارسال با سرعت مجاز تلگرام انجام می‌شود و کسانی که ربات را مسدود کرده‌اند کنار گذاشته می‌شوند.
bc-btn-new = ✍️ پیام همگانی جدید
bc-btn-list = 📋 پیام‌های اخیر
bc-compose-ask = پیام را بفرستید: یک متن، یا یک عکس با توضیح. دقیقاً همان‌طور که می‌نویسید ارسال می‌شود.
bc-empty = پیام خالی است
bc-text-too-long = متن حداکثر ۴۰۹۶ نویسه می‌تواند داشته باشد
bc-caption-too-long = توضیح عکس حداکثر ۱۰۲۴ نویسه می‌تواند داشته باشد
bc-draft = 📝 پیش‌نویس #{ $id } ({ $kind })
    دکمه: { $button }

    { $text }
bc-kind-text = متن
bc-kind-photo = عکس
bc-no-button = ندارد
bc-btn-audience = 👥 انتخاب مخاطبان
bc-btn-button = 🔘 افزودن دکمه
bc-btn-remove-button = ✖️ حذف دکمه
bc-btn-discard = 🗑 دور انداختن
bc-button-ask = دکمه را این‌طور بفرستید: عنوان | https://link
bc-button-format = عنوان، سپس «|» و سپس پیوند را بنویسید
bc-button-label = عنوان باید ۱ تا ۶۴ نویسه باشد
bc-button-url = پیوند باید یک نشانی کامل https:// باشد
bc-audience-title = 👥 چه کسانی دریافت کنند؟ (عدد، تعداد کسانی است که اکنون قابل دسترس‌اند)
bc-audience-button = { $name } ({ $count })
bc-aud-all = همه مشتریان
bc-aud-active = دارای اشتراک فعال
bc-aud-expired = اشتراک منقضی‌شده
bc-aud-never = هرگز خرید نکرده
bc-audience-line = 👥 مخاطبان: { $audience }
bc-preview-sent = پیش‌نمایش در پایین ارسال شد
bc-confirm = ☝️ این پیش‌نمایش است. برای «{ $audience }» به { $count } مشتری ارسال شود؟ ({ $skipped } نفر که ربات را مسدود کرده‌اند یا مسدود شده‌اند کنار گذاشته می‌شوند.)
bc-btn-send = ✅ ارسال به { $count } نفر
bc-btn-change-audience = 👥 تغییر مخاطبان
bc-btn-edit = ✏️ بازگشت به پیش‌نویس
bc-nobody = هیچ‌کس در این گروه قابل دسترس نیست.
bc-not-draft = این پیام دیگر پیش‌نویس نیست.
bc-discarded = پیش‌نویس دور انداخته شد.
bc-started = 🚀 ارسال همگانی #{ $id } برای { $count } مشتری آغاز شد. پیام پیشرفت در همین گفتگو می‌آید.
bc-list-title = 📋 پیام‌های همگانی اخیر:
bc-list-empty = هنوز پیام همگانی‌ای نیست.
bc-list-item = #{ $id } · { $status } · { $sent }/{ $total }
bc-status-draft = پیش‌نویس
bc-status-running = در حال ارسال
bc-status-cancelled = لغو شده
bc-status-done = انجام شد
bc-btn-refresh = 🔄 به‌روزرسانی
bc-btn-cancel = ⛔️ لغو ارسال
bc-cancelled = لغو شد: دیگر چیزی ارسال نمی‌شود.
bc-not-running = در حال ارسال نیست.
bc-progress = 📣 ارسال همگانی #{ $id } — { $status }
    { $bar } ٪{ $percent }
    ✅ ارسال‌شده: { $sent }  ❌ ناموفق: { $failed }  🚫 مسدود: { $blocked }
    ⏳ باقی‌مانده: { $remaining } · { $rate } در ثانیه · زمان باقی‌مانده { $eta }
bc-report = 📣 ارسال همگانی #{ $id } { $outcome } ({ $elapsed }).
    👥 مخاطبان: { $total }
    ✅ ارسال‌شده: { $sent }
    ❌ ناموفق: { $failed }
    🚫 ربات را مسدود کرده‌اند: { $blocked }
    ⏭ کنار گذاشته (از پیش مسدود یا محروم): { $skipped }
    ❔ نامعلوم (قطع با راه‌اندازی دوباره، تکرار نشد): { $unknown }
    ⏸ ارسال‌نشده: { $unsent }
bc-outcome-done = به پایان رسید
bc-outcome-cancelled = لغو شد
