# The tenant's admins (crates/bot/src/admin/admins.rs).
btn-adm-admins = 🧑‍💼 Admins
adms-title = 🧑‍💼 Admins of this shop: { $count }
    👑 owner · 🔑 may add and remove admins
adms-view = 🧑‍💼 { $name }
    Role: { $role }
    Admin since: { $added }
adms-role-owner = owner
adms-role-manager = admin who manages admins
adms-role-admin = admin
adms-btn-add = ➕ Add an admin
adms-btn-allow = 🔑 Allow managing admins
adms-btn-forbid = 🔒 Forbid managing admins
adms-btn-remove = ❌ Remove admin
adms-btn-remove-yes = ❌ Yes, remove
adms-ask-id = Send the new admin's numeric Telegram id (they can see it in @userinfobot). They should /start this bot so it can write to them.
adms-bad-id = That is not a Telegram id: send digits only, e.g. 123456789.
adms-added = ✅ { $id } is now an admin.
adms-already = { $id } is already an admin.
adms-remove-confirm = Remove { $id } from this shop's admins?
adms-removed = { $id } is no longer an admin.
adms-saved = ✅ Saved.
adms-gone = That admin is no longer here.
adms-not-allowed = Only the owner and admins allowed to manage admins can do that.
adms-not-self = You can't change yourself or the owner here.
adms-cap = This shop may have at most { $max } admins; remove one first.
