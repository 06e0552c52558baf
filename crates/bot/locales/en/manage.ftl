# Tenant admin management areas (crates/bot/src/admin/{customers,subscriptions,plans,cards,settings,promos,tickets}.rs).

## Shared
mng-cancel = ✖️ Cancel
mng-invalid =
    ⚠️ { $why }
    { $question }
mng-gone = Not found.
mng-text-please = Please answer with a text message.
mng-none = none
mng-saved = ✅ Saved.
mng-enable = ✅ Enable
mng-disable = ⛔️ Disable
mng-up = 🔼 Move up
mng-down = 🔽 Move down
mng-yes-disable = ⛔️ Yes, disable
mng-yes-reset = 🔄 Yes, issue a new link

## Customers
mng-cust-title = 👥 Customers (page { $page }). Choose one or search.
mng-cust-none = 👥 No customers here yet.
mng-cust-search = 🔎 Search
mng-cust-search-ask = Send a Telegram id (digits) or a @username (or its beginning).
mng-cust-found = Found { $count } customers:
mng-cust-not-found = No customer matches.
mng-cust-view =
    👤 { $who }
    Customer #{ $id } · language { $language } · since { $since }
    Status: { $status }
    Wallet: { $balance }
mng-cust-is-banned = ⛔️ banned
mng-cust-is-ok = ✅ active
mng-cust-ledger = Last wallet movements:
mng-cust-payments = Last payments:
mng-cust-sub = 📦 Subscription #{ $id } ({ $status })
mng-cust-ban = ⛔️ Ban
mng-cust-unban = ✅ Unban
mng-cust-banned = Customer banned: the bot ignores them now.
mng-cust-unbanned = Customer unbanned.
mng-cust-ban-admin = An admin of this shop cannot be banned; remove them as an admin first.
mng-cust-adjust = 💰 Adjust wallet
mng-cust-amount-ask = Wallet of { $who }: { $balance }. Send the amount to add (a negative number takes money out).
mng-cust-amount-bad = The amount must be a whole number other than zero.
mng-cust-amount-over = The wallet does not hold that much.
mng-cust-reason-ask = Why? The reason is kept in the wallet's history (1-200 characters).
mng-cust-reason-bad = The reason must be 1 to 200 characters on one line.
mng-cust-adjusted = ✅ Posted { $amount }. Balance now { $balance }.
mng-cust-adjusted-before = This adjustment was posted already; nothing changed.
mng-cust-wallet-changed = 💰 Your wallet was adjusted by { $amount }.

## Subscriptions
mng-sub-title = 📦 Subscriptions (page { $page }).
mng-sub-none = 📦 No subscriptions yet.
mng-sub-view =
    📦 Subscription #{ $id }
    Customer: { $who }
    Plan: { $plan }
    Status: { $status }
    From { $from } until { $until }
    Traffic: { $traffic }
    Paid: { $price }
mng-sub-trial = free trial
mng-sub-extend = ➕ Extend
mng-sub-reset = 🔄 New link
mng-sub-disable = ⛔️ Disable
mng-sub-customer = 👤 Customer
mng-sub-days-ask = How many days to add to subscription #{ $id }? (1-3650)
mng-sub-days-bad = Send a whole number of days from 1 to 3650.
mng-sub-extended = ✅ Extended by { $days } days, until { $until }.
mng-sub-not-active = Only an active subscription can be changed that way.
mng-sub-disable-confirm = Disable subscription #{ $id }? Its user is turned off on the panel.
mng-sub-disabled = ⛔️ Subscription disabled.
mng-sub-disabled-before = It was disabled already.
mng-sub-reset-confirm = Issue a new link for subscription #{ $id }? The old link stops working; the customer gets the new one.
mng-sub-reset-queued = 🔄 A new link is on its way to the customer.
mng-sub-new-link = 🔄 Subscription #{ $id } has a new link; the old one no longer works. Import this one:

