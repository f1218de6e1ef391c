//! The open archive (the exit path): everything this vault holds as documented JSON Lines — every
//! record in its current state, whatever its type, and the audit trail — with the printed forms
//! the engine makes for each case and meeting, in one tar encrypted with an age passphrase. The
//! city can read its records with the standard `age` and `tar` tools and any JSON reader if
//! Kasane is ever gone; docs/archive-format.md is the specification a reader is written from.
//!
//! Guarantees: the file is complete under the name asked for, or absent (see `tarball`); no
//! plaintext touches the disk; a record this build cannot read (a partner's newer type, a damaged
//! one) is still written as stored; a form that cannot be rendered is listed in the manifest as
//! skipped, never silently left out; writing the archive is one audit entry, not one per form.

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    path::{Path, PathBuf},
    time::Instant,
};

use age::secrecy::SecretString;
use jiff::Timestamp;
use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::{
    Error, Kind, Progress, Vault,
    ja::wareki,
    keyring::check_new_passphrase,
    log::{EntityState, state_from_row},
    meeting::LedgerFilter,
    record::{CaseFilter, load_one},
    report::PrintWhat,
    tarball::{ArchiveError, Tarball},
};

/// The archive format this build writes (`kasane_archive` in manifest.json). A reader refuses a
/// greater number; fields are only ever added within one format.
pub const ARCHIVE_FORMAT: u32 = 1;

/// What writing an archive produced.
#[derive(Debug, Clone, Serialize)]
pub struct ArchiveReport {
    /// The archive's id, also in its manifest and in the audit entry that records it.
    pub archive: Uuid,
    pub path: PathBuf,
    /// Size of the encrypted file.
    pub bytes: u64,
    /// Records written, in all and per type (`records/<type>.jsonl`).
    pub records: usize,
    pub record_types: BTreeMap<String, usize>,
    pub audit_entries: usize,
    /// Whether the audit trail's hash chain verified when it was written (it is written either way).
    pub audit_verified: bool,
    /// Printed forms written, and those that could not be rendered (listed in the manifest).
    pub forms: usize,
    pub forms_skipped: usize,
    /// Files in the archive, manifest.json included.
    pub files: usize,
    pub seconds: f64,
}

/// How often the records phase reports progress.
const REPORT_EVERY: usize = 512;

