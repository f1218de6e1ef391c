//! Kasane (かさね): the engine of an offline-first app in which municipal welfare agencies keep
//! encrypted household case records and share them with each other without a server.
//!
//! Everything a user can do is here, without any GUI: the encrypted vault and its key slots, the
//! operation log every change goes through, typed records derived from it, Japanese search and
//! dates, and the audit trail. The `kasane` CLI and the desktop app are thin layers over this API.
#![forbid(unsafe_code)]

mod archive;
mod authority;
mod backup;
mod bundle;
mod conflict;
mod disclosure;
mod document;
mod error;
mod meeting;
mod record;
mod reference;
mod referral;
mod remit;
mod report;
mod request;
mod retention;
mod schema;
mod search;
#[cfg(feature = "seed")]
pub mod seed;
mod setup;
mod share;
mod site;
mod statistics;
mod tarball;
mod trail;
mod vault;

use kasane_ja as ja;
use kasane_store::{audit, clock, durable, index, keyring, log, migrate, peers};

pub use archive::{ARCHIVE_FORMAT, ArchiveReport};
pub use audit::{AuditEntry, AuditError};
pub use backup::{BackupReport, BackupStatus, DEFAULT_BACKUP_REMINDER_DAYS, RestoreReport};
pub use bundle::{
    BundleError, ExportPreview, ExportReport, FORMAT as BUNDLE_FORMAT, ImportStatus, ImportSummary, InboxEntry,
    Manifest, PackResult, Preview, PreviewCase, Progress, PurgeNotice, QuarantineEntry, READER as BUNDLE_READER,
};
pub use clock::{Ambient, Clock, Entropy, FixedClock, SystemClock};
pub use conflict::{Conflict, ConflictValue};
pub use disclosure::{Disclosure, DisclosureKind};
pub use error::Error;
pub use ja::{
    Age, Date, DateError, DateField, Era, EraProblem, GojuonKey, PartialDate, fold_for_search, gojuon_key,
    is_kana_reading, is_romaji, kana_to_romaji, parse_date, romaji_key, to_hiragana, to_katakana, wareki, weekday_ja,
};
pub use kasane_store::{Kind, StoreError};
pub use keyring::RecoveryCode;
pub use keyring::{KdfCost, KeyError, MAX_KDF_LOG_N, MIN_KDF_LOG_N, MIN_PASSPHRASE_CHARS, WorkerSlot, calibrate};
pub use log::{
    EntityState, Hash32, Header, Hlc, LiveValue, LogError, Op, OpKind, OpRef, Scope, header_hash as op_hash,
};
pub use meeting::{
    Access as ProposalAccess, AgendaEntry, AgendaItem, AgendaProposals, AssessmentChanges, Correction, Disclose, Flag,
    ItemRecord, LastingShare, LedgerFilter, LedgerRow, LedgerSort, Meeting, MeetingDetail, MeetingError, NewMeeting,
    PROPOSALS_SHOWN, Proposal, ProposalReason, ReasonCount, confidentiality_ja as meeting_confidentiality_ja,
    weight as proposal_weight,
};
pub use migrate::MigrateError;
pub use record::Msg;
pub use record::{
    Action, ActionStatus, ActionTag, ActionUpdate, Agency, AssessmentEntry, AssessmentRevision, Case, CaseDetail,
    CaseFilter, CaseStatus, CaseSummary, CaseUpdate, Closure, ClosureReason, Consent, ConsentGiver, ConsentHow,
    ConsentPurpose, ContactOutcome, DomainView, Evaluation, Formulation, Goal, GoalResult, GoalTerm, Household,
    HouseholdDetail, HouseholdFilter, HouseholdSummary, HouseholdUpdate, InfoKind, Intake, IntakeRoute, MAX_TEXT_CHARS,
    NewAction, NewAssessmentEntry, NewCase, NewClosure, NewConsent, NewHousehold, NewIntake, NewNote, NewPerson,
    NewPlanVersion, NewRelation, NewRosterEntry, Note, NoteKind, Outreach, OutreachSummary, PLAN_APPROVING_CONFERENCES,
    PartnerStatus, Person, PersonUpdate, PlanAgreement, PlanApproval, PlanVersion, RecordError, Relation, RelationKind,
    Reopening, Risk, RoleAgency, RoleMatrix, RosterEntry, Sex, SupportDecision, Visitor, Worker, roster_basis,
};
pub use reference::{
    AgencyInfo, AssessmentDomain, ConferenceType, District, Problem, agencies as reference_agencies, agency_info,
    assessment_domain, assessment_domains, conference_type, conference_types, district, districts, problem, problems,
};
pub use referral::{NewReferral, NewResource, Referral, ReferralStatus, Resource};
pub use remit::remit_text as meeting_remit_text;
pub use report::{PAGE_MARGINS_MM, PRINTOUT_NOTICE_EN, PRINTOUT_NOTICE_JA, PrintWhat};
pub use request::{
    ItemKind, MarkCounts, MarkKind, PERSON_RECORDS_FORMAT, PersonRecords, RequestField, RequestItem, RequestSection,
    ReviewMark, SectionKind,
};
pub use retention::{
    DisposalRecord, DisposalReport, MAX_RETENTION_YEARS, RetainedCase, RetentionKind, RetentionPeriod, disposal_due,
};
pub use schema::Unreadable;
pub use search::Hit;
pub use setup::{RemovedWorker, Setup, WorkerRemoval};
pub use share::{Basis, Lapsed, Share, ShareError};
pub use site::{
    CardData, KeyChange, KeyRotation, MAX_CARD_BYTES, RotationError, SiteError, SiteInfo, card_text_of, fingerprint,
    parse_card,
};
pub use statistics::{
    Cell as StatsCell, Column as StatsColumn, Grouping, Row as StatsRow, Statistics, StatsExportError, StatsQuery,
    Table as StatsTable,
};
pub use tarball::ArchiveError;
pub use trail::{AuditFilter, AuditKind, AuditPage, AuditRow};
pub use vault::{Identity, Vault, VaultDir, VaultError, default_vault_dir};