## Plans
mng-plan-title = 🗂 Plans (page { $page }). ✅ offered, ⛔️ withdrawn.
mng-plan-none = 🗂 No plans yet.
mng-plan-add = ➕ Add a plan
mng-plan-view =
    🗂 Plan #{ $id }: { $name }
    { $days } days · { $traffic } · devices: { $devices }
    Price: { $price }
    { $status }
mng-plan-is-offered = ✅ Offered to customers
mng-plan-is-withdrawn = ⛔️ Not offered
mng-plan-offer = ✅ Offer
mng-plan-withdraw = ⛔️ Withdraw
mng-plan-offered = Plan offered.
mng-plan-withdrawn = Plan withdrawn.
mng-plan-publish = ✅ Publish
mng-plan-draft = The plan is saved as a draft (not offered). Publish it?
mng-plan-cannot-move = It cannot move further.
mng-plan-edit-name = ✏️ Name
mng-plan-edit-days = ✏️ Days
mng-plan-edit-traffic = ✏️ Traffic
mng-plan-edit-devices = ✏️ Devices
mng-plan-edit-price = ✏️ Price
mng-plan-name-ask = The plan's name (1-64 characters)?
mng-plan-days-ask = How many days does it last? (1-3650)
mng-plan-traffic-ask = Traffic in GB? (0 = unlimited)
mng-plan-devices-ask = How many devices at once? (0 = no limit)
mng-plan-price-ask = Price (a whole amount)?
mng-plan-price-bad = The price must be a whole amount from 0 to 1,000,000,000,000,000 (0 = free).

mng-plan-options = ⚙️ Panel options
mng-plan-panel-line = Panel options: { $options }
mng-plan-options-title =
    ⚙️ Panel options of { $name }
    Chosen: { $chosen }
    Tap to add or remove. The plan is sold only with options the panel has.
mng-plan-options-all = { $field }: all
mng-plan-options-all-button = { $field }: all
mng-plan-options-none-chosen = nothing yet
mng-plan-options-refresh = ↻ Read again from the panel
mng-plan-options-refreshing = Reading the panel's options; tap ↻ again in a few seconds.
mng-plan-options-unknown = The panel's options are not known yet. Tap ↻ and, in a few seconds, open this screen again.
mng-plan-options-no-panel = No VPN panel serves this shop yet; the platform owner assigns one.
mng-plan-options-needed = Choose the plan's panel options first (⚙️ Panel options).
mng-plan-options-gone = { $names } is not on the panel (any more).
mng-plan-options-unusable = { $names } would serve nothing, so its users could not connect.
mng-plan-options-panel-empty = The panel offers nothing a plan could choose, so nothing can be sold on it.
mng-plan-options-refused = The panel options were not saved: { $why }

## Cards
mng-card-title = 💳 Payment cards (page { $page }), used today / daily cap:
mng-card-none = 💳 No payment cards yet.
mng-card-add = ➕ Add a card
mng-card-view =
    💳 { $number }
    Holder: { $holder } · bank: { $bank }
    Today: { $usage } ({ $payments } payments)
    { $status }
mng-card-is-on = ✅ Shown to customers
mng-card-is-off = ⛔️ Not shown
mng-card-enabled = Card enabled.
mng-card-disabled = Card disabled.
mng-card-number-ask = The card number (16 digits)?
mng-card-holder-ask = The holder's name, as the bank shows it?
mng-card-holder-bad = The name must be 1 to 64 characters.
mng-card-cap-ask = Most this card may receive per day? (0 = no cap)
mng-card-cap-bad = Send a whole amount (0 for no cap).
mng-card-added = ✅ Card added.
mng-card-exists = This card is registered already.

## Settings
mng-set-title = ⚙️ Features: press one to switch it on or off.
mng-set-config = 🔧 Configuration
mng-set-config-title = 🔧 Configuration: press a key to change it.
mng-set-ask =
    { $key } is now: { $value }
    Send the new value: { $expected }
