//! How webhook deliveries are sent and retried.

use std::time::Duration;

/// How long a receiver has to answer, how much of its answer is read, and the waits between
/// attempts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookPolicy {
    /// The wait after each failed attempt, in order; when they are used up the delivery has
    /// failed and its hook is turned off.
    pub retry_delays: Vec<Duration>,
    /// The most one attempt (connect, send, answer) may take.
    pub timeout: Duration,
    /// How much of a receiver's answer is read, to show in the delivery log.
    pub max_answer_bytes: usize,
    /// How long the secret before a rotation still signs deliveries beside the new one.
    pub rotation_overlap: Duration,
}

const MINUTE: u64 = 60;
const HOUR: u64 = 60 * MINUTE;

impl Default for WebhookPolicy {
    /// Attempts at once, then after 5 s, 5 min, 30 min, 2 h, 5 h, 8 h and 8 h: eight tries over
    /// 23 h 35 min, so a receiver down for most of a day still gets every event. A receiver
    /// has 10 s to answer (a chat tool answers in well under one).
    fn default() -> Self {
        Self {
            retry_delays: [
                5,
                5 * MINUTE,
                30 * MINUTE,
                2 * HOUR,
                5 * HOUR,
                8 * HOUR,
                8 * HOUR,
            ]
            .map(Duration::from_secs)
            .to_vec(),
            timeout: Duration::from_secs(10),
            max_answer_bytes: 4096,
            rotation_overlap: Duration::from_secs(24 * HOUR),
        }
    }
}

impl WebhookPolicy {
    /// Attempts a delivery gets in all.
    pub fn max_attempts(&self) -> u32 {
        u32::try_from(self.retry_delays.len()).unwrap_or(u32::MAX - 1) + 1
    }

    /// The wait after attempt number `attempt` (1 for the first) failed; `None` after the last.
    pub fn delay_after(&self, attempt: u32) -> Option<Duration> {
        let index = usize::try_from(attempt.checked_sub(1)?).ok()?;
        self.retry_delays.get(index).copied()
    }

    /// How long all the waits add up to.
    pub fn retry_span(&self) -> Duration {
        self.retry_delays.iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_receiver_is_tried_for_about_a_day() {
        let policy = WebhookPolicy::default();
        assert_eq!(policy.max_attempts(), 8);
        let span = policy.retry_span();
        assert!(span > Duration::from_secs(22 * HOUR) && span < Duration::from_secs(25 * HOUR));
        assert_eq!(policy.delay_after(1), Some(Duration::from_secs(5)));
        assert_eq!(policy.delay_after(7), Some(Duration::from_secs(8 * HOUR)));
        assert_eq!(policy.delay_after(8), None);
        assert_eq!(policy.delay_after(0), None);
    }
}