/// Re-exported so callers can build passphrases without depending on `age` themselves.
pub use age::secrecy::{ExposeSecret, SecretString};

impl Vault {
    /// The whole audit trail after verifying its hash chain; an altered trail is an error.
    pub fn audit_trail(&self) -> Result<Vec<AuditEntry>, Error> {
        Ok(audit::read_verified(&self.conn)?)
    }

    /// A hash of the shared state of every scope this vault holds (local scopes excluded). Two
    /// vaults that have seen the same operations have the same digests.
    pub fn digest(&self) -> Result<std::collections::BTreeMap<String, Hash32>, Error> {
        Ok(log::digest(&self.conn)?)
    }

    /// Derives all current state and search documents again from the operation log, judging
    /// every partner's op again as import does (so what import would hold stays held, whichever
    /// build stored it). Use after a crash report or an upgrade that changes derivation; the
    /// result equals the live state.
    pub fn rebuild_state(&mut self) -> Result<usize, Error> {
        self.rebuild_state_in_order(None)
    }

    #[doc(hidden)]
    pub fn rebuild_state_in_order(&mut self, order: Option<&[usize]>) -> Result<usize, Error> {
        let parties = bundle::parties(&self.conn, self.me)?;
        self.write(|tx| {
            bundle::rejudge_all(tx, &parties)?;
            Ok(log::rebuild(tx.conn(), order, document::document)?)
        })
    }

    /// How many operations the log holds.
    pub fn op_count(&self) -> Result<usize, Error> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM op", [], |r| r.get::<_, i64>(0))? as usize)
    }

    /// Every stored operation, in storage order.
    pub fn ops(&self) -> Result<Vec<Op>, Error> {
        Ok(log::all_ops(&self.conn)?)
    }

    /// Schema version of the open database and the newest this build knows.
    pub fn schema_version(&self) -> Result<(u32, u32), Error> {
        Ok((migrate::version(&self.conn)?, migrate::latest()))
    }
}

