//! The clock a command reads: the system clock, or a replay clock that seeds an empty
//! installation with a history.
//!
//! Every command decides against `CommandContext::now`, the domain validates the times it is
//! given against it (a bedside check at most 30 minutes before an infusion, no visit in the
//! future), and every ledger entry carries it as `recorded_at`. A history months long can
//! therefore be entered coherently only if the executor's clock is that history's clock: a
//! [`ReplayClock`].

use std::sync::{Arc, Mutex, PoisonError};

use chrono::Utc;
use cordtrace_domain::Timestamp;

/// Why the replay clock refused to move, or a command refused to run on it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    /// A history runs forward only.
    #[error("the replay clock cannot go back from {from} to {to}")]
    Backwards {
        /// The clock's time.
        from: Timestamp,
        /// The earlier time asked for.
        to: Timestamp,
    },
    /// A history ends at the present: nothing is recorded as if it happened later.
    #[error("the replay clock cannot pass the system clock: {to} is after {now}")]
    AheadOfSystem {
        /// The time asked for.
        to: Timestamp,
        /// The system clock.
        now: Timestamp,
    },
    /// The clock follows the system clock since [`ReplayClock::catch_up`].
    #[error("the replay clock has caught up with the system clock and no longer moves")]
    CaughtUp,
    /// The ledger already holds an entry later than the replay clock: someone else writes.
    #[error(
        "the ledger's last entry was recorded at {last}, after the replay clock's {now}: \
         a replayed history must be the only writer of an empty installation"
    )]
    BehindLedger {
        /// The last entry's time.
        last: Timestamp,
        /// The replay clock.
        now: Timestamp,
    },
}

/// A clock that a seed moves through a history, for entering that history into an **empty**
/// installation with [`Executor::start_replaying`](super::Executor::start_replaying).
///
/// It only moves forward and never past the system clock, so the entries it stamps are in
/// order and none lies in the future; [`catch_up`](Self::catch_up) makes it follow the system
/// clock from then on, for the part of the history that is happening now. Replaying behind
/// entries already in a ledger would record time running backwards: whoever replays must
/// first see that the ledger is empty and be its only writer (the executor refuses a command
/// whose replayed time is earlier than the ledger's last entry, so a concurrent writer fails
/// the seed instead of interleaving with it). It exists for `cordtrace seed-demo`; nothing
/// that serves requests uses it.
#[derive(Debug)]
pub struct ReplayClock {
    /// The replayed time; `None` once caught up with the system clock.
    at: Mutex<Option<Timestamp>>,
}

fn system_now() -> Timestamp {
    Timestamp::from_datetime(Utc::now())
}

impl ReplayClock {
    /// A clock standing at `start`, which must not be after the system clock.
    pub fn starting_at(start: Timestamp) -> Result<Arc<Self>, ClockError> {
        let now = system_now();
        if start > now {
            return Err(ClockError::AheadOfSystem { to: start, now });
        }
        Ok(Arc::new(Self {
            at: Mutex::new(Some(start)),
        }))
    }

    /// The clock's time: the replayed time, or the system clock once caught up.
    pub fn now(&self) -> Timestamp {
        self.replayed().unwrap_or_else(system_now)
    }

    /// Whether the clock follows the system clock.
    pub fn is_caught_up(&self) -> bool {
        self.replayed().is_none()
    }

    /// Moves the clock to `to`: not earlier than its time (the same time is allowed, for acts
    /// recorded together), not after the system clock, and not once caught up.
    pub fn advance_to(&self, to: Timestamp) -> Result<(), ClockError> {
        let mut at = self.lock();
        let from = at.ok_or(ClockError::CaughtUp)?;
        if to < from {
            return Err(ClockError::Backwards { from, to });
        }
        let now = system_now();
        if to > now {
            return Err(ClockError::AheadOfSystem { to, now });
        }
        *at = Some(to);
        Ok(())
    }

    /// Makes the clock follow the system clock from now on (which is never behind it).
    pub fn catch_up(&self) {
        *self.lock() = None;
    }

    fn replayed(&self) -> Option<Timestamp> {
        *self.lock()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Timestamp>> {
        // The guarded value is a plain `Option` written in one assignment: a panic elsewhere
        // cannot leave it half-written, so a poisoned lock still holds a valid time.
        self.at.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The clock an executor stamps its commands with.
#[derive(Clone, Debug)]
pub(crate) enum Clock {
    /// The system clock: every server.
    System,
    /// A seed's history.
    Replay(Arc<ReplayClock>),
}

impl Clock {
    pub(crate) fn now(&self) -> Timestamp {
        match self {
            Clock::System => system_now(),
            Clock::Replay(clock) => clock.now(),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn ago(hours: i64) -> Timestamp {
        Timestamp::from_datetime(Utc::now() - Duration::hours(hours))
    }

    #[test]
    fn it_moves_forward_only() {
        let start = ago(48);
        let clock = ReplayClock::starting_at(start).expect("a start in the past");
        assert_eq!(clock.now(), start);
        let later = ago(24);
        clock.advance_to(later).expect("forward");
        clock.advance_to(later).expect("standing still is allowed");
        assert_eq!(clock.now(), later);
        assert_eq!(
            clock.advance_to(start),
            Err(ClockError::Backwards {
                from: later,
                to: start
            })
        );
        assert_eq!(clock.now(), later, "a refused move leaves the clock");
    }

    #[test]
    fn it_never_passes_the_system_clock() {
        let ahead = Timestamp::from_datetime(Utc::now() + Duration::hours(1));
        assert!(matches!(
            ReplayClock::starting_at(ahead),
            Err(ClockError::AheadOfSystem { .. })
        ));
        let start = ago(2);
        let clock = ReplayClock::starting_at(start).expect("a start in the past");
        assert!(matches!(
            clock.advance_to(ahead),
            Err(ClockError::AheadOfSystem { to, .. }) if to == ahead
        ));
        assert_eq!(clock.now(), start, "a refused move leaves the clock");
        assert!(!clock.is_caught_up());
    }

    #[test]
    fn after_catch_up_it_follows_the_system_clock() {
        let clock = ReplayClock::starting_at(ago(240)).expect("a start in the past");
        clock.catch_up();
        assert!(clock.is_caught_up());
        let before = system_now();
        let now = clock.now();
        assert!(
            before <= now && now <= system_now(),
            "{now} is the system clock"
        );
        assert_eq!(clock.advance_to(ago(1)), Err(ClockError::CaughtUp));
    }

    #[test]
    fn the_system_clock_is_the_servers() {
        let before = system_now();
        let now = Clock::System.now();
        assert!(before <= now && now <= system_now());
    }
}