mng-set-reset = ↩️ Reset to default
mng-set-saved = ✅ { $key } = { $value }

## Promo codes
mng-promo-title = 🎟 Promo codes (page { $page }).
mng-promo-none = 🎟 No promo codes yet.
mng-promo-add = ➕ Add a code
mng-promo-kind-ask = What does the code give?
mng-promo-kind-bonus = 💰 Wallet bonus
mng-promo-kind-percent = ٪ Percent off
mng-promo-kind-days = 📅 Extra days
mng-promo-code-ask = The code (3-32 letters, digits, _ or -)?
mng-promo-bonus-ask = How much goes into the wallet (a whole amount)?
mng-promo-percent-ask = How many percent off? (1-100)
mng-promo-days-ask = How many extra days? (1-365)
mng-promo-uses-ask = How many uses in total? (0 = no limit)
mng-promo-uses-bad = Send a whole number (0 for no limit).
mng-promo-valid-ask = Valid for how many days? (0 = no end)
mng-promo-valid-bad = Send a whole number of days up to 3650 (0 for no end).
mng-promo-exists = This shop has that code already.
mng-promo-added = ✅ Promo code added.
mng-promo-n-days = { $days } days
mng-promo-view =
    🎟 { $code }: { $benefit }
    Used { $uses } of { $limit } · until { $until }
    { $status }
mng-promo-is-on = ✅ Active
mng-promo-is-off = ⛔️ Switched off
mng-promo-on = Code switched on.
mng-promo-off = Code switched off.

## Tickets
mng-ticket-title-open = 💬 Open tickets (page { $page }):
mng-ticket-title-all = 💬 All tickets (page { $page }):
mng-ticket-none = 💬 No tickets here.
mng-ticket-all = 📚 All tickets
mng-ticket-open-only = 🟢 Open tickets only
mng-ticket-view = 💬 Ticket #{ $id } · { $who } · { $status } · since { $since }

## The VPN panel area (admin::panel) and its connection job (panel_connect).
btn-adm-panel = 🖥 VPN panel
mng-panel-title = 🖥 VPN panel
    Kind: { $kind }
    Whose: { $whose }
    Status: { $health }
mng-panel-whose-own = your own panel
mng-panel-whose-platform = the platform's panel
mng-panel-up = ✅ answering
mng-panel-down = ⚠️ not answering — sales are paused until it answers again
mng-panel-none = 🖥 No VPN panel serves this shop yet.
mng-panel-btn-connect = 🔌 Connect my own panel
mng-panel-pick-kind = Which panel software do you run?
mng-panel-ask-url = Send the address of your { $kind } panel, with its path if it has one (e.g. https://panel.example.com:2053/secretpath).
mng-panel-not-yours = Only the shop's owner, or an admin allowed to manage admins, connects its VPN panel.
mng-panel-bad-url = ❌ That is not a web address (it must start with https:// or http://).
mng-panel-ask-credentials = Send the login of your { $kind } panel as lines like these, with your values after each = (the message is deleted at once):
    { $templates }
mng-panel-or = — or —
mng-panel-bad-credentials = ❌ That is not a complete login for this panel: fill in every line of one of the forms below.
mng-panel-send-again = The previous message could not be read again after a restart; please send the login once more.
mng-panel-testing = 🔌 Testing the connection to your panel… You will get the result here in a moment.
mng-panel-connected = ✅ Your { $kind } panel is connected and now serves this shop. It offers plans:
    { $offers }
    Choose a plan's options under Plans.
mng-panel-refused-login = ❌ The panel refused this login. Check the username, password or token and connect again.
mng-panel-unreachable = ❌ The panel did not answer as expected. Check its address (with its path) and that it is running, then connect again.
mng-panel-not-allowed = This platform does not let shops connect their own VPN panel.
