//! Progress of the long operations (those that run the passphrase KDF, or open a large vault):
//! each engine call a task is made of is announced before it starts, so the window can say what
//! it is waiting for. The engine has no finer-grained progress for these calls.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// Reading the folder's marker and key slots.
    OpenFolder,
    /// Creating the database and key slots (includes measuring this PC for the KDF).
    CreateVault,
    /// Deriving the key from the passphrase and opening the database.
    Unlock,
    /// Checking the recovery code and writing the new passphrase slot.
    Recover,
    /// Copying a backup onto this PC as a new PC of the agency, with new keys.
    Restore,
    /// Wrapping the database key with a new passphrase.
    WriteKeySlot,
    /// Writing the case records again under a new key, and the key files and recovery code anew.
    ChangeKey,
    /// Reading the signed-in identity's names.
    ReadIdentity,
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct Progress {
    pub step: Step,
    /// 1-based position of this step, out of `of`.
    pub index: u32,
    pub of: u32,
}

/// Where a command reports progress: a Tauri channel in the app, a closure in tests.
pub trait Report: Send {
    fn report(&self, p: Progress);
}

impl<F: Fn(Progress) + Send> Report for F {
    fn report(&self, p: Progress) {
        self(p)
    }
}

/// Reports the steps of one task in order.
pub(crate) struct Steps<'a> {
    sink: &'a dyn Report,
    of: u32,
    next: u32,
}

impl<'a> Steps<'a> {
    pub(crate) fn new(sink: &'a dyn Report, of: u32) -> Steps<'a> {
        Steps { sink, of, next: 1 }
    }
    pub(crate) fn step(&mut self, step: Step) {
        self.sink.report(Progress {
            step,
            index: self.next.min(self.of),
            of: self.of,
        });
        self.next += 1;
    }
    pub(crate) fn done(self) {
        self.sink.report(Progress {
            step: Step::Done,
            index: self.of,
            of: self.of,
        });
    }
}
