//! The API's error: what a call on the engine answers when it fails, one variant per module whose
//! rules refused or whose storage failed. Each module returns its own error and carries the errors
//! of the modules it calls; converting to this one flattens them, so a refusal reads the same
//! whichever module passed it on. Kind, code and Japanese message come from the module that
//! defined the failure.

use crate::{
    Kind, bundle::BundleError, meeting::MeetingError, record::RecordError, share::ShareError, site::SiteError,
    statistics::StatsExportError, tarball::ArchiveError, vault::VaultError,
};
use kasane_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(StoreError),
    #[error(transparent)]
    Vault(VaultError),
    #[error(transparent)]
    Record(RecordError),
    #[error(transparent)]
    Site(SiteError),
    #[error(transparent)]
    Share(ShareError),
    #[error(transparent)]
    Bundle(BundleError),
    #[error(transparent)]
    Meeting(MeetingError),
    #[error(transparent)]
    Archive(ArchiveError),
    #[error(transparent)]
    Stats(StatsExportError),
}

impl Error {
    pub fn kind(&self) -> Kind {
        match self {
            Error::Store(e) => e.kind(),
            Error::Vault(e) => e.kind(),
            Error::Record(e) => e.kind(),
            Error::Site(e) => e.kind(),
            Error::Share(e) => e.kind(),
            Error::Bundle(e) => e.kind(),
            Error::Meeting(e) => e.kind(),
            Error::Archive(e) => e.kind(),
            Error::Stats(_) => Kind::Internal,
        }
    }

    /// A short stable code for translations (e.g. "key.wrong-passphrase").
    pub fn code(&self) -> &'static str {
        match self {
            Error::Store(e) => e.code(),
            Error::Vault(e) => e.code(),
            Error::Record(e) => e.code(),
            Error::Site(e) => e.code(),
            Error::Share(e) => e.code(),
            Error::Bundle(e) => e.code(),
            Error::Meeting(e) => e.code(),
            Error::Archive(e) => e.code(),
            Error::Stats(e) => e.code(),
        }
    }

    /// The message in Japanese, as a case worker reads it: what happened and what to do. The
    /// English `Display` stays the reference for logs and scripts; this is its translation, with
    /// the same facts filled in.
    pub fn message_ja(&self) -> String {
        match self {
            Error::Store(e) => e.message_ja(),
            Error::Vault(e) => e.message_ja(),
            Error::Record(e) => e.message_ja(),
            Error::Site(e) => e.message_ja(),
            Error::Share(e) => e.message_ja(),
            Error::Bundle(e) => e.message_ja(),
            Error::Meeting(e) => e.message_ja(),
            Error::Archive(e) => e.message_ja(),
            Error::Stats(e) => e.message_ja(),
        }
    }

    /// The message in the language asked for ("ja" or anything else for English).
    pub fn message(&self, lang: &str) -> String {
        if lang.starts_with("ja") {
            self.message_ja()
        } else {
            self.to_string()
        }
    }
}

/// Each `From` below unwraps what a module only passed on, so the variant names the module whose
/// rule or storage failed.
impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        Error::Store(e)
    }
}

kasane_store::carries_store_errors!(Error);

impl From<VaultError> for Error {
    fn from(e: VaultError) -> Self {
        match e {
            VaultError::Store(s) => Error::Store(s),
            e => Error::Vault(e),
        }
    }
}

impl From<RecordError> for Error {
    fn from(e: RecordError) -> Self {
        match e {
            RecordError::Store(s) => Error::Store(s),
            e => Error::Record(e),
        }
    }
}

impl From<crate::ja::DateError> for Error {
    fn from(e: crate::ja::DateError) -> Self {
        Error::Record(RecordError::Date(e))
    }
}

impl From<SiteError> for Error {
    fn from(e: SiteError) -> Self {
        match e {
            SiteError::Store(s) => Error::Store(s),
            SiteError::Record(r) => r.into(),
            e => Error::Site(e),
        }
    }
}

impl From<ShareError> for Error {
    fn from(e: ShareError) -> Self {
        match e {
            ShareError::Store(s) => Error::Store(s),
            ShareError::Record(r) => r.into(),
            e => Error::Share(e),
        }
    }
}

impl From<MeetingError> for Error {
    fn from(e: MeetingError) -> Self {
        match e {
            MeetingError::Store(s) => Error::Store(s),
            MeetingError::Record(r) => r.into(),
            MeetingError::Share(s) => s.into(),
            e => Error::Meeting(e),
        }
    }
}

impl From<StatsExportError> for Error {
    fn from(e: StatsExportError) -> Self {
        Error::Stats(e)
    }
}

impl From<ArchiveError> for Error {
    fn from(e: ArchiveError) -> Self {
        Error::Archive(e)
    }
}

impl From<BundleError> for Error {
    fn from(e: BundleError) -> Self {
        match e {
            BundleError::Store(s) => Error::Store(s),
            BundleError::Vault(v) => v.into(),
            BundleError::Record(r) => r.into(),
            BundleError::Site(s) => s.into(),
            BundleError::Share(s) => s.into(),
            BundleError::Meeting(m) => m.into(),
            e => Error::Bundle(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_errors_read_naturally_in_japanese() {
        let e: Error = crate::ja::PartialDate::parse("R1.4.30").unwrap_err().into();
        let m = e.message_ja();
        assert!(
            m.contains("令和") && m.contains("令和元年5月1日"),
            "says when 令和 began: {m}"
        );
        let e: Error = crate::ja::PartialDate::parse("2023-02-29").unwrap_err().into();
        assert!(e.message_ja().contains("2023年2月は28日まで"), "{}", e.message_ja());
    }
}
