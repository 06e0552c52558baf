# The tenant's admins (crates/bot/src/admin/admins.rs).
btn-adm-admins = 🧑‍💼 مدیران
adms-title = 🧑‍💼 مدیران این فروشگاه: { $count }
    👑 مالک · 🔑 می‌تواند مدیر اضافه یا حذف کند
adms-view = 🧑‍💼 { $name }
    نقش: { $role }
    مدیر از: { $added }
adms-role-owner = مالک
adms-role-manager = مدیر با اجازهٔ مدیریت مدیران
adms-role-admin = مدیر
adms-btn-add = ➕ افزودن مدیر
adms-btn-allow = 🔑 اجازهٔ مدیریت مدیران
adms-btn-forbid = 🔒 لغو اجازهٔ مدیریت مدیران
adms-btn-remove = ❌ حذف مدیر
adms-btn-remove-yes = ❌ بله، حذف شود
adms-ask-id = شناسهٔ عددی تلگرام مدیر جدید را بفرستید (در @userinfobot دیده می‌شود). او باید این ربات را /start کند تا ربات بتواند به او پیام دهد.
adms-bad-id = این شناسهٔ تلگرام نیست: فقط عدد بفرستید، مثلاً 123456789.
adms-added = ✅ { $id } اکنون مدیر است.
adms-already = { $id } از قبل مدیر است.
adms-remove-confirm = { $id } از مدیران این فروشگاه حذف شود؟
adms-removed = { $id } دیگر مدیر نیست.
adms-saved = ✅ ذخیره شد.
adms-gone = این مدیر دیگر وجود ندارد.
adms-not-allowed = فقط مالک و مدیرانی که اجازهٔ مدیریت مدیران دارند می‌توانند این کار را انجام دهند.
adms-not-self = اینجا نمی‌توانید خودتان یا مالک را تغییر دهید.
adms-cap = این فروشگاه حداکثر { $max } مدیر می‌تواند داشته باشد؛ ابتدا یکی را حذف کنید.
