# Broadcasts (crates/bot/src/admin/broadcast.rs; progress and report from crates/runtime/src/broadcast.rs).
bc-title = 📣 Broadcasts — send one message to your customers. It goes out at Telegram's pace; customers who blocked the bot are skipped.
bc-btn-new = ✍️ New broadcast
bc-btn-list = 📋 Recent broadcasts
bc-compose-ask = Send the message: a text, or a photo with a caption. It is sent exactly as you write it.
bc-empty = the message is empty
bc-text-too-long = a text can have at most 4096 characters
bc-caption-too-long = a photo caption can have at most 1024 characters
bc-draft = 📝 Draft #{ $id } ({ $kind })
    Button: { $button }

    { $text }
bc-kind-text = text
bc-kind-photo = photo
bc-no-button = none
bc-btn-audience = 👥 Choose the audience
bc-btn-button = 🔘 Set a button
bc-btn-remove-button = ✖️ Remove the button
bc-btn-discard = 🗑 Discard
bc-button-ask = Send the button as: Label | https://link
bc-button-format = write the label, a "|" and the link
bc-button-label = the label must have 1 to 64 characters
bc-button-url = the link must be a full https:// address
bc-audience-title = 👥 Who should get it? (the number is who can be reached now)
bc-audience-button = { $name } ({ $count })
bc-aud-all = All customers
bc-aud-active = With an active subscription
bc-aud-expired = Subscription expired
bc-aud-never = Never bought
bc-audience-line = 👥 Audience: { $audience }
bc-preview-sent = Preview sent below
bc-confirm = ☝️ This is the preview. Send it to "{ $audience }": { $count } customers? ({ $skipped } who blocked the bot or are banned will be skipped.)
bc-btn-send = ✅ Send to { $count }
bc-btn-change-audience = 👥 Change the audience
bc-btn-edit = ✏️ Back to the draft
bc-nobody = Nobody in this audience can be reached.
bc-not-draft = This broadcast is no longer a draft.
bc-discarded = Draft discarded.
bc-started = 🚀 Broadcast #{ $id } started for { $count } customers. A progress message follows in this chat.
bc-list-title = 📋 Recent broadcasts:
bc-list-empty = No broadcasts yet.
bc-list-item = #{ $id } · { $status } · { $sent }/{ $total }
bc-status-draft = draft
bc-status-running = sending
bc-status-cancelled = cancelled
bc-status-done = done
bc-btn-refresh = 🔄 Refresh
bc-btn-cancel = ⛔️ Cancel the broadcast
bc-cancelled = Cancelled: nothing more is sent.
bc-not-running = It is not running.
bc-progress = 📣 Broadcast #{ $id } — { $status }
    { $bar } { $percent }%
    ✅ Sent: { $sent }  ❌ Failed: { $failed }  🚫 Blocked: { $blocked }
    ⏳ Remaining: { $remaining } · { $rate }/s · time left { $eta }
bc-report = 📣 Broadcast #{ $id } { $outcome } ({ $elapsed }).
    👥 Targeted: { $total }
    ✅ Sent: { $sent }
    ❌ Failed: { $failed }
    🚫 Blocked the bot: { $blocked }
    ⏭ Skipped (blocked or banned before): { $skipped }
    ❔ Unknown (interrupted by a restart, not repeated): { $unknown }
    ⏸ Not sent: { $unsent }
bc-outcome-done = finished
bc-outcome-cancelled = was cancelled
