//! Progress of a bundle export or import as the window sees it: each engine report at once, and a
//! heartbeat at least every `HEARTBEAT` while the engine works between reports, so a long run
//! never looks stalled.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use serde::Serialize;
use ts_rs::TS;

use super::count;
use crate::error::CommandError;

/// How often the window hears from a long export or import, at the least.
pub const HEARTBEAT: Duration = Duration::from_millis(100);

/// Progress of an export or import: the engine's phase, and a heartbeat at least every
/// `HEARTBEAT` while a phase runs, so the window can show that work goes on.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BundleProgress {
    /// "prepare" (before the engine's first report), then "collect", "compress", "encrypt",
    /// "write" (export) or "decrypt", "verify", "apply" (import).
    pub phase: String,
    pub done: u32,
    pub total: u32,
    /// Since the command started.
    pub elapsed_ms: u32,
}

/// Where bundle progress goes: a Tauri channel in the app, a closure in tests.
pub trait BundleReport: Send + Sync {
    fn report(&self, p: BundleProgress);
}

impl<F: Fn(BundleProgress) + Send + Sync> BundleReport for F {
    fn report(&self, p: BundleProgress) {
        self(p)
    }
}

/// Runs `work` with an engine progress callback, forwarding each engine report at once and the
/// latest one again every `HEARTBEAT` from a side thread while the engine is busy between reports
/// (decrypting or writing one large piece gives no report of its own).
pub(crate) fn with_progress<T>(
    sink: &dyn BundleReport,
    work: impl FnOnce(&mut dyn FnMut(kasane::Progress)) -> Result<T, CommandError>,
) -> Result<T, CommandError> {
    let started = Instant::now();
    let elapsed = move || count(started.elapsed().as_millis());
    // Reading the file (import) or gathering what to send (export) comes before the engine's
    // first report: the window hears "prepare" at once, and the heartbeat repeats it.
    let first = BundleProgress {
        phase: "prepare".into(),
        done: 0,
        total: 0,
        elapsed_ms: 0,
    };
    sink.report(first.clone());
    let latest: Arc<Mutex<Option<BundleProgress>>> = Arc::new(Mutex::new(Some(first)));
    let stop = Arc::new(AtomicBool::new(false));
    std::thread::scope(|scope| {
        let (latest_t, stop_t) = (latest.clone(), stop.clone());
        scope.spawn(move || {
            while !stop_t.load(Ordering::Relaxed) {
                std::thread::sleep(HEARTBEAT / 5);
                let mut l = latest_t.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(p) = l.as_mut() {
                    let now = elapsed();
                    // Checked every fifth of the period, so no gap exceeds the period by more
                    // than scheduling delay.
                    if now.saturating_sub(p.elapsed_ms) >= count((HEARTBEAT - HEARTBEAT / 5).as_millis()) {
                        p.elapsed_ms = now;
                        sink.report(p.clone());
                    }
                }
            }
        });
        let mut forward = |p: kasane::Progress| {
            let p = BundleProgress {
                phase: p.phase.to_string(),
                done: count(p.done),
                total: count(p.total),
                elapsed_ms: elapsed(),
            };
            let mut l = latest.lock().unwrap_or_else(|p| p.into_inner());
            sink.report(p.clone());
            *l = Some(p);
        };
        let out = work(&mut forward);
        stop.store(true, Ordering::Relaxed);
        out
    })
}