impl Vault {
    /// Writes the open archive of everything this vault holds to `out` (a new file: an existing
    /// one is never replaced), encrypted with `passphrase` (at least the length a new password
    /// needs). Progress goes through `progress` in phases `records`, `audit`, `forms`, `write`.
    pub fn write_archive(
        &mut self,
        out: &Path,
        passphrase: &SecretString,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ArchiveReport, Error> {
        let started = Instant::now();
        check_new_passphrase(passphrase)?;
        self.refuse_inside_vault(out)?;
        let archive = self.ambient.uuid_v7();
        let created = self.ambient.clock.now();
        let mut tar = Tarball::create(
            out,
            passphrase,
            created.as_second().max(0) as u64,
            self.ambient.entropy.u64(),
        )?;
        let who = self.who();
        tar.add(
            "README.txt",
            readme(&who, created, self.ambient.clock.local(created)).as_bytes(),
        )?;
        let record_types = self.archive_records(&mut tar, progress)?;
        let audit = self.archive_audit(&mut tar, progress)?;
        let forms = self.without_view_entries(|v| v.archive_forms(&mut tar, &who, progress))?;
        crate::vault::test_pause("archive-forms");

        let mut files: Vec<FileLine> = tar
            .entries()
            .iter()
            .map(|e| FileLine {
                path: e.path.clone(),
                bytes: e.bytes,
                sha256: e.sha256.clone(),
                form: forms.written.get(&e.path).cloned(),
            })
            .collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let manifest = Manifest {
            kasane_archive: ARCHIVE_FORMAT,
            archive,
            created: iso(created),
            kasane_version: env!("CARGO_PKG_VERSION"),
            vault: self.me.vault,
            agency: &who.agency,
            site: &who.site,
            worker: &who.worker,
            records: &record_types,
            audit: &audit,
            forms: forms.written.len(),
            forms_skipped: &forms.skipped,
            files,
        };
        let mut manifest_bytes = serde_json::to_vec_pretty(&manifest).map_err(json_failed)?;
        manifest_bytes.push(b'\n');
        tar.add("manifest.json", &manifest_bytes)?;

        progress(Progress {
            phase: "write",
            done: 0,
            total: 1,
        });
        let bytes = tar.seal()?;
        crate::vault::test_pause("archive-sealed");
        let records: usize = record_types.values().sum();
        // Recorded before the archive takes its name: a failure after this leaves an entry for an
        // archive that did not appear, never an archive of every record that the trail misses.
        self.audit_now(
            "archive.write",
            Some(archive.to_string()),
            Some(format!(
                "{records} records, {} audit entries, {} forms",
                audit.entries,
                forms.written.len()
            )),
        )?;
        let files = tar.entries().len();
        tar.place()?;
        progress(Progress {
            phase: "write",
            done: 1,
            total: 1,
        });
        Ok(ArchiveReport {
            archive,
            path: out.to_path_buf(),
            bytes,
            records,
            record_types,
            audit_entries: audit.entries,
            audit_verified: audit.verified,
            forms: forms.written.len(),
            forms_skipped: forms.skipped.len(),
            files,
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// An archive inside the vault folder would travel with every copy of the vault and sit
    /// beside the files it must never replace.
    fn refuse_inside_vault(&self, out: &Path) -> Result<(), ArchiveError> {
        let folder = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if self.folder_holds(&folder) {
            return Err(ArchiveError::InsideVault(out.to_path_buf()));
        }
        Ok(())
    }

    /// This agency, site and worker, by id and name, as the manifest and README name them.
    fn who(&self) -> Who {
        let agency = self.agency(self.me.agency).map(|a| a.name).unwrap_or_default();
        let site = load_one(&self.conn, self.me.site, "site")
            .ok()
            .and_then(|st| st.fields.get("name").and_then(Value::as_str).map(str::to_string))
            .unwrap_or_default();
        Who {
            agency: Named {
                id: self.me.agency,
                name: agency,
            },
            site: Named {
                id: self.me.site,
                name: site,
            },
            worker: Named {
                id: self.me.worker,
                name: self.worker_name().to_string(),
            },
        }
    }

    /// Every record in its current state, one JSON object a line, a file per type. Returns the
    /// count per type.
    fn archive_records(
        &self,
        tar: &mut Tarball,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<BTreeMap<String, usize>, Error> {
        let total: i64 = self.conn.query_row("SELECT count(*) FROM entity", [], |r| r.get(0))?;
        let total = total.max(0) as usize;
        progress(Progress {
            phase: "records",
            done: 0,
            total,
        });
        let mut stmt = self.conn.prepare(
            "SELECT e.id, e.etype, s.name, e.parent, e.created, e.fields, e.meta FROM entity e
             JOIN scope s ON s.id = e.scope ORDER BY e.etype, e.id",
        )?;
        let mut rows = stmt.query([])?;
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        // Types are in order, so each type's file is written when the next type begins; types
        // whose names cannot be file names gather in one file, written last.
        let mut current: Option<(String, Vec<u8>)> = None;
        let mut unnamed: Vec<u8> = Vec::new();
        let mut done = 0usize;
        while let Some(r) = rows.next()? {
            let id = Uuid::from_slice(&r.get::<_, Vec<u8>>(0)?).unwrap_or_default();
            let scope: String = r.get(2)?;
            let st = state_from_row(
                id,
                r.get(1)?,
                &scope,
                r.get(3)?,
                r.get(4)?,
                &r.get::<_, String>(5)?,
                &r.get::<_, String>(6)?,
            )?;
            let line = record_line(&st)?;
            *counts.entry(st.etype.clone()).or_default() += 1;
            match records_file(&st.etype) {
                Some(file) => {
                    if current.as_ref().is_some_and(|(f, _)| *f != file) {
                        if let Some((f, bytes)) = current.take() {
                            tar.add(&f, &bytes)?;
                        }
                    }
                    let (_, buf) = current.get_or_insert_with(|| (file, Vec::new()));
                    buf.extend_from_slice(&line);
                }
                None => unnamed.extend_from_slice(&line),
            }
            done += 1;
            if done % REPORT_EVERY == 0 {
                progress(Progress {
                    phase: "records",
                    done,
                    total,
                });
            }
        }
        if let Some((f, bytes)) = current.take() {
            tar.add(&f, &bytes)?;
        }
        if !unnamed.is_empty() {
            tar.add(UNNAMED_TYPES_FILE, &unnamed)?;
        }
        progress(Progress {
            phase: "records",
            done,
            total,
        });
        Ok(counts)
    }

    /// The whole audit trail, oldest first. A trail whose chain does not verify is still written
    /// (it is the agency's record of who did what), and the manifest says where it breaks.
    fn archive_audit(&self, tar: &mut Tarball, progress: &mut dyn FnMut(Progress)) -> Result<AuditSummary, Error> {
        let (verified, broken_at) = match crate::audit::read_verified(&self.conn) {
            Ok(_) => (true, None),
            Err(crate::audit::AuditError::Broken { seq, .. }) => (false, Some(seq)),
            Err(e) => return Err(e.into()),
        };
        // Names are a convenience beside the ids (records/worker.jsonl has them too): a directory
        // that cannot be read leaves them null rather than the trail unwritten.
        let names: BTreeMap<Uuid, String> = self
            .directory_workers()
            .unwrap_or_default()
            .into_iter()
            .map(|w| (w.id, w.name))
            .collect();
        let total: i64 = self.conn.query_row("SELECT count(*) FROM audit", [], |r| r.get(0))?;
        progress(Progress {
            phase: "audit",
            done: 0,
            total: total.max(0) as usize,
        });
        let mut stmt = self
            .conn
            .prepare("SELECT seq, at, worker, action, target, detail FROM audit ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        let mut entries = 0usize;
        while let Some(r) = rows.next()? {
            let worker = r.get::<_, Option<Vec<u8>>>(2)?.and_then(|b| Uuid::from_slice(&b).ok());
            let at: i64 = r.get(1)?;
            let line = AuditLine {
                seq: r.get(0)?,
                at: iso(Timestamp::from_millisecond(at).unwrap_or(Timestamp::UNIX_EPOCH)),
                worker,
                worker_name: worker.and_then(|w| names.get(&w).cloned()),
                action: r.get(3)?,
                target: r.get(4)?,
                detail: r.get(5)?,
            };
            serde_json::to_writer(&mut out, &line).map_err(json_failed)?;
            out.push(b'\n');
            entries += 1;
        }
        tar.add("audit.jsonl", &out)?;
        progress(Progress {
            phase: "audit",
            done: entries,
            total: entries,
        });
        Ok(AuditSummary {
            entries,
            verified,
            broken_at,
        })
    }

    /// Every printed form that exists for the records held: per case the 相談受付票 (with an
    /// intake), each version of the 支援プラン, the 終結シート (closed), the 情報提供の記録; each
    /// consent's 同意書; each meeting's 次第 and, once held, its record; the 進行管理台帳 of every
    /// case; the 構成員名簿. Then forms/index.html, which links them.
    fn archive_forms(
        &mut self,
        tar: &mut Tarball,
        who: &Who,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Forms, Error> {
        let jobs = self.form_jobs()?;
        let mut forms = Forms {
            written: BTreeMap::new(),
            skipped: jobs.skipped,
        };
        let total = jobs.jobs.len();
        let mut index = Vec::with_capacity(total);
        for (n, job) in jobs.jobs.into_iter().enumerate() {
            progress(Progress {
                phase: "forms",
                done: n,
                total,
            });
            match self.render(&job.what) {
                Ok(html) => {
                    tar.add(&job.path, html.as_bytes())?;
                    forms.written.insert(job.path.clone(), job.line());
                    index.push(job);
                }
                // A store failure ends the archive; a form its records cannot make is listed.
                Err(e) if matches!(e.kind(), Kind::Internal | Kind::Vault) => return Err(e),
                Err(e) => forms.skipped.push(Skipped {
                    path: job.path,
                    form: job.kind,
                    record: job.record,
                    code: e.code().to_string(),
                    reason: e.to_string(),
                    reason_ja: e.message_ja(),
                }),
            }
        }
        progress(Progress {
            phase: "forms",
            done: total,
            total,
        });
        tar.add("forms/index.html", forms_index(who, &index).as_bytes())?;
        Ok(forms)
    }

    fn render(&mut self, what: &Render) -> Result<String, Error> {
        match *what {
            Render::Intake(case) => self.print_intake(case, 1),
            Render::Plan(plan) => self.print_plan(plan, 1),
            Render::Closure(case) => self.print_closure(case, 1),
            Render::Disclosures(case) => self.print_disclosure_ledger(case, 1),
            Render::Consent(id) => {
                let draft = self.consent(id)?.as_new();
                self.print_consent_form(&draft, 1)
            }
            Render::Agenda(m) => self.print_meeting(m, PrintWhat::Agenda, 1),
            Render::Minutes(m) => self.print_meeting(m, PrintWhat::Minutes, 1),
            Render::Ledger => {
                let filter = LedgerFilter {
                    cases: CaseFilter {
                        include_closed: true,
                        ..CaseFilter::default()
                    },
                    ..LedgerFilter::default()
                };
                self.print_ledger(&filter, 1)
            }
            Render::Rosters => {
                let today = self.ambient.clock.today();
                self.print_rosters(today, 1)
            }
        }
    }

    /// What forms exist, before any is rendered (so progress knows the total).
    fn form_jobs(&self) -> Result<Jobs, Error> {
        let mut out = Jobs::default();
        let ids = |etype: &str| -> Result<Vec<Uuid>, Error> {
            let mut stmt = self
                .conn
                .prepare("SELECT id FROM entity WHERE etype = ?1 ORDER BY id")?;
            let rows = stmt.query_map([etype], |r| r.get::<_, Vec<u8>>(0))?;
            let mut ids = Vec::new();
            for r in rows {
                if let Ok(id) = Uuid::from_slice(&r?) {
                    ids.push(id);
                }
            }
            Ok(ids)
        };
        let label = |household: Uuid| self.household(household).map(|h| h.label).unwrap_or_default();
        for id in ids("case")? {
            let c = match self.case_quiet(id) {
                Ok(c) => c,
                Err(e) => {
                    out.skip_unreadable("case", id, e.into())?;
                    continue;
                }
            };
            let household = label(c.household);
            let job = |path: String, kind: &'static str, record: Uuid, name: String, what: Render| Job {
                path,
                kind,
                record,
                case: Some(id),
                household: household.clone(),
                subject: c.title.clone(),
                name,
                what,
            };
            let dir = format!("forms/cases/{id}");
            if c.intake.is_some() {
                out.jobs.push(job(
                    format!("{dir}/intake.html"),
                    "intake",
                    id,
                    "相談受付票".into(),
                    Render::Intake(id),
                ));
            }
            let mut numbers = std::collections::BTreeSet::new();
            for p in self.plan_versions(id)? {
                // Two versions of one number (written at once on two PCs) keep both, apart.
                let path = if numbers.insert(p.number) {
                    format!("{dir}/plan-{}.html", p.number)
                } else {
                    format!("{dir}/plan-{}-{}.html", p.number, p.id)
                };
                out.jobs.push(job(
                    path,
                    "plan",
                    p.id,
                    format!("支援プラン（第{}版）", p.number),
                    Render::Plan(p.id),
                ));
            }
            if c.closure.is_some() {
                out.jobs.push(job(
                    format!("{dir}/closure.html"),
                    "closure",
                    id,
                    "終結シート".into(),
                    Render::Closure(id),
                ));
            }
            out.jobs.push(job(
                format!("{dir}/disclosures.html"),
                "disclosures",
                id,
                "情報提供の記録".into(),
                Render::Disclosures(id),
            ));
        }
        for id in ids("consent")? {
            let (household, date) = match self.consent(id) {
                Ok(k) => (label(k.household), wareki(k.date)),
                Err(e) => {
                    out.skip_unreadable("consent", id, e.into())?;
                    continue;
                }
            };
            out.jobs.push(Job {
                path: format!("forms/consents/{id}.html"),
                kind: "consent",
                record: id,
                case: None,
                household,
                subject: date,
                name: "同意書".into(),
                what: Render::Consent(id),
            });
        }
        let today = self.ambient.clock.today();
        for m in self.meetings()? {
            let subject = format!("{}（{}）", m.type_label, wareki(m.date));
            let job = |file: &str, kind: &'static str, name: &str, what: Render| Job {
                path: format!("forms/meetings/{}/{file}", m.id),
                kind,
                record: m.id,
                case: None,
                household: String::new(),
                subject: subject.clone(),
                name: name.into(),
                what,
            };
            out.jobs
                .push(job("agenda.html", "agenda", "次第", Render::Agenda(m.id)));
            if m.date <= today {
                out.jobs
                    .push(job("minutes.html", "minutes", "記録", Render::Minutes(m.id)));
            }
        }
        let whole = |path: &str, kind: &'static str, name: &str, what: Render| Job {
            path: path.into(),
            kind,
            record: Uuid::nil(),
            case: None,
            household: String::new(),
            subject: String::new(),
            name: name.into(),
            what,
        };
        out.jobs
            .push(whole("forms/ledger.html", "ledger", "進行管理台帳", Render::Ledger));
        if !self.rosters()?.is_empty() {
            out.jobs
                .push(whole("forms/rosters.html", "rosters", "構成員名簿", Render::Rosters));
        }
        Ok(out)
    }
}

/// Where the records of a type go: `records/<type>.jsonl` for a type name that is a safe file
/// name (lowercase letters, digits and hyphens, starting with a letter, at most 64), None for any
/// other — a partner's build may name a type anything, and a name is never trusted as a path.
fn records_file(etype: &str) -> Option<String> {
    let safe = !etype.is_empty()
        && etype.len() <= 64
        && etype.starts_with(|c: char| c.is_ascii_lowercase())
        && etype
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    safe.then(|| format!("records/{etype}.jsonl"))
}

/// The records whose type cannot be a file name (see `records_file`); `_` is never in a type's file
/// name, so this one cannot collide.
const UNNAMED_TYPES_FILE: &str = "records/_unnamed.jsonl";

/// A moment as the archive writes it: UTC, RFC 3339, milliseconds.
fn iso(t: Timestamp) -> String {
    format!("{t:.3}")
}

fn hlc_iso(h: crate::log::Hlc) -> String {
    iso(Timestamp::from_millisecond(h.ms() as i64).unwrap_or(Timestamp::UNIX_EPOCH))
}

fn json_failed(e: serde_json::Error) -> Error {
    crate::vault::VaultError::Damaged(e.to_string()).into()
}

/// One line of `records/<type>.jsonl`.
#[derive(Serialize)]
struct RecordLine<'a> {
    id: Uuid,
    #[serde(rename = "type")]
    etype: &'a str,
    scope: String,
    parent: Option<Uuid>,
    created: Option<String>,
    changed: Option<String>,
    changed_by: Option<Uuid>,
    fields: &'a Map<String, Value>,
    conflicts: BTreeMap<&'a str, Vec<ConflictLine>>,
}

#[derive(Serialize)]
struct ConflictLine {
    value: Value,
    op: Uuid,
    at: String,
    site: Uuid,
    worker: Uuid,
}

fn record_line(st: &EntityState) -> Result<Vec<u8>, Error> {
    let newest = st
        .fields
        .keys()
        .filter_map(|f| st.author(f))
        .max_by_key(|op| (op.hlc, op.site, op.id));
    let conflicts = st
        .conflicted_fields()
        .into_iter()
        .map(|f| {
            let values = st
                .live_values(f)
                .into_iter()
                .map(|v| ConflictLine {
                    value: v.value,
                    op: v.op.id,
                    at: hlc_iso(v.op.hlc),
                    site: v.op.site,
                    worker: v.op.by,
                })
                .collect();
            (f, values)
        })
        .collect();
    let line = RecordLine {
        id: st.id,
        etype: &st.etype,
        scope: st.scope.to_string(),
        parent: st.parent,
        created: st.created.map(hlc_iso),
        changed: newest.map(|op| hlc_iso(op.hlc)),
        changed_by: newest.map(|op| op.by),
        fields: &st.fields,
        conflicts,
    };
    let mut out = serde_json::to_vec(&line).map_err(json_failed)?;
    out.push(b'\n');
    Ok(out)
}

/// One line of `audit.jsonl`.
#[derive(Serialize)]
struct AuditLine {
    seq: i64,
    at: String,
    worker: Option<Uuid>,
    worker_name: Option<String>,
    action: String,
    target: Option<String>,
    detail: Option<String>,
}

#[derive(Serialize)]
struct Named {
    id: Uuid,
    name: String,
}

struct Who {
    agency: Named,
    site: Named,
    worker: Named,
}

#[derive(Serialize)]
struct AuditSummary {
    entries: usize,
    verified: bool,
    /// The first entry that does not follow the one before it, when the chain does not verify.
    broken_at: Option<i64>,
}

#[derive(Serialize)]
struct Manifest<'a> {
    kasane_archive: u32,
    archive: Uuid,
    created: String,
    kasane_version: &'static str,
    vault: Uuid,
    agency: &'a Named,
    site: &'a Named,
    worker: &'a Named,
    records: &'a BTreeMap<String, usize>,
    audit: &'a AuditSummary,
    forms: usize,
    forms_skipped: &'a [Skipped],
    files: Vec<FileLine>,
}

#[derive(Serialize)]
struct FileLine {
    path: String,
    bytes: u64,
    sha256: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    form: Option<FormLine>,
}

/// What a form file is, in the manifest.
#[derive(Debug, Clone, Serialize)]
struct FormLine {
    kind: &'static str,
    /// The record it prints (a case, plan version, consent or meeting); null for the ledger and
    /// the rosters, which cover every case.
    record: Option<Uuid>,
    case: Option<Uuid>,
    /// The form's name and what it is about, in Japanese as printed.
    name: String,
    household: String,
    subject: String,
}

/// A form that could not be rendered from the records held, and why.
#[derive(Serialize)]
struct Skipped {
    path: String,
    form: &'static str,
    record: Uuid,
    code: String,
    reason: String,
    reason_ja: String,
}

struct Forms {
    written: BTreeMap<String, FormLine>,
    skipped: Vec<Skipped>,
}

enum Render {
    Intake(Uuid),
    Plan(Uuid),
    Closure(Uuid),
    Disclosures(Uuid),
    Consent(Uuid),
    Agenda(Uuid),
    Minutes(Uuid),
    Ledger,
    Rosters,
}

struct Job {
    path: String,
    kind: &'static str,
    /// Nil for the forms about every case.
    record: Uuid,
    case: Option<Uuid>,
    household: String,
    subject: String,
    name: String,
    what: Render,
}

impl Job {
    fn line(&self) -> FormLine {
        FormLine {
            kind: self.kind,
            record: (!self.record.is_nil()).then_some(self.record),
            case: self.case,
            name: self.name.clone(),
            household: self.household.clone(),
            subject: self.subject.clone(),
        }
    }
}

#[derive(Default)]
struct Jobs {
    jobs: Vec<Job>,
    skipped: Vec<Skipped>,
}

impl Jobs {
    /// A case or consent that cannot be read: its forms are listed as skipped (a store failure
    /// ends the archive instead).
    fn skip_unreadable(&mut self, form: &'static str, record: Uuid, e: Error) -> Result<(), Error> {
        if matches!(e.kind(), Kind::Internal | Kind::Vault) {
            return Err(e);
        }
        self.skipped.push(Skipped {
            path: String::new(),
            form,
            record,
            code: e.code().to_string(),
            reason: e.to_string(),
            reason_ja: e.message_ja(),
        });
        Ok(())
    }
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// forms/index.html: every form written, with a link, for a person opening the archive in a
/// browser. Links are relative to forms/.
fn forms_index(who: &Who, jobs: &[Job]) -> String {
    let mut s = format!(
        "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
         <title>印刷様式の一覧 / Printed forms</title><style>\
         body{{font-family:\"Noto Sans CJK JP\",\"Yu Gothic\",\"Meiryo\",sans-serif;margin:2em;color:#111}}\
         table{{border-collapse:collapse;width:100%}}th,td{{border:1px solid #999;padding:.3em .5em;text-align:left;vertical-align:top}}\
         th{{background:#eee}}.muted{{color:#555}}</style></head><body>\
         <h1>印刷様式の一覧 <span class=\"muted\">/ Printed forms</span></h1>\
         <p>{}　<span class=\"muted\">取扱注意　個人情報を含みます。 / Personal information: handle with care.</span></p>\
         <table><thead><tr><th>世帯 / Household</th><th>件名 / Subject</th><th>様式 / Form</th></tr></thead><tbody>",
        esc(&who.agency.name)
    );
    for j in jobs {
        let href = j.path.strip_prefix("forms/").unwrap_or(&j.path);
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td><a href=\"{}\">{}</a></td></tr>",
            esc(&j.household),
            esc(&j.subject),
            esc(href),
            esc(&j.name)
        );
    }
    s.push_str("</tbody></table></body></html>\n");
    s
}

/// README.txt: what the archive is and how to open it, in Japanese and English.
fn readme(who: &Who, created: Timestamp, local: jiff::civil::DateTime) -> String {
    format!(
        "かさね 記録一式（かさねがなくても読める形式） / Kasane records archive
========================================================================

機関 / agency: {agency}
端末 / PC: {site}
作成者 / written by: {worker}
作成日時 / written: {local_date} {hour:02}:{minute:02}（このPCの時刻 / this PC's time; UTC {utc}）
形式 / format: kasane_archive {format}（docs/archive-format.md）

■ これは何か
この記録一式には、上の機関がかさねに記録したすべての記録（他機関から共有された記録を含む）、
操作の記録（監査証跡）、かさねが作る印刷様式が入っています。かさねがなくても、一般的な道具で
読めるように作られています。個人情報を含みます。パスワードとこのファイルは別々に保管し、
不要になったら確実に削除してください。

■ 開き方
このファイルは、age（https://age-encryption.org）でパスワードを使って暗号化した tar 形式の
ファイルです。
  1. 復号する:   age -d -o 記録一式.tar 出力したファイル.tar.age
                 （パスワードを聞かれます）
  2. 展開する:   tar -xf 記録一式.tar
  3. 中身:
     README.txt          このファイル
     manifest.json       目録：機関、作成日時、入っているファイルと大きさ・SHA-256
     records/<種類>.jsonl 記録（1行に1件、JSON。種類ごとのファイル）
     audit.jsonl         操作の記録（1行に1件、JSON）
     forms/index.html    印刷様式の一覧（ブラウザで開きます）
     forms/…             相談受付票、支援プラン、終結シート、情報提供の記録、同意書、会議の次第と記録、
                         進行管理台帳、構成員名簿（HTML。ブラウザで開いて印刷できます）
文字コードはすべて UTF-8、日付は ISO 8601（2026-06-14）、日時は UTC（2026-06-14T05:03:00.000Z）です。
各項目の意味は docs/archive-format.md にあります。

■ What this is
This archive holds every record the agency above kept in Kasane (records partner agencies shared
with it included), the audit trail, and the printed forms Kasane makes, so that they can be read
without Kasane, with standard tools. It holds personal information: keep the passphrase apart
from the file, and delete both when they are no longer needed.

■ How to open it
The file is a tar archive encrypted with an age passphrase (https://age-encryption.org).
  1. decrypt:   age -d -o records.tar THE-FILE.tar.age     (asks for the passphrase)
  2. unpack:    tar -xf records.tar
  3. contents:  README.txt (this file); manifest.json (what is inside, with sizes and SHA-256);
                records/<type>.jsonl (one JSON record a line, a file per record type);
                audit.jsonl (the audit trail, one entry a line); forms/index.html (the printed
                forms, HTML to open in a browser and print).
Every text is UTF-8; dates are ISO 8601 (2026-06-14) and moments UTC (2026-06-14T05:03:00.000Z).
docs/archive-format.md in Kasane's source says what every field means.
",
        agency = who.agency.name,
        site = who.site.name,
        worker = who.worker.name,
        local_date = local.date(),
        hour = local.hour(),
        minute = local.minute(),
        utc = iso(created),
        format = ARCHIVE_FORMAT,
    )
}
