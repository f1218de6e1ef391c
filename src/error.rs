//! The crate's error: one enum that wraps each module's own, plus a coarse `Kind` that the CLI
//! turns into an exit code and the desktop app into a translated message.

use crate::{
    audit::AuditError, bundle::BundleError, keyring::KeyError, log::LogError, meeting::MeetingError,
    migrate::MigrateError, record::RecordError, share::ShareError, site::SiteError, vault::VaultError,
};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Migrate(#[from] MigrateError),
    #[error(transparent)]
    Log(#[from] LogError),
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error(transparent)]
    Audit(#[from] AuditError),
    #[error(transparent)]
    Site(#[from] SiteError),
    #[error(transparent)]
    Share(#[from] ShareError),
    #[error(transparent)]
    Bundle(#[from] BundleError),
    #[error(transparent)]
    Meeting(#[from] MeetingError),
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
}

/// What a caller can do about an error; stable, documented in docs/cli.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The input is wrong (a date, a code, a missing field); fix it and retry. Exit 2.
    BadInput,
    /// Wrong passphrase or recovery code. Exit 3.
    Auth,
    /// Not allowed by the rules (sharing, finalised records). Exit 4.
    Refused,
    /// An id that does not exist here. Exit 5.
    NotFound,
    /// No vault at the folder, or it is in use, damaged or from a newer version. Exit 6.
    Vault,
    /// A bundle was refused (a layer does not verify, unknown or revoked sender …). Exit 7.
    Rejected,
    /// Anything else; see the message and the local log. Exit 1.
    Internal,
}

impl Kind {
    /// The name used in JSON output and translations.
    pub fn name(self) -> &'static str {
        match self {
            Kind::BadInput => "bad-input",
            Kind::Auth => "auth",
            Kind::Refused => "refused",
            Kind::NotFound => "not-found",
            Kind::Vault => "vault",
            Kind::Rejected => "rejected",
            Kind::Internal => "internal",
        }
    }

    pub fn exit_code(self) -> i32 {
        match self {
            Kind::Internal => 1,
            Kind::BadInput => 2,
            Kind::Auth => 3,
            Kind::Refused => 4,
            Kind::NotFound => 5,
            Kind::Vault => 6,
            Kind::Rejected => 7,
        }
    }
}

impl Error {
    pub fn kind(&self) -> Kind {
        use KeyError as K;
        match self {
            Error::Key(K::WrongPassphrase | K::WrongRecoveryCode) => Kind::Auth,
            Error::Key(
                K::RecoveryCodeTypo
                | K::RecoveryCodeMalformed
                | K::NoSuchWorker { .. }
                | K::WorkerRequired { .. }
                | K::WorkerExists(_)
                | K::PassphraseTooShort
                | K::PassphraseMismatch
                | K::KdfCostOutOfRange(_)
                | K::KdfCostTooLow { .. },
            ) => Kind::BadInput,
            Error::Key(_) => Kind::Vault,
            Error::Vault(e) => e.kind(),
            Error::Migrate(_) => Kind::Vault,
            Error::Log(LogError::Db(e)) if is_busy(e) => Kind::Vault,
            Error::Log(LogError::NoSuchEntity(_)) => Kind::NotFound,
            Error::Log(LogError::WrongType { .. }) => Kind::BadInput,
            Error::Log(_) => Kind::Internal,
            Error::Record(e) => e.kind(),
            Error::Audit(_) => Kind::Internal,
            Error::Site(e) => e.kind(),
            Error::Share(e) => e.kind(),
            Error::Bundle(e) => e.kind(),
            Error::Meeting(e) => e.kind(),
            Error::Db(e) if is_busy(e) => Kind::Vault,
            Error::Db(_) => Kind::Internal,
        }
    }

    /// A short stable code for translations (e.g. "auth.wrong-passphrase").
    pub fn code(&self) -> &'static str {
        use KeyError as K;
        match self {
            Error::Key(K::WrongPassphrase) => "key.wrong-passphrase",
            Error::Key(K::WrongRecoveryCode) => "key.wrong-recovery-code",
            Error::Key(K::RecoveryCodeTypo) => "key.recovery-code-typo",
            Error::Key(K::RecoveryCodeMalformed) => "key.recovery-code-malformed",
            Error::Key(K::NoSuchWorker { .. }) => "key.no-such-worker",
            Error::Key(K::WorkerRequired { .. }) => "key.worker-required",
            Error::Key(K::WorkerExists(_)) => "key.worker-exists",
            Error::Key(K::PassphraseTooShort) => "key.passphrase-too-short",
            Error::Key(K::PassphraseMismatch) => "key.passphrase-mismatch",
            Error::Key(K::KdfCostOutOfRange(_)) => "key.kdf-cost-out-of-range",
            Error::Key(K::KdfCostTooLow { .. }) => "key.kdf-cost-too-low",
            Error::Key(K::SlotWorkerMismatch(_)) => "key.slot-wrong-worker",
            Error::Key(_) => "key.slot-damaged",
            Error::Vault(e) => e.code(),
            Error::Migrate(MigrateError::Newer { .. }) => "vault.newer-version",
            Error::Migrate(_) => "vault.upgrade-failed",
            // The log writes the audit trail and the search index at commit; their failures
            // read as they did when the engine wrote them itself.
            Error::Log(LogError::Db(e)) if is_busy(e) => "vault.busy",
            Error::Log(LogError::Audit(_)) => "audit.damaged",
            Error::Log(LogError::NoSuchEntity(_)) => "record.not-found",
            Error::Log(LogError::WrongType { .. }) => "record.wrong-type",
            Error::Log(_) => "internal",
            Error::Record(e) => e.code(),
            Error::Audit(_) => "audit.damaged",
            Error::Site(e) => e.code(),
            Error::Share(e) => e.code(),
            Error::Bundle(e) => e.code(),
            Error::Meeting(e) => e.code(),
            Error::Db(e) if is_busy(e) => "vault.busy",
            Error::Db(_) => "internal",
        }
    }
}

pub(crate) fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

impl From<crate::ja::DateError> for Error {
    fn from(e: crate::ja::DateError) -> Self {
        Error::Record(RecordError::Date(e))
    }
}
