//! The app's state: at most one unlocked vault, behind a mutex because the engine's `Vault` holds
//! a SQLite connection (Send, not Sync). Locking drops the vault, which drops the key and the
//! connection; nothing of the case data stays in this process's state after that.

use std::{
    path::PathBuf,
    sync::{Arc, Mutex, MutexGuard, OnceLock},
};

use kasane::{Ambient, KdfCost, Vault};

use crate::{error::CommandError, pdf::Layout};

/// Shared by every command. Cloning shares the same vault slot.
#[derive(Clone)]
pub struct Desktop {
    vault: Arc<Mutex<Option<Vault>>>,
    /// The folder named by `KASANE_VAULT` when the app started (demo and development convenience).
    pub env_vault: Option<PathBuf>,
    /// scrypt cost for new passphrases: calibrated on this PC in the app, cheap in tests.
    pub kdf: KdfCost,
    ambient: fn() -> Ambient,
    /// The running app's web engine, which lays out PDFs; absent where there is no window (tests).
    layout: Arc<OnceLock<Layout>>,
}

impl Desktop {
    pub fn new(env_vault: Option<PathBuf>) -> Desktop {
        Desktop {
            vault: Arc::new(Mutex::new(None)),
            env_vault,
            kdf: KdfCost::Calibrated,
            ambient: Ambient::system,
            layout: Arc::new(OnceLock::new()),
        }
    }

    /// A desktop whose new passphrase slots use a fixed, cheap KDF cost: for tests only.
    pub fn with_kdf(mut self, kdf: KdfCost) -> Desktop {
        self.kdf = kdf;
        self
    }

    pub fn ambient(&self) -> Ambient {
        (self.ambient)()
    }

    /// Called once the app runs, with its handle.
    pub fn attach(&self, layout: Layout) {
        let _ = self.layout.set(layout);
    }

    pub fn layout(&self) -> Option<Layout> {
        self.layout.get().cloned()
    }

    /// A poisoned lock only means an engine call panicked; the vault's own transactions keep the
    /// database consistent, so the slot is still usable.
    fn slot(&self) -> MutexGuard<'_, Option<Vault>> {
        self.vault.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the unlocked vault, or says the vault is locked.
    pub fn with_vault<T>(&self, f: impl FnOnce(&mut Vault) -> Result<T, CommandError>) -> Result<T, CommandError> {
        let mut slot = self.slot();
        let vault = slot.as_mut().ok_or_else(CommandError::locked)?;
        f(vault)
    }

    /// Puts a freshly unlocked vault in the slot, locking any other first.
    pub fn open(&self, vault: Vault) {
        *self.slot() = Some(vault);
    }

    /// Locks: the vault (key and connection) is dropped. Returns whether one was open.
    pub fn lock(&self) -> bool {
        self.slot().take().is_some()
    }

    pub fn is_unlocked(&self) -> bool {
        self.slot().is_some()
    }
}