/// Test and benchmark support (feature `testing`, enabled only for tests and benchmarks): not
/// part of the API, and absent from release builds.
#[cfg(feature = "testing")]
pub mod testing {
    use rusqlite::OptionalExtension as _;

    /// Applies the first `n` migrations to a plain (unencrypted, in-memory or file) connection.
    pub fn migrate_to(conn: &mut rusqlite::Connection, n: u32) -> Result<(), crate::MigrateError> {
        crate::migrate::upgrade_to(conn, n).map(|_| ())
    }
    pub fn latest_schema() -> u32 {
        crate::migrate::latest()
    }
    pub fn migrations() -> Vec<(u32, &'static str)> {
        crate::migrate::MIGRATIONS.iter().map(|m| (m.0, m.1)).collect()
    }
    pub use crate::bundle::{BundleHeader, Parts, Segment, Statement, Verified, WireOp, reseal, verify_file};

    /// This site's public signing key (base64url) and age secret key, for writing golden
    /// vectors from a test vault. Never use on a real vault.
    pub fn site_secrets(v: &crate::Vault) -> Result<(String, String), crate::Error> {
        use age::secrecy::ExposeSecret;
        use base64::Engine as _;
        let keys = v.site_keys()?;
        let pk = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(keys.signing.verifying_key().as_bytes());
        let sk = keys.age_identity()?.to_string().expose_secret().to_string();
        Ok((pk, sk))
    }

    /// This site's member card with its signed contents changed by `edit` (another agency id or
    /// name …) and signed with this site's real key, as a partner's modified build could make it.
    pub fn forged_card(v: &crate::Vault, edit: &mut dyn FnMut(&mut crate::CardData)) -> Result<String, crate::Error> {
        Ok(v.forged_card(edit)?)
    }

    /// The header of a bundle file, read without checking anything.
    pub fn header_of(file: &[u8]) -> Result<BundleHeader, crate::Error> {
        Ok(crate::bundle::split_header(file)?)
    }

    /// A bundle file whose header JSON `edit` changed, its signature and payload left as they
    /// were: what a file altered on the way looks like.
    pub fn edit_header(file: &[u8], edit: &mut dyn FnMut(&mut serde_json::Value)) -> Result<Vec<u8>, crate::Error> {
        Ok(crate::bundle::edit_header(file, edit)?)
    }

    /// This site's age recipient (public key), as a card carries it.
    pub fn age_recipient(v: &crate::Vault) -> Result<String, crate::Error> {
        Ok(v.site_keys()?.age_recipient()?)
    }

    /// Unlocks without retrying the inbox, to look at a vault exactly as a crash left it.
    pub fn unlock_as_left(
        dir: &std::path::Path,
        worker: Option<&str>,
        pass: &crate::SecretString,
        ambient: crate::Ambient,
    ) -> Result<crate::Vault, crate::Error> {
        Ok(crate::VaultDir::open(dir)?.unlock_without_inbox(worker, pass, ambient)?)
    }

    /// Rewrites `worker`'s key slot in the first form (no worker sealed inside), as Kasane wrote
    /// slots before slot format 2, so tests can open and upgrade a vault as an older version left it.
    pub fn write_legacy_slot(
        v: &mut crate::Vault,
        worker: uuid::Uuid,
        pass: &crate::SecretString,
    ) -> Result<(), crate::Error> {
        Ok(v.write_legacy_slot(worker, pass)?)
    }

    /// Rewrites `worker`'s key slot in the second form (key and worker under the passphrase, no
    /// worker identity), as Kasane wrote slots before slot format 3.
    pub fn write_v2_slot(
        v: &mut crate::Vault,
        worker: uuid::Uuid,
        pass: &crate::SecretString,
    ) -> Result<(), crate::Error> {
        Ok(v.write_v2_slot(worker, pass)?)
    }

