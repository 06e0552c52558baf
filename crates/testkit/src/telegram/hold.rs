//! Holding replies: while held, `sendMessage` calls are accepted but not
//! answered, so a test can see a bot's replies in flight (and kill the bot
//! then). A held call whose client goes away is no longer counted, and is
//! never performed — the connection died before Telegram answered.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use tokio::sync::Notify;

#[derive(Default)]
pub(crate) struct Hold {
    on: AtomicBool,
    waiting: AtomicUsize,
    released: Notify,
}

impl Hold {
    pub fn set(&self, on: bool) {
        self.on.store(on, Ordering::SeqCst);
        if !on {
            self.released.notify_waiters();
        }
    }

    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    /// Returns at once unless held; else when released.
    pub async fn pass(&self) {
        if !self.on.load(Ordering::SeqCst) {
            return;
        }
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let _counted = Counted(&self.waiting);
        loop {
            let released = self.released.notified();
            tokio::pin!(released);
            released.as_mut().enable();
            if !self.on.load(Ordering::SeqCst) {
                return;
            }
            released.await;
        }
    }
}

/// Uncounts a held call however it ends (released, or dropped with its client).
struct Counted<'a>(&'a AtomicUsize);

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}
