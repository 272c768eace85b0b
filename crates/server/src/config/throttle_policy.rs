//! How failed sign-ins slow down and lock (applied by `auth::throttle`).

use std::time::Duration;

/// When failed sign-ins start to cost time, and when they lock an account or an address.
#[derive(Clone, Debug)]
pub struct ThrottlePolicy {
    /// Failures that cost nothing (typos).
    pub free_failures: u32,
    /// The wait after the first costly failure; it doubles with each one after.
    pub first_delay: Duration,
    pub max_delay: Duration,
    /// Failures of one account that lock it.
    pub lock_after: u32,
    /// Failures from one address that lock it: higher, since offices share an address.
    pub lock_address_after: u32,
    pub lock_for: Duration,
    /// Failures older than this are forgotten.
    pub window: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            free_failures: 3,
            first_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(4),
            lock_after: 10,
            lock_address_after: 30,
            lock_for: Duration::from_secs(15 * 60),
            window: Duration::from_secs(15 * 60),
        }
    }
}