    /// Writes an op without any of the record layer's checks, as a hostile or buggy partner
    /// might; for tests of what import refuses to apply.
    pub fn raw_create(
        v: &mut crate::Vault,
        id: uuid::Uuid,
        scope: crate::Scope,
        etype: &str,
        parent: Option<uuid::Uuid>,
        fields: serde_json::Value,
    ) -> Result<(), crate::Error> {
        let f = fields.as_object().cloned().unwrap_or_default();
        v.write(|tx| Ok(tx.create_with_id(id, scope, etype, parent, f)?))
    }

    pub fn raw_set(v: &mut crate::Vault, id: uuid::Uuid, fields: serde_json::Value) -> Result<(), crate::Error> {
        let f = fields.as_object().cloned().unwrap_or_default();
        v.write(|tx| Ok(tx.set(id, f)?))
    }

    /// Writes an op as a hostile partner's modified build could: any scope, kind, type, record id
    /// and parent, the header then changed by `edit`, and `body` as the body bytes. Exported and
    /// signed with this vault's real site key like any op. Returns the op id.
    #[allow(clippy::too_many_arguments)]
    pub fn craft_op(
        v: &mut crate::Vault,
        scope: crate::Scope,
        kind: crate::OpKind,
        etype: &str,
        entity: uuid::Uuid,
        parent: Option<uuid::Uuid>,
        edit: &mut dyn FnMut(&mut serde_json::Value),
        body: Vec<u8>,
    ) -> Result<uuid::Uuid, crate::Error> {
        v.write(|tx| Ok(tx.write_crafted(scope, kind, etype, entity, parent, edit, body)?))
    }

    /// The id a record gets from the op (site, scope, seq) that creates it.
    pub fn record_id(scope: crate::Scope, site: uuid::Uuid, seq: u64) -> uuid::Uuid {
        crate::log::record_id(scope, site, seq)
    }

    /// This vault's own series in `scope`, signed as one segment, to push into a bundle it
    /// would never carry that scope in.
    pub fn own_series_segment(v: &crate::Vault, scope: crate::Scope) -> Result<Option<Segment>, crate::Error> {
        Ok(v.own_series_segment(scope)?)
    }

    /// The id of the root record (household, case, meeting) an op `op` of `site` creates.
    pub fn root_id(kind: &str, site: uuid::Uuid, op: uuid::Uuid) -> uuid::Uuid {
        crate::log::root_id(kind, site, op)
    }

    /// A file whose presence in a vault folder makes imports fail after verification (debug
    /// builds only), for tests of that failure.
    pub use crate::bundle::TEST_FAULT;

    /// The id of the share record of (case, agency).
    pub fn share_id(case: uuid::Uuid, agency: uuid::Uuid) -> uuid::Uuid {
        crate::authority::share_id(case, agency)
    }

    /// The next sequence number of this site's series in `scope`.
    pub fn next_seq(v: &crate::Vault, scope: crate::Scope) -> Result<u64, crate::Error> {
        let last: Option<i64> = v
            .conn
            .query_row(
                "SELECT r.last_seq FROM series r JOIN scope s ON s.id = r.scope WHERE r.site = ?1 AND s.name = ?2",
                rusqlite::params![v.me.site.as_bytes(), scope.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        Ok(last.unwrap_or(0) as u64 + 1)
    }

    /// The derived state of one entity (live ops of every field), for invariant checks.
    pub fn entity_state(v: &crate::Vault, id: uuid::Uuid) -> Result<Option<crate::EntityState>, crate::Error> {
        Ok(crate::log::load_entity(&v.conn, id)?)
    }

    /// Ids of ops held back by authorisation.
    pub fn held_ops(v: &crate::Vault) -> Result<Vec<(uuid::Uuid, String)>, crate::Error> {
        let mut stmt = v.conn.prepare("SELECT id, held FROM op WHERE held IS NOT NULL")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for r in rows {
            let (id, h) = r?;
            out.push((uuid::Uuid::from_slice(&id).unwrap_or_default(), h));
        }
        Ok(out)
    }

    /// Direct SQL on an unlocked vault, for tests that tamper or inspect.
    pub fn sql(v: &crate::Vault) -> &rusqlite::Connection {
        &v.conn
    }
}
