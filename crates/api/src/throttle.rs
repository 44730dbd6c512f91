//! Failed sign-ins, counted per client address and per username, in the memory of one process.
//!
//! The lockout policy (so many consecutive failures lock an account for a while) is the
//! domain's, and every attempt at a known account, locked or not, is recorded in the ledger.
//! This throttle stands in front of it: once an address or a username has failed as often
//! within the window as its limit allows, further attempts are refused before any password is
//! compared, so they cost no argon2 time and write nothing. With one sign-in per document (see
//! `cost`), an anonymous party locks an account no faster than the lockout policy intends, and
//! what failures at one account can write to the ledger is bounded per window. Unknown
//! usernames are counted like known ones, so the refusal says nothing about whether a username
//! exists.
//!
//! Written by hand: the rate limiters of the field (`governor`, tower's) count every request,
//! and this counts failures only, so that people sharing a ward PC behind one address are not
//! refused for signing in successfully.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many failures are tolerated, and over what window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures one client address may make within the window.
    pub per_address: u32,
    /// Failures one username may receive within the window (from any address).
    pub per_username: u32,
    /// The sliding window over which failures are counted.
    pub window: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            per_address: 25,
            per_username: 10,
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// The most addresses and usernames remembered at once; beyond it the longest-quiet ones are
/// forgotten first, so that a spray of made-up usernames cannot grow the process's memory.
const MAX_TRACKED: usize = 50_000;

/// The longest username kept as a key; longer input is not a username and is cut.
const MAX_USERNAME_KEY: usize = 64;

/// Who failed: the client's address (none for an in-process caller) and the username typed.
#[derive(Clone, Debug)]
pub struct Attempt {
    address: Option<IpAddr>,
    username: String,
}

impl Attempt {
    /// An attempt from `address` at `username`, normalised as usernames are compared.
    pub fn new(address: Option<IpAddr>, username: &str) -> Self {
        let username = username
            .trim()
            .chars()
            .take(MAX_USERNAME_KEY)
            .collect::<String>()
            .to_lowercase();
        Self { address, username }
    }
}

/// Why an attempt is refused before its password is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Throttled {
    /// When the oldest failure that counts leaves the window.
    pub retry_after: Duration,
}

/// The failures of every key within the window, oldest first.
struct Failures<K> {
    by_key: HashMap<K, VecDeque<Instant>>,
}

impl<K: Eq + Hash + Clone> Failures<K> {
    fn new() -> Self {
        Self {
            by_key: HashMap::new(),
        }
    }

    /// Drops failures older than the window from `key`'s list and returns what remains.
    fn recent(&mut self, key: &K, window: Duration, now: Instant) -> Option<&VecDeque<Instant>> {
        let failures = self.by_key.get_mut(key)?;
        while failures
            .front()
            .is_some_and(|at| now.saturating_duration_since(*at) >= window)
        {
            failures.pop_front();
        }
        if failures.is_empty() {
            self.by_key.remove(key);
            return None;
        }
        self.by_key.get(key)
    }

    fn check(&mut self, key: &K, limit: u32, window: Duration, now: Instant) -> Option<Throttled> {
        let failures = self.recent(key, window, now)?;
        if failures.len() < limit as usize {
            return None;
        }
        let oldest = failures.front().copied().unwrap_or(now);
        Some(Throttled {
            retry_after: window.saturating_sub(now.saturating_duration_since(oldest)),
        })
    }

    fn record(&mut self, key: K, limit: u32, window: Duration, now: Instant) {
        if !self.by_key.contains_key(&key) && self.by_key.len() >= MAX_TRACKED {
            self.forget_quietest(window, now);
        }
        let failures = self.by_key.entry(key).or_default();
        failures.push_back(now);
        // Only the newest `limit` failures decide anything.
        while failures.len() > limit.max(1) as usize {
            failures.pop_front();
        }
    }

    /// Forgets every key whose failures have left the window, and if none has, the key whose
    /// last failure is oldest.
    fn forget_quietest(&mut self, window: Duration, now: Instant) {
        self.by_key.retain(|_, failures| {
            failures
                .back()
                .is_some_and(|at| now.saturating_duration_since(*at) < window)
        });
        if self.by_key.len() >= MAX_TRACKED {
            let quietest = self
                .by_key
                .iter()
                .min_by_key(|(_, failures)| failures.back().copied())
                .map(|(key, _)| key.clone());
            if let Some(key) = quietest {
                self.by_key.remove(&key);
            }
        }
    }

    fn clear(&mut self, key: &K) {
        self.by_key.remove(key);
    }
}

/// The failed-sign-in throttle of one process.
pub struct LoginThrottle {
    policy: ThrottlePolicy,
    state: Mutex<State>,
}

struct State {
    addresses: Failures<Option<IpAddr>>,
    usernames: Failures<String>,
}

