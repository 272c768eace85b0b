//! Sign-in throttling. Failures are counted per account (the email address tried) and per
//! client address. After a few free failures each attempt waits longer before it is checked;
//! after more, the account or address is locked for a while, and every attempt, even with the
//! right password, is refused until the lock ends. A success clears the account's count.
//!
//! The counts live in memory: a restart forgets them, which costs an attacker a restart they
//! cannot cause. Counts older than the window are forgotten.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub use crate::config::ThrottlePolicy;

#[derive(Clone, Copy, Debug, Default)]
struct Failures {
    count: u32,
    last: Option<Instant>,
    locked_until: Option<Instant>,
}

/// What to do with a sign-in attempt before checking its password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// Check it, after waiting this long.
    Wait(Duration),
    /// Refuse it: locked for this much longer.
    Locked(Duration),
}

/// What a failure led to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterFailure {
    Counted,
    /// This failure locked the account or the address.
    LockedNow,
}

pub struct Throttle {
    policy: ThrottlePolicy,
    keys: Mutex<HashMap<String, Failures>>,
}

fn account_key(account: &str) -> String {
    format!("account:{account}")
}

fn address_key(address: &str) -> String {
    format!("address:{address}")
}

impl Throttle {
    pub fn new(policy: ThrottlePolicy) -> Self {
        Self {
            policy,
            keys: Mutex::new(HashMap::new()),
        }
    }

    fn current(&self, failures: Failures, now: Instant) -> Failures {
        match failures.last {
            Some(last)
                if now.duration_since(last) > self.policy.window
                    && failures.locked_until.is_none_or(|until| until <= now) =>
            {
                Failures::default()
            }
            _ => failures,
        }
    }

    /// Whether an attempt for `account` (folded email) from `address` may be checked, and after
    /// what wait.
    pub fn gate(&self, account: &str, address: &str, now: Instant) -> Gate {
        let keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = Duration::ZERO;
        for key in [account_key(account), address_key(address)] {
            let failures = self.current(keys.get(&key).copied().unwrap_or_default(), now);
            if let Some(until) = failures.locked_until.filter(|until| *until > now) {
                return Gate::Locked(until - now);
            }
            wait = wait.max(self.delay_after(failures.count));
        }
        Gate::Wait(wait)
    }

    fn delay_after(&self, count: u32) -> Duration {
        let costly = count.saturating_sub(self.policy.free_failures);
        if costly == 0 {
            return Duration::ZERO;
        }
        let factor = 2u32.saturating_pow((costly - 1).min(16));
        self.policy
            .first_delay
            .saturating_mul(factor)
            .min(self.policy.max_delay)
    }

    pub fn record_failure(&self, account: &str, address: &str, now: Instant) -> AfterFailure {
        let mut keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        let mut outcome = AfterFailure::Counted;
        for (key, lock_after) in [
            (account_key(account), self.policy.lock_after),
            (address_key(address), self.policy.lock_address_after),
        ] {
            let mut failures = self.current(keys.get(&key).copied().unwrap_or_default(), now);
            failures.count += 1;
            failures.last = Some(now);
            if failures.count >= lock_after && failures.locked_until.is_none_or(|u| u <= now) {
                failures.locked_until = Some(now + self.policy.lock_for);
                outcome = AfterFailure::LockedNow;
            }
            keys.insert(key, failures);
        }
        // Forget what is stale, so guessing many names cannot grow the map without bound.
        if keys.len() > 10_000 {
            let policy_window = self.policy.window;
            keys.retain(|_, f| {
                f.last
                    .is_some_and(|last| now.duration_since(last) <= policy_window)
                    || f.locked_until.is_some_and(|u| u > now)
            });
        }
        outcome
    }

    /// A successful sign-in clears the account's failures (not the address's: one good
    /// password must not reset a guessing run against other accounts).
    pub fn record_success(&self, account: &str) {
        let mut keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        keys.remove(&account_key(account));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> ThrottlePolicy {
        ThrottlePolicy {
            free_failures: 2,
            first_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(400),
            lock_after: 6,
            lock_address_after: 8,
            lock_for: Duration::from_secs(60),
            window: Duration::from_secs(300),
        }
    }

    #[test]
    fn failures_slow_down_then_lock_then_expire() {
        let throttle = Throttle::new(policy());
        let t0 = Instant::now();
        let waits: Vec<Gate> = (0..6)
            .map(|_| {
                let gate = throttle.gate("a@x", "1.2.3.4", t0);
                throttle.record_failure("a@x", "1.2.3.4", t0);
                gate
            })
            .collect();
        let ms = |n| Gate::Wait(Duration::from_millis(n));
        assert_eq!(waits, vec![ms(0), ms(0), ms(0), ms(100), ms(200), ms(400)]);
        assert_eq!(
            throttle.gate("a@x", "1.2.3.4", t0),
            Gate::Locked(Duration::from_secs(60))
        );
        // Another account from another address is not affected.
        assert_eq!(throttle.gate("b@x", "5.6.7.8", t0), ms(0));
        // The lock ends.
        assert_eq!(
            throttle.gate("a@x", "1.2.3.4", t0 + Duration::from_secs(61)),
            ms(400)
        );
    }

    #[test]
    fn one_address_guessing_many_accounts_is_locked() {
        let throttle = Throttle::new(policy());
        let t0 = Instant::now();
        let mut locked = false;
        for n in 0..8 {
            locked |= throttle.record_failure(&format!("user{n}@x"), "9.9.9.9", t0)
                == AfterFailure::LockedNow;
        }
        assert!(locked);
        assert!(matches!(
            throttle.gate("someone@x", "9.9.9.9", t0),
            Gate::Locked(_)
        ));
    }

    #[test]
    fn success_clears_the_account() {
        let throttle = Throttle::new(policy());
        let t0 = Instant::now();
        for _ in 0..4 {
            throttle.record_failure("a@x", "1.1.1.1", t0);
        }
        throttle.record_success("a@x");
        assert_eq!(
            throttle.gate("a@x", "2.2.2.2", t0),
            Gate::Wait(Duration::ZERO)
        );
    }
}
