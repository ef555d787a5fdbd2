//! A one-shot signal between tasks: raised once, awaited by whoever watches it, and seen even by
//! a watcher that starts after it was raised. A connection ends on one (its session ended, a
//! subscriber overflowed).

use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::Notify;

/// Raised once; [`Signal::raised`] resolves from then on.
#[derive(Debug, Default)]
pub struct Signal {
    raised: AtomicBool,
    notify: Notify,
}

impl Signal {
    /// Raises it (again: no effect).
    pub fn raise(&self) {
        self.raised.store(true, Ordering::Release);
        // Wakes a `raised` whose `notified` was made before the flag was read.
        self.notify.notify_waiters();
    }

    /// Whether it was raised.
    pub fn is_raised(&self) -> bool {
        self.raised.load(Ordering::Acquire)
    }

    /// Resolves once it is raised (at once if it was).
    pub async fn raised(&self) {
        loop {
            let notified = self.notify.notified();
            if self.is_raised() {
                return;
            }
            notified.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[actix_web::test]
    async fn a_signal_wakes_its_watcher_even_if_it_was_raised_first() {
        let early = Signal::default();
        early.raise();
        early.raised().await;
        let later = Arc::new(Signal::default());
        let watcher = {
            let later = Arc::clone(&later);
            actix_web::rt::spawn(async move { later.raised().await })
        };
        actix_web::rt::task::yield_now().await;
        later.raise();
        watcher.await.expect("woken");
    }
}
