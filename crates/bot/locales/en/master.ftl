# The master bot: platform admins' area, self-service onboarding, suspended shops
# (crates/bot/src/admin/{master,onboarding}.rs, crates/runtime/src/webhook.rs).
mst-unavailable = { $shop } is temporarily unavailable. Please try again later.
mst-home = 🏢 Platform
    🤖 Tenants: { $active } active, { $suspended } suspended, { $disabled } disabled
    👥 Customers: { $customers }
    ✅ Active subscriptions: { $subs }
    💰 Revenue: { $revenue }
mst-btn-tenants = 📋 Tenants
mst-btn-add = ➕ Add a tenant
mst-btn-requests = 📥 Shop requests ({ $count })
mst-btn-broadcast = 📣 Message tenant owners
mst-tenants = 📋 Tenants, page { $page }:
mst-tenant-line = { $icon } #{ $id } { $name } — 👥 { $customers } · ✅ { $subs } · 💰 { $revenue }
mst-no-tenants = No tenants yet.
mst-tenant = { $icon } #{ $id } { $name } { $username }
    Status: { $status }
    Owner: { $owner }
    👥 Customers: { $customers }
    ✅ Active subscriptions: { $subs }
    💰 Revenue: { $revenue }
mst-status-active = active
mst-status-suspended = suspended
mst-status-disabled = disabled
mst-nobody = —
mst-none = nothing yet
mst-btn-suspend = ⏸ Suspend
mst-btn-resume = ▶️ Resume
mst-btn-features = 🧩 Features
mst-features = 🧩 Features of { $name } (tap one to switch it):
mst-suspended = Suspended: its customers now get a polite "unavailable" line.
mst-resumed = Resumed.
mst-master-fixed = The master bot cannot be changed here.
mst-unknown-tenant = No such tenant.
mst-ask-token = Paste the token of the new tenant's bot (from @BotFather). I delete your message right after reading it.
mst-bad-token = That is not a bot token. Paste it exactly as @BotFather gave it.
mst-token-taken = This bot is already registered.
mst-token-unknown = Telegram does not accept this token. Check it with @BotFather.
mst-token-again = For your safety the token was not kept while the service restarted. Please paste it again.
mst-added = ✅ Tenant #{ $id } { $name } added.
    
    ⚠️ Its API token, shown only this once — store it safely now:
    { $token }
mst-ask-broadcast = Send the message for the tenant owners ({ $count }).
mst-broadcast-sent = Sent to { $count } tenant owners.
mst-requests = 📥 Shop requests waiting for approval:
mst-no-requests = No shop requests are waiting.
mst-request-line = #{ $id }: { $plan } ({ $fee }), @{ $bot }, user { $user }
mst-btn-approve = ✅ #{ $id }
mst-btn-reject = ❌ #{ $id }
mst-approved = Approved: shop #{ $bot } created.
mst-rejected = Rejected; the fee was refunded.
mst-already-decided = This request was already decided.
mst-new-request = 📥 New shop request #{ $id }: plan { $plan } ({ $fee } paid), bot @{ $bot }. Decide here, or later in /admin → 🏢 Platform → Shop requests.
mst-btn-open-shop = 🤖 Open your own shop
mst-onb-plans = 🤖 Your own VPN shop on Telegram
    
    Pick a plan. The activation fee is paid from your wallet (balance: { $balance }).
mst-onb-none = No plans are offered right now.
mst-onb-off = Opening a shop is not available right now.
mst-onb-plan = { $name }: { $fee }
mst-onb-ask-token = Plan { $plan } ({ $fee }).
    
    Create a bot with @BotFather and paste its token here. I delete your message right after reading it.
mst-onb-confirm = 🤖 Bot @{ $bot }
    Plan: { $plan }
    Activation fee: { $fee }
    Your balance: { $balance }
mst-onb-btn-pay = 💳 Pay and open the shop
mst-onb-btn-topup = ➕ Top up the wallet
mst-onb-not-enough = Not enough in your wallet: { $balance } of { $fee }.
mst-onb-waiting = ✅ Paid. Your request #{ $id } waits for the platform's approval; I will tell you here.
mst-onb-created = 🎉 Your shop @{ $bot } is open! You are its owner and admin: send /admin to it.
    
    ⚠️ Your API token, shown only this once — store it safely now:
    { $token }
mst-onb-rejected = Your shop request #{ $id } was declined. The fee of { $fee } is back in your wallet.
mst-onb-done = This request is already paid.
mst-onb-pending = A request for this bot is already waiting.
