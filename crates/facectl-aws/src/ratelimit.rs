//! Client-side rate limit shared by all Rekognition calls (a token bucket refilled at `tps`).
//!
//! Rekognition quotas are per account and region (e.g. 50 TPS for IndexFaces and
//! SearchFacesByImage in large regions, 5 TPS elsewhere): staying under them avoids most
//! ThrottlingExceptions; the ones that still happen are retried by the SDK's standard retry and
//! the service layer's `with_retry`.

use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// A token bucket: up to `burst` calls at once, then one every `1 / tps` seconds.
#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    burst: u32,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    tokens: f64,
    last: Option<Instant>,
}

impl RateLimiter {
    /// A limiter at `tps` calls per second with a burst of one second's worth (at least 1).
    pub fn new(tps: f64) -> Self {
        let tps = if tps.is_finite() && tps > 0.0 {
            tps
        } else {
            1.0
        };
        let burst = (tps.floor() as u32).max(1);
        RateLimiter {
            interval: Duration::from_secs_f64(1.0 / tps),
            burst,
            state: Mutex::new(State {
                tokens: f64::from(burst),
                last: None,
            }),
        }
    }

    /// Waits until a call may be made, and takes its token.
    pub async fn acquire(&self) {
        let wait = {
            let mut state = self.state.lock().await;
            let now = Instant::now();
            let per_sec = 1.0 / self.interval.as_secs_f64();
            if let Some(last) = state.last {
                let refill = now.saturating_duration_since(last).as_secs_f64() * per_sec;
                state.tokens = (state.tokens + refill).min(f64::from(self.burst));
            }
            state.last = Some(now);
            // Take the token now (possibly going negative): later callers queue behind us.
            state.tokens -= 1.0;
            if state.tokens >= 0.0 {
                Duration::ZERO
            } else {
                Duration::from_secs_f64(-state.tokens / per_sec)
            }
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test(start_paused = true)]
    async fn holds_calls_to_the_rate() {
        let limiter = Arc::new(RateLimiter::new(5.0));
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..25 {
            let l = Arc::clone(&limiter);
            tasks.push(tokio::spawn(async move {
                l.acquire().await;
                Instant::now()
            }));
        }
        let mut times = Vec::new();
        for t in tasks {
            times.push(t.await.expect("task").duration_since(start));
        }
        times.sort();
        // 5 at once (the burst), then 5 per second: the 25th call waits 4 s.
        assert_eq!(times.iter().filter(|t| t.is_zero()).count(), 5);
        let last = times[24].as_secs_f64();
        assert!((3.9..=4.1).contains(&last), "last call at {last}s");
        // Never more than burst + tps * t calls by time t.
        for (i, t) in times.iter().enumerate() {
            assert!(
                (i as f64) < 5.0 + 5.0 * t.as_secs_f64() + 1e-6,
                "call {i} at {t:?}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn refills_while_idle() {
        let limiter = RateLimiter::new(2.0);
        limiter.acquire().await;
        limiter.acquire().await;
        tokio::time::sleep(Duration::from_secs(10)).await;
        let start = Instant::now();
        limiter.acquire().await;
        limiter.acquire().await;
        assert!(start.elapsed() < Duration::from_millis(1));
        limiter.acquire().await;
        assert!(start.elapsed() >= Duration::from_millis(499));
    }
}
