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
btn-buy = 🛒 Buy a subscription
btn-my-subs = 📋 My subscriptions
btn-wallet = 👛 Wallet
btn-trial = 🎁 Free trial
plans-title = Choose a plan:
plans-empty = No plans are on sale yet.
plan-summary = { $name }
    ⏳ { $days } days · 📶 { $traffic } · 📱 { $devices }
    💰 Price: { $price }
    👛 Your balance: { $balance }
btn-pay = ✅ Pay { $price } from the wallet
not-enough = Your balance ({ $balance }) does not cover { $price }. Please top up your wallet first.
plan-gone = This plan is no longer available.
bought = ✅ Paid { $price }. Your subscription is being created…
already-bought = This purchase is already done.
no-panel = The shop cannot create subscriptions right now. Please contact support.
delivered = 🎉 Your subscription is ready until { $until }.
    Tap the link to copy it into your VPN app, or scan the QR code:
refunded = We could not create your subscription, so { $price } went back to your wallet. Sorry for the trouble!
trial-started = 🎁 Your free trial is being created…
trial-used = You have already used your free trial.
subs-empty = You have no subscriptions yet.
subs-title = Your subscriptions:
wallet-title = 👛 Balance: { $balance }
wallet-empty = No transactions yet.
traffic-unlimited = unlimited traffic
devices-any = any devices
devices-n = { $n } devices
status-active = ✅ active, { $days } days left
status-provisioning = ⏳ being created
status-expired = ⌛ expired
status-disabled = ⛔ disabled
status-failed = ❌ failed (refunded)
admin-refunded = ⚠️ Subscription #{ $id } of customer { $customer } could not be provisioned ({ $error }); { $price } was refunded to the wallet.
btn-invite = 👥 Invite friends
invite-text = Share your link: friends who join through it and buy a plan earn you { $percent }% of what they pay, straight into your wallet.

    { $link }

    Friends joined: { $count } · Earned: { $earned }
referral-earned = 🎉 A friend you invited bought a plan: { $amount } was added to your wallet.
reminder = ⏰ Your subscription #{ $id } ends in { $days } day(s). Buy a new plan in time to stay connected.
expired = ⌛ Your subscription #{ $id } has ended. You can buy a new plan from the menu.
btn-promo = 🏷 Promo code
promo-ask = Send your promo code as a message.
promo-credited = 🎁 { $amount } was added to your wallet. Balance: { $balance }.
promo-percent = 🏷 Code accepted: { $percent }% off your next purchase.
promo-days = 🏷 Code accepted: { $days } extra days on your next purchase.
promo-unknown = This promo code does not exist.
promo-not-now = This promo code is not valid at the moment.
promo-used-up = This promo code has been used up.
promo-already = You have already used this promo code.
promo-line = 🏷 { $code }: { $benefit }
btn-ticket = ✉️ Write to support
ticket-ask = Write your message for support; an admin will answer here.
ticket-sent = ✅ Sent to support (ticket #{ $id }). You will get the answer here.
ticket-admin = 🎫 Ticket #{ $id } from { $name } (id { $customer }):

    { $text }
btn-ticket-reply = ✍️ Answer
btn-ticket-close = ✅ Close
ticket-answer-ask = Write your answer to ticket #{ $id }.
ticket-answer = 💬 Support (ticket #{ $id }):

    { $text }
ticket-answered = ✅ Your answer to ticket #{ $id } was sent.
ticket-closed = ✅ Ticket #{ $id } is closed.
ticket-closed-customer = Your support ticket #{ $id } was closed. Write again any time.
admins-only = Only this shop's admins can do that.
btn-renew = 🔄 Renew #{ $id }
renewing = ✅ Paid { $price }. Subscription #{ $id } is being renewed…
renewed = 🔄 Subscription #{ $id } is renewed until { $until }.
btn-auto-on = 🔁 Auto-renew from wallet: ON
btn-auto-off = 🔁 Auto-renew from wallet: OFF
btn-qr = 📷 Link & QR #{ $id }
