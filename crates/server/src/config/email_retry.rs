//! How notification email is retried when the SMTP server cannot take it now.

use std::time::Duration;

/// How often and how patiently a message is retried when the SMTP server cannot take it now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failed attempt; each later wait doubles it.
    pub first_delay: Duration,
    /// The longest wait between two attempts.
    pub max_delay: Duration,
    /// Attempts before a message is dropped.
    pub max_attempts: u32,
    /// The most one attempt (connect, commands, message) may take.
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    /// 1 s, 2 s, 4 s, ... up to 5 minutes between attempts, 20 attempts: a mail server down for
    /// about an hour still gets the message; after that the administrators have other worries,
    /// and the Notifications page still shows it.
    fn default() -> Self {
        Self {
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(300),
            max_attempts: 20,
            timeout: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The wait after attempt number `attempt` (1 for the first) failed.
    pub fn delay_after(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(31);
        self.first_delay
            .saturating_mul(1u32 << doublings)
            .min(self.max_delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_cap() {
        let policy = RetryPolicy {
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
            ..RetryPolicy::default()
        };
        let waits: Vec<u64> = (1..=8).map(|a| policy.delay_after(a).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(policy.delay_after(1000), Duration::from_secs(60));
    }
}