impl LoginThrottle {
    /// A throttle with no failures yet.
    pub fn new(policy: ThrottlePolicy) -> Self {
        Self {
            policy,
            state: Mutex::new(State {
                addresses: Failures::new(),
                usernames: Failures::new(),
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock leaves counts that are still counts.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether `attempt` may go on to a password check at `now`.
    pub fn check(&self, attempt: &Attempt, now: Instant) -> Result<(), Throttled> {
        let policy = self.policy;
        let mut state = self.state();
        let by_address =
            state
                .addresses
                .check(&attempt.address, policy.per_address, policy.window, now);
        let by_username =
            state
                .usernames
                .check(&attempt.username, policy.per_username, policy.window, now);
        match (by_address, by_username) {
            (None, None) => Ok(()),
            (Some(one), None) | (None, Some(one)) => Err(one),
            (Some(a), Some(b)) => Err(a.max_by_retry(b)),
        }
    }

    /// Counts a failed attempt.
    pub fn record_failure(&self, attempt: Attempt, now: Instant) {
        let policy = self.policy;
        let mut state = self.state();
        state
            .addresses
            .record(attempt.address, policy.per_address, policy.window, now);
        state
            .usernames
            .record(attempt.username, policy.per_username, policy.window, now);
    }

    /// Forgets a username's failures after it signed in. The address keeps its count: signing
    /// in to one's own account must not reset the count of guesses at others.
    pub fn record_success(&self, attempt: &Attempt) {
        self.state().usernames.clear(&attempt.username);
    }

    /// Forgets a username's failures because an admin unlocked the account: a person decided
    /// the attempts are explained. Other server processes keep their counts until the window
    /// passes.
    pub fn forgive(&self, username: &str) {
        let attempt = Attempt::new(None, username);
        self.state().usernames.clear(&attempt.username);
    }
}

impl Throttled {
    fn max_by_retry(self, other: Throttled) -> Throttled {
        if other.retry_after > self.retry_after {
            other
        } else {
            self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADDRESS: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 7)));
    const OTHER_ADDRESS: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 8)));

    fn policy() -> ThrottlePolicy {
        ThrottlePolicy {
            per_address: 4,
            per_username: 2,
            window: Duration::from_secs(60),
        }
    }

    #[test]
    fn a_username_is_refused_after_its_failures_until_they_leave_the_window() {
        let throttle = LoginThrottle::new(policy());
        let start = Instant::now();
        let attempt = || Attempt::new(ADDRESS, "Nurse.Jane");
        assert_eq!(throttle.check(&attempt(), start), Ok(()));
        throttle.record_failure(attempt(), start);
        throttle.record_failure(attempt(), start + Duration::from_secs(10));
        // The same username from another address, in another case, is the same username.
        let elsewhere = Attempt::new(OTHER_ADDRESS, " nurse.jane ");
        assert_eq!(
            throttle.check(&elsewhere, start + Duration::from_secs(20)),
            Err(Throttled {
                retry_after: Duration::from_secs(40)
            })
        );
        // The first failure leaves the window at 60 s; one failure remains, under the limit.
        assert_eq!(
            throttle.check(&elsewhere, start + Duration::from_secs(60)),
            Ok(())
        );
    }

    #[test]
    fn an_address_is_refused_after_its_failures_whatever_the_username() {
        let throttle = LoginThrottle::new(policy());
        let now = Instant::now();
        for name in ["a.one", "b.two", "c.three", "d.four"] {
            throttle.record_failure(Attempt::new(ADDRESS, name), now);
        }
        assert!(
            throttle
                .check(&Attempt::new(ADDRESS, "e.five"), now)
                .is_err()
        );
        assert_eq!(
            throttle.check(&Attempt::new(OTHER_ADDRESS, "e.five"), now),
            Ok(())
        );
    }

    #[test]
    fn success_clears_the_username_but_not_the_address() {
        let throttle = LoginThrottle::new(policy());
        let now = Instant::now();
        let attempt = Attempt::new(ADDRESS, "nurse.jane");
        throttle.record_failure(attempt.clone(), now);
        throttle.record_failure(attempt.clone(), now);
        throttle.record_success(&attempt);
        assert_eq!(throttle.check(&attempt, now), Ok(()));
        throttle.record_failure(Attempt::new(ADDRESS, "x.one"), now);
        throttle.record_failure(Attempt::new(ADDRESS, "x.two"), now);
        assert!(
            throttle.check(&attempt, now).is_err(),
            "four at the address"
        );
    }

    #[test]
    fn memory_is_bounded_by_forgetting_the_quietest_keys() {
        let throttle = LoginThrottle::new(policy());
        let now = Instant::now();
        for n in 0..(MAX_TRACKED + 10) {
            throttle.record_failure(Attempt::new(None, &format!("user.{n}")), now);
        }
        assert!(throttle.state().usernames.by_key.len() <= MAX_TRACKED);
    }
}
