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
    ⏳ { $days } days · 📶 { $traffic }{ $devices }
    💰 Price: { $price }
    👛 Your balance: { $balance }
btn-pay = ✅ Pay { $price } from the wallet
not-enough = Your balance ({ $balance }) does not cover { $price }. Pay the difference below, or top up your wallet.
plan-gone = This plan is no longer available.
bought = ✅ Paid { $price }. Your subscription is being created…
already-bought = This purchase is already done.
no-panel = The shop cannot create subscriptions right now. Please contact support.
panel-down = ⏳ Our servers are temporarily unavailable. Please try again in a few minutes — nothing was charged.
purchase-panel-down = ⏳ Our servers are temporarily unavailable, so the plan was not bought yet: the amount is in your wallet. Please buy it again in a few minutes.
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
plan-devices = {" "}· 📱 { $devices }
devices-any = any devices
devices-n = { $n } devices
status-active = ✅ active, { $days } days left
status-provisioning = ⏳ being created
status-expired = ⌛ expired
status-disabled = ⛔ disabled
status-failed = ❌ failed (refunded)
admin-refunded = ⚠️ Subscription #{ $id } of customer { $customer } could not be provisioned ({ $error }); { $price } was refunded to the wallet.
admin-job-given-up = ⚠️ A background task of this shop failed { $attempts } times in a row and was stopped. Nothing was charged for it; the platform's operator has the details in the logs.
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
ticket-admin-part = 🎫 Ticket #{ $id } (part { $part } of { $parts }):
ticket-answer-invalid = ⚠️ An answer to ticket #{ $id } can have at most { $max } characters; yours has { $length }. Nothing was sent — please write a shorter answer.
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
btn-top-up = ➕ Top up
method-card = 💳 Card to card
method-zarinpal = 🌐 Online payment (Zarinpal)
method-stars = ⭐ Telegram Stars
btn-diff-card = 💳 Pay { $amount } by card transfer
btn-diff-zarinpal = 🌐 Pay { $amount } online
btn-diff-stars = ⭐ Pay { $amount } with Stars
no-methods = No payment method is available right now. Please contact support.
topup-choose = How would you like to top up?
topup-amount = { $method }: send the amount as a number, from { $min } to { $max }.
amount-invalid = Please send the amount as a whole number, e.g. 150000.
amount-out-of-range = The amount must be from { $min } to { $max }. Please send another amount.
already-enough = Your balance already covers this plan — tap “Pay from the wallet”.
card-open-elsewhere = You already have a payment waiting for a decision. Please wait for it first.
no-card-today = Card payments cannot take this amount today. Please try a smaller amount, another method, or come back tomorrow.
card-pay = 💳 Transfer exactly <b>{ $amount }</b> to this card:

    { $number }
    { $bank } — { $holder }

    Tracking code: <b>{ $code }</b>
    Pay within { $minutes } minutes, then send the receipt here as a photo (or the bank's tracking number as text).
btn-cancel-payment = ✖️ Cancel this payment
payment-cancelled = The payment was cancelled.
payment-not-cancellable = There is no payment to cancel (a receipt that was sent waits for the admins).
receipt-received = 🧾 Receipt received for payment { $code }. An admin will check it soon; you will get a message.
receipt-admin = 🧾 Payment #{ $id } ({ $code })
    From: { $name } · id { $customer }
    Amount: { $amount }
    Card: { $card }
    Note:
    { $text }
btn-approve = ✅ Approve
btn-reject = ❌ Reject
receipt-approved = Approved and credited.
receipt-approved-by = ✅ Payment { $code } approved by { $admin }.
receipt-rejected-by = ❌ Payment { $code } rejected by { $admin }.
reject-reason-ask = Why is payment { $code } rejected? Reply with the reason; the customer will see it.
receipt-already-approved = This payment was already approved.
receipt-already-rejected = This payment was already rejected.
receipt-closed = This payment is closed (expired or cancelled).
stars-title = Wallet top-up
stars-description = { $credit } for your wallet (payment { $code }).
stars-label = Top-up
stars-expired = This invoice has expired. Please start a new top-up.
stars-invalid = This invoice is not valid any more. Please start a new top-up.
stars-unmatched = We received your Stars but could not match them to a payment. Support has been told; please contact them.
stars-kept = ✅ Your Stars payment arrived. Adding it to your wallet is taking longer than usual — it will be credited shortly, and the shop's admins have been told.
stars-kept-admin = ⚠️ Payment { $code } (#{ $id }): customer { $customer } paid { $stars } (charge { $charge }), but crediting { $credit } failed: { $error }. The charge is kept on the payment and crediting is retried automatically; if it stays unpaid, credit the customer by hand.
stars-unmatched-admin = ⚠️ Customer { $customer } paid { $stars } (charge { $charge }), but it matches no payment that can take it: { $error }. Please credit or refund it by hand.
update-failed = Something went wrong on our side. Please try again in a moment.
zarinpal-preparing = 🌐 Preparing your payment link for { $amount } (payment { $code })…
zarinpal-link = 🌐 Pay { $amount } online (payment { $code }). After paying you will come back here automatically.
btn-zarinpal-pay = 🌐 Pay now
payment-paid = ✅ Payment { $code } confirmed: { $credit } added to your wallet. Balance: { $balance }.
payment-rejected = ❌ Payment { $code } was not accepted: { $reason }
payment-expired = ⌛ Payment { $code } expired unpaid. If you did pay, contact support with this code.
payment-failed = Payment { $code } was not completed. No money was taken from your wallet.
purchase-bought = 🛒 Your plan was bought with it; the subscription is being created.
purchase-not-enough = The plan could not be bought: the wallet does not cover its price now. The money is in your wallet.
purchase-plan-gone = The plan is no longer sold, so the money stays in your wallet.
card-waiting = Your receipt for payment { $code } is with the admins; you will get a message as soon as they decide.
admin-title = 🛠 Admin — today
    👥 Customers: { $customers } (new today: { $new })
    ✅ Active subscriptions: { $active }
    💰 Paid in today: { $revenue }
    🧾 Receipts waiting: { $pending }
btn-admin-receipts = 🧾 Receipts waiting ({ $count })
admin-no-receipts = No receipts are waiting.
admin-receipts-sent = Showing { $shown } of { $total } waiting receipts, oldest first.
