//! What can go wrong below the domain — key slots, migrations, the operation log, the audit trail,
//! the database itself — as one error every engine module can carry, with the coarse `Kind` a
//! caller acts on, a stable code, and the message a case worker reads. The messages live here, next
//! to the failures they describe.

use crate::{
    audit::AuditError,
    keyring::{KeyError, MIN_PASSPHRASE_CHARS},
    log::LogError,
    migrate::MigrateError,
};

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

/// A failure of the storage layer, whichever part of it failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Migrate(#[from] MigrateError),
    #[error(transparent)]
    Log(#[from] LogError),
    #[error(transparent)]
    Audit(#[from] AuditError),
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
}

/// Whether SQLite refused because another connection holds the database.
pub fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

fn busy_ja() -> String {
    "記録データは別のかさねの画面またはコマンドで使用中です。そちらを閉じてからやり直してください".into()
}

impl StoreError {
    pub fn kind(&self) -> Kind {
        use KeyError as K;
        match self {
            StoreError::Key(K::WrongPassphrase | K::WrongRecoveryCode) => Kind::Auth,
            StoreError::Key(
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
            StoreError::Key(_) => Kind::Vault,
            StoreError::Migrate(_) => Kind::Vault,
            StoreError::Log(LogError::Db(e)) if is_busy(e) => Kind::Vault,
            StoreError::Log(LogError::NoSuchEntity(_)) => Kind::NotFound,
            StoreError::Log(LogError::WrongType { .. }) => Kind::BadInput,
            StoreError::Log(_) => Kind::Internal,
            StoreError::Audit(_) => Kind::Internal,
            StoreError::Db(e) if is_busy(e) => Kind::Vault,
            StoreError::Db(_) => Kind::Internal,
        }
    }

    /// A short stable code for translations (e.g. "key.wrong-passphrase").
    pub fn code(&self) -> &'static str {
        use KeyError as K;
        match self {
            StoreError::Key(K::WrongPassphrase) => "key.wrong-passphrase",
            StoreError::Key(K::WrongRecoveryCode) => "key.wrong-recovery-code",
            StoreError::Key(K::RecoveryCodeTypo) => "key.recovery-code-typo",
            StoreError::Key(K::RecoveryCodeMalformed) => "key.recovery-code-malformed",
            StoreError::Key(K::NoSuchWorker { .. }) => "key.no-such-worker",
            StoreError::Key(K::WorkerRequired { .. }) => "key.worker-required",
            StoreError::Key(K::WorkerExists(_)) => "key.worker-exists",
            StoreError::Key(K::PassphraseTooShort) => "key.passphrase-too-short",
            StoreError::Key(K::PassphraseMismatch) => "key.passphrase-mismatch",
            StoreError::Key(K::KdfCostOutOfRange(_)) => "key.kdf-cost-out-of-range",
            StoreError::Key(K::KdfCostTooLow { .. }) => "key.kdf-cost-too-low",
            StoreError::Key(K::SlotWorkerMismatch(_)) => "key.slot-wrong-worker",
            StoreError::Key(_) => "key.slot-damaged",
            StoreError::Migrate(MigrateError::Newer { .. }) => "vault.newer-version",
            StoreError::Migrate(_) => "vault.upgrade-failed",
            // The log writes the audit trail and the search index at commit; their failures read
            // as they would if written on their own.
            StoreError::Log(LogError::Db(e)) if is_busy(e) => "vault.busy",
            StoreError::Log(LogError::Audit(_)) => "audit.damaged",
            StoreError::Log(LogError::NoSuchEntity(_)) => "record.not-found",
            StoreError::Log(LogError::WrongType { .. }) => "record.wrong-type",
            StoreError::Log(_) => "internal",
            StoreError::Audit(_) => "audit.damaged",
            StoreError::Db(e) if is_busy(e) => "vault.busy",
            StoreError::Db(_) => "internal",
        }
    }

    /// The message in Japanese, as a case worker reads it: what happened and what to do.
    pub fn message_ja(&self) -> String {
        match self {
            StoreError::Key(k) => match k {
                KeyError::WrongPassphrase => "パスワードが違います".into(),
                KeyError::WrongRecoveryCode => "この記録データの復旧用コードではありません".into(),
                KeyError::RecoveryCodeTypo => "復旧用コードに入力の誤りがあります（文字の違い・不足・余分）。4文字ずつ確認してください".into(),
                KeyError::RecoveryCodeMalformed => "復旧用コードではありません。復旧用コードは4文字ずつ14組、56文字の英数字です".into(),
                KeyError::NoSuchWorker { name, known } => format!("担当者「{name}」はこの記録データに登録されていません（登録済み：{known}）"),
                KeyError::WorkerRequired { known } => format!("この記録データには複数の担当者がいます（{known}）。どの担当者か選んでください"),
                KeyError::WorkerExists(n) => format!("担当者「{n}」はすでに登録されています"),
                KeyError::PassphraseTooShort => format!("パスワードが短すぎます。前後の空白を除いて{MIN_PASSPHRASE_CHARS}文字以上の長めの文にしてください"),
                KeyError::PassphraseMismatch => "2回入力したパスワードが一致しません".into(),
                KeyError::KdfCostOutOfRange(n) => format!("鍵導出の強度 {n} は範囲外です"),
                KeyError::KdfCostTooLow { asked, floor } => format!("鍵導出の強度 {asked} は低すぎて、実際の記録データには使えません。{floor} 以上を指定するか、指定を省いてこのPCに合わせてください"),
                KeyError::SlotWorkerMismatch(name) => format!("担当者「{name}」の鍵ファイルは別の担当者のものです（ほかの担当者の鍵ファイルが上書きコピーされた可能性があります）。このファイルではロックを解除できません。本人の鍵ファイルをバックアップから戻すか、復旧用コードでパスワードを設定し直してください"),
                KeyError::SlotDamaged(_) => "この記録データの鍵ファイルが壊れています。バックアップから keys フォルダを戻すか、復旧用コードを使ってください".into(),
                KeyError::SlotFromAnotherVault => "別の記録データの鍵ファイルが混ざっています".into(),
                KeyError::NoRecoverySlot => "復旧用の鍵ファイルがありません".into(),
                KeyError::Io { path, .. } => format!("鍵ファイルを読み書きできません：{}", path.display()),
            },
            StoreError::Migrate(MigrateError::Newer { .. }) => "この記録データは新しいバージョンのかさねで作られています。かさねを更新してください".into(),
            StoreError::Migrate(_) => "記録データを新しい形式に更新できませんでした".into(),
            StoreError::Log(LogError::NoSuchEntity(_)) => "その記録はこの記録データにありません".into(),
            StoreError::Log(LogError::WrongType { .. }) => "指定された記録の種類が違います".into(),
            StoreError::Log(LogError::Db(e)) if is_busy(e) => busy_ja(),
            StoreError::Log(LogError::Db(_)) => "データベースの処理で問題が起きました".into(),
            StoreError::Log(LogError::Audit(a)) | StoreError::Audit(a) => match a {
                AuditError::Broken { seq, .. } => format!("監査証跡の {seq} 件目が改ざんされています"),
                AuditError::Db(_) => "監査証跡を読み取れません".into(),
            },
            StoreError::Log(_) => "記録の読み書きで問題が起きました".into(),
            StoreError::Db(e) if is_busy(e) => busy_ja(),
            StoreError::Db(_) => "データベースの処理で問題が起きました".into(),
        }
    }
}

/// Lets an engine module's error carry any storage failure with `?`: the module's enum has a
/// `Store(StoreError)` variant, and this gives it `From` for each part of the store.
#[macro_export]
macro_rules! carries_store_errors {
    ($t:ty) => {
        impl From<$crate::keyring::KeyError> for $t {
            fn from(e: $crate::keyring::KeyError) -> Self {
                Self::Store(e.into())
            }
        }
        impl From<$crate::migrate::MigrateError> for $t {
            fn from(e: $crate::migrate::MigrateError) -> Self {
                Self::Store(e.into())
            }
        }
        impl From<$crate::log::LogError> for $t {
            fn from(e: $crate::log::LogError) -> Self {
                Self::Store(e.into())
            }
        }
        impl From<$crate::audit::AuditError> for $t {
            fn from(e: $crate::audit::AuditError) -> Self {
                Self::Store(e.into())
            }
        }
        impl From<rusqlite::Error> for $t {
            fn from(e: rusqlite::Error) -> Self {
                Self::Store(e.into())
            }
        }
    };
}
