//! How results look: plain Japanese-first text for people, or JSON (`--json`) whose shapes are
//! documented in docs/cli.md and only ever grow.

use std::io::Write;

use kasane::{
    Agency, AuditEntry, CaseDetail, CaseSummary, Conflict, ExportReport, Hit, HouseholdDetail, HouseholdSummary,
    ImportSummary, InboxEntry, Note, Person, Preview, QuarantineEntry, Share, SiteInfo, Vault, WorkerSlot,
};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::Result;

/// Prints a line to stdout; when the reader has gone away (`kasane … | head`) we stop quietly
/// instead of panicking, as Unix tools do.
macro_rules! outln {
    () => { outln!("") };
    ($($arg:tt)*) => {{
        let mut stdout = std::io::stdout().lock();
        if let Err(e) = writeln!(stdout, $($arg)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
        }
    }};
}

pub struct Out {
    json: bool,
}

fn district_name(code: &str) -> String {
    kasane::districts()
        .iter()
        .find(|d| d.code == code)
        .map(|d| d.name_ja.to_string())
        .unwrap_or_else(|| code.to_string())
}

fn problem_names(codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| {
            kasane::problems()
                .iter()
                .find(|p| p.code == c)
                .map(|p| p.label_ja)
                .unwrap_or(c)
        })
        .collect::<Vec<_>>()
        .join("・")
}

/// A date in a detail view: 和暦 with the day of the week, then ISO — 令和8年12月10日(木) (2026-12-10).
fn date_both(d: &kasane::Date) -> String {
    format!("{}({}) ({})", kasane::wareki(*d), kasane::weekday_ja(*d), d)
}

/// A date in a list row, shorter: R8.12.10 (2026-12-10).
fn date_cell(d: &kasane::Date) -> String {
    format!("{} ({})", kasane::PartialDate::from_date(*d).wareki_short(), d)
}

/// A moment in this PC's time zone: R8.12.10 14:03 (2026-12-10).
fn stamp(t: jiff::Timestamp, seconds: bool) -> String {
    let z = t.to_zoned_datetime(jiff::tz::TimeZone::system());
    let d = z.date();
    let time = if seconds {
        z.strftime("%H:%M:%S")
    } else {
        z.strftime("%H:%M")
    };
    format!("{} {time} ({d})", kasane::PartialDate::from_date(d).wareki_short())
}

impl Out {
    pub fn new(json: bool) -> Self {
        Out { json }
    }

    fn print_json(&self, v: &impl Serialize) {
        outln!("{}", serde_json::to_string_pretty(v).unwrap_or_else(|_| "null".into()));
    }

    pub fn id(&self, kind: &str, id: Uuid) {
        if self.json {
            self.print_json(&json!({ "kind": kind, "id": id }));
        } else {
            outln!("{id}");
        }
    }

    pub fn done(&self, msg: &str) {
        if self.json {
            self.print_json(&json!({ "ok": true, "message": msg }));
        } else {
            outln!("{msg}");
        }
    }

    /// A printable document written to a file: where, and — because it is plain HTML outside the
    /// encrypted case records — that it is not encrypted and should be deleted after printing.
    pub fn printout(&self, msg: &str, path: &std::path::Path) {
        if self.json {
            self.print_json(&json!({
                "ok": true,
                "message": msg,
                "path": path,
                "encrypted": false,
                "notice": kasane::PRINTOUT_NOTICE_JA,
                "notice_en": kasane::PRINTOUT_NOTICE_EN,
            }));
        } else {
            outln!("{msg}");
            outln!("{} / {}", kasane::PRINTOUT_NOTICE_JA, kasane::PRINTOUT_NOTICE_EN);
        }
    }

    pub fn progress(&self, what: &str, done: usize, total: usize) {
        if self.json {
            return;
        }
        let mut e = std::io::stderr();
        let pct = (done * 100).checked_div(total).unwrap_or(100);
        let _ = write!(e, "\r{what}: {done}/{total} ({pct}%)");
        if done >= total {
            let _ = writeln!(e);
        }
    }

    pub fn created_vault(&self, v: &Vault, code: &str) {
        let me = v.identity();
        if self.json {
            self.print_json(&json!({
                "vault": me.vault, "site": me.site, "agency": me.agency, "worker": me.worker,
                "path": v.dir(), "recovery_code": code,
            }));
            return;
        }
        outln!("記録データを作成しました / case records created: {}", v.dir().display());
        outln!("  agency {}  site {}  worker {}", me.agency, me.site, me.worker);
        outln!();
        outln!("復旧用コード (recovery code) — 今だけ表示します。紙に書き、鍵のかかる場所に保管してください。");
        outln!("This is shown once. Write it down and keep it locked away:");
        outln!();
        outln!("    {code}");
        outln!();
    }

    pub fn workers(&self, w: &[WorkerSlot]) {
        if self.json {
            return self.print_json(&w);
        }
        for s in w {
            outln!("{}  {}  (KDF 2^{})", s.worker, s.name, s.kdf_log_n);
        }
    }

    pub fn agencies(&self, list: &[Agency], mine: Uuid) {
        if self.json {
            return self.print_json(&list);
        }
        for a in list {
            let star = if a.id == mine { "＊" } else { "  " };
            outln!("{star}{}  {}  {}", a.id, a.name, a.code.as_deref().unwrap_or(""));
        }
    }

    pub fn agency_codes(&self) {
        let list = kasane::reference_agencies();
        if self.json {
            return self.print_json(&list);
        }
        for a in list {
            outln!("{:<20} {}", a.code, a.name_ja);
        }
    }

    pub fn districts(&self) {
        let list = kasane::districts();
        if self.json {
            return self.print_json(&list);
        }
        for d in list {
            outln!("{:<14} {} / {}", d.code, d.area_ja, d.name_ja);
        }
    }

    pub fn problems(&self) {
        let list = kasane::problems();
        if self.json {
            return self.print_json(&list);
        }
        for p in list {
            outln!("{:<24} {}", p.code, p.label_ja);
        }
    }

    pub fn households(&self, list: &[HouseholdSummary]) {
        if self.json {
            return self.print_json(&list);
        }
        for h in list {
            outln!(
                "{}  {}  {}  {}  世帯員{}人  ケース{}件{}",
                h.id,
                h.label,
                district_name(&h.district),
                h.address.as_deref().unwrap_or("-"),
                h.members,
                h.open_cases,
                if h.archived {
                    "  （一覧から外しています・記録は保存）"
                } else {
                    ""
                }
            );
        }
        outln!("{} 世帯", list.len());
    }

    pub fn household(&self, v: &Vault, d: &HouseholdDetail) -> Result<()> {
        if self.json {
            self.print_json(d);
            return Ok(());
        }
        let h = &d.household;
        outln!("世帯 {}  {}", h.label, h.id);
        outln!(
            "  地区: {}  住所: {}  電話: {}",
            district_name(&h.district),
            h.address.as_deref().unwrap_or("-"),
            h.phone.as_deref().unwrap_or("-")
        );
        if !h.conflicts.is_empty() {
            outln!("  ⚠ 内容の食い違いがある項目: {}", h.conflicts.join(", "));
        }
        outln!("世帯員:");
        for p in &d.members {
            print_person_line(p);
        }
        if !d.relations.is_empty() {
            outln!("関係:");
            let name = |id: Uuid| {
                d.members
                    .iter()
                    .find(|p| p.id == id)
                    .map(|p| p.full_name())
                    .unwrap_or_else(|| id.to_string())
            };
            for r in &d.relations {
                let status = r.status.map(|s| format!(" ({})", s.label_ja())).unwrap_or_default();
                outln!("  {} — {}  {}{}", name(r.a), name(r.b), r.kind.label_ja(), status);
            }
        }
        outln!("ケース:");
        for c in &d.cases {
            let lead = v.agency(c.lead_agency).map(|a| a.name).unwrap_or_default();
            outln!("  {}  {}  [{}]  主担当: {}", c.id, c.title, c.status.label_ja(), lead);
        }
        Ok(())
    }

    pub fn person(&self, p: &Person) {
        if self.json {
            return self.print_json(p);
        }
        outln!("{}（{}）  {}", p.full_name(), p.full_kana(), p.id);
        print_person_line(p);
    }

    pub fn cases(&self, list: &[CaseSummary]) {
        if self.json {
            return self.print_json(&list);
        }
        for c in list {
            outln!(
                "{}  {}  {}  [{}]  緊急度:{}  主担当:{}  次回見直し:{}{}",
                c.id,
                c.household_label,
                c.title,
                c.status.label_ja(),
                c.risk.map(|r| r.label_ja()).unwrap_or("-"),
                c.lead_agency_name,
                c.next_review.map(|d| date_cell(&d)).unwrap_or_else(|| "-".into()),
                if c.review_overdue { " ⚠期限超過" } else { "" }
            );
        }
        outln!("{} 件", list.len());
    }

    pub fn case(&self, v: &Vault, d: &CaseDetail) -> Result<()> {
        if self.json {
            self.print_json(d);
            return Ok(());
        }
        let c = &d.case;
        outln!("ケース {}  {}", c.title, c.id);
        outln!("  世帯: {} ({})", d.household.label, d.household.id);
        outln!(
            "  状況: {}  緊急度: {}  主担当機関: {}",
            c.status.label_ja(),
            c.risk.map(|r| r.label_ja()).unwrap_or("-"),
            d.lead_agency_name
        );
        outln!("  課題: {}", problem_names(&c.problems));
        outln!(
            "  受付日: {}  次回見直し: {}",
            date_both(&c.opened),
            c.next_review.map(|d| date_both(&d)).unwrap_or_else(|| "-".into())
        );
        if !c.conflicts.is_empty() {
            outln!("  ⚠ 内容の食い違いがある項目: {}", c.conflicts.join(", "));
        }
        outln!("世帯員:");
        for p in &d.members {
            print_person_line(p);
        }
        if !d.consents.is_empty() {
            outln!("同意:");
            for k in &d.consents {
                let who = d
                    .members
                    .iter()
                    .find(|p| p.id == k.person)
                    .map(|p| p.full_name())
                    .unwrap_or_default();
                let state = match k.withdrawn {
                    Some(w) => format!("撤回 {}", date_cell(&w)),
                    None => "有効".into(),
                };
                outln!(
                    "  {}  {}  {}  {} {}  [{}]",
                    k.id,
                    who,
                    k.scope,
                    date_cell(&k.date),
                    k.how.label_ja(),
                    state
                );
            }
        }
        outln!("支援経過:");
        self.notes(v, &d.notes)
    }

    pub fn notes(&self, v: &Vault, notes: &[Note]) -> Result<()> {
        if self.json {
            self.print_json(&notes);
            return Ok(());
        }
        let agencies: std::collections::HashMap<Uuid, String> =
            v.agencies()?.into_iter().map(|a| (a.id, a.name)).collect();
        for n in notes {
            let flags = format!(
                "{}{}",
                if n.internal { "【機関内】" } else { "" },
                if n.retracted { "【取消】" } else { "" }
            );
            outln!(
                "  {} {} {} {}{}  {}",
                date_cell(&n.date),
                n.kind.label_ja(),
                agencies.get(&n.agency).map(String::as_str).unwrap_or("?"),
                flags,
                n.id,
                n.text.replace('\n', " ")
            );
        }
        Ok(())
    }

    pub fn hits(&self, hits: &[Hit]) {
        if self.json {
            return self.print_json(&hits);
        }
        for h in hits {
            let kind = match h.kind {
                "person" => "人",
                "household" => "世帯",
                _ => "経過",
            };
            outln!("[{kind}] {}  {}  {}", h.label, h.detail, h.id);
        }
        outln!("{} 件", hits.len());
    }

    pub fn audit(&self, entries: &[AuditEntry], total: usize) {
        if self.json {
            return self.print_json(&json!({ "verified": true, "total": total, "entries": entries }));
        }
        for e in entries {
            outln!(
                "{:>6}  {}  {}  {}  {}  {}",
                e.seq,
                stamp(e.at, true),
                e.worker.map(|w| w.to_string()).unwrap_or_default(),
                e.action,
                e.target.as_deref().unwrap_or(""),
                e.detail.as_deref().unwrap_or("")
            );
        }
        outln!("監査証跡 {total} 件: ハッシュチェーン検証済み / hash chain verified");
    }

    pub fn demo(&self, r: &kasane_demo::DemoReport) {
        if self.json {
            return self.print_json(r);
        }
        outln!(
            "デモ市を作成しました: 世帯 {}、世帯員 {}、ケース {}、支援経過 {}、見立て {}、支援内容 {}、同意 {} ({} ops, {:.1} s)",
            r.households,
            r.persons,
            r.cases,
            r.notes,
            r.assessments,
            r.actions,
            r.consents,
            r.ops,
            r.seconds
        );
    }

    pub fn status(&self, v: &Vault) -> Result<()> {
        let me = v.identity();
        let (schema, latest) = v.schema_version()?;
        let households = v.households(&Default::default())?.len();
        let cases = v
            .cases(&kasane::CaseFilter {
                include_closed: true,
                ..Default::default()
            })?
            .len();
        let agency = v.agency(me.agency).map(|a| a.name).unwrap_or_default();
        let unreadable = v.unreadable_records()?;
        if self.json {
            self.print_json(&json!({
                "path": v.dir(), "identity": me, "agency_name": agency, "worker_name": v.worker_name(),
                "schema": schema, "schema_latest": latest, "households": households, "cases": cases,
                "unreadable": unreadable,
            }));
            return Ok(());
        }
        outln!("記録データ {}  (schema {schema}/{latest})", v.dir().display());
        outln!("  機関: {agency}  担当者: {}", v.worker_name());
        outln!("  世帯 {households}、ケース {cases}");
        if !unreadable.is_empty() {
            outln!("  ⚠ 読み取れない記録 {} 件（一覧には出ません）:", unreadable.len());
            for u in &unreadable {
                outln!("    {}  {}  {}", u.etype, u.id, u.scope);
            }
        }
        Ok(())
    }
}

impl Out {
    pub fn card_exported(&self, info: &SiteInfo, path: &std::path::Path) {
        if self.json {
            return self.print_json(&json!({ "site": info, "path": path }));
        }
        outln!(
            "機関確認ファイルを出力しました / agency check file written: {}",
            path.display()
        );
        outln!("  {}  {}", info.agency_name, info.site_name);
        outln!("  照合番号 / check number:  {}", info.fingerprint);
    }

    pub fn site(&self, s: &SiteInfo) {
        if self.json {
            return self.print_json(s);
        }
        let state = if s.own {
            "この端末"
        } else if s.revoked {
            "失効"
        } else if s.verified {
            "確認済み"
        } else {
            "未確認"
        };
        outln!("{}  {}  {}  [{}]", s.site, s.agency_name, s.site_name, state);
        outln!("  照合番号 / check number:  {}", s.fingerprint);
        if !s.verified && !s.revoked {
            outln!(
                "  → 電話等で相手と照合番号を読み合わせ、一致したら: kasane card verify {} --fingerprint \"…\"",
                s.site
            );
        }
    }

    pub fn sites(&self, list: &[SiteInfo]) {
        if self.json {
            return self.print_json(&list);
        }
        for s in list {
            self.site(s);
        }
    }

    pub fn shares(&self, list: &[Share]) {
        if self.json {
            return self.print_json(&list);
        }
        for s in list {
            let state = if s.active {
                format!("共有中 {}〜", date_cell(&s.since))
            } else {
                format!("終了 {}", s.removed.map(|d| date_cell(&d)).unwrap_or_default())
            };
            outln!("{}  {}  {}  [{}]", s.agency, s.agency_name, s.basis.label_ja(), state);
        }
    }

    pub fn exported(&self, r: &ExportReport) {
        if self.json {
            return self.print_json(r);
        }
        outln!(
            "連携ファイルを出力しました / exchange file written: {} ({} bytes)",
            r.path.display(),
            r.bytes
        );
        outln!(
            "  宛先: {} ({} 端末)  範囲: ケース・世帯など {} 件、{} 区切り、{} 操作{}",
            r.agency_name,
            r.recipients.len(),
            r.scopes,
            r.segments,
            r.ops,
            if r.full { "（全件）" } else { "" }
        );
        if !r.purges.is_empty() {
            outln!("  削除依頼 / purge requests: {}", r.purges.join(", "));
        }
    }

    pub fn preview(&self, p: &Preview) {
        if self.json {
            return self.print_json(p);
        }
        let who = p
            .sender_agency_name
            .as_deref()
            .unwrap_or("不明な送信元 / unknown sender");
        let state = if !p.sender_known {
            "機関確認ファイル未登録"
        } else if p.sender_revoked {
            "失効"
        } else if p.sender_verified {
            "確認済み"
        } else {
            "未確認（取り込むと保留になります）"
        };
        outln!(
            "連携ファイル {}  送信元: {} {} [{}]",
            p.bundle,
            who,
            p.sender_site_name.as_deref().unwrap_or(""),
            state
        );
        outln!(
            "  作成: {}  形式: {}  {} bytes",
            jiff::Timestamp::from_millisecond(p.created)
                .map(|t| stamp(t, false))
                .unwrap_or_default(),
            p.format,
            p.bytes
        );
        if let Some(problem) = &p.problem {
            outln!("  ⚠ {problem}");
            return;
        }
        if p.contents_hidden {
            outln!(
                "  中身は照合番号を確認するまで表示しません / contents are shown once the check number is compared (kasane card verify)"
            );
            return;
        }
        outln!(
            "  {} 区切り、{} 操作: {}",
            p.segments,
            p.ops,
            p.scopes
                .iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if p.already_imported {
            outln!("  取り込み済み / already imported");
        }
        if !p.purge.is_empty() {
            outln!("  削除依頼 / purge requests: {}", p.purge.join(", "));
        }
    }

    pub fn imported(&self, s: &ImportSummary) {
        if self.json {
            return self.print_json(s);
        }
        outln!(
            "取り込み / import: {:?}  送信元 {}",
            s.status,
            s.sender_agency_name.as_deref().unwrap_or("")
        );
        outln!(
            "  新規記録 {}、更新 {}、新しい操作 {}（既知 {}）、区切り {}",
            s.records_new,
            s.records_changed,
            s.ops_new,
            s.ops_known,
            s.segments
        );
        if !s.conflicts.is_empty() {
            outln!(
                "  ⚠ 内容の食い違い {} 件: kasane conflicts で確認してください",
                s.conflicts.len()
            );
        }
        for (r, n) in &s.held {
            outln!("  保留 / held {n}: {r}");
        }
        for (r, n) in &s.quarantined {
            outln!("  保留した区切り {n} / quarantined {n} segments: {r}");
        }
        if s.released > 0 {
            outln!("  保留から適用 / released {}", s.released);
        }
        if !s.purged.is_empty() {
            outln!("  削除 / purged: {}", s.purged.join(", "));
        }
        if s.future_ops > 0 {
            outln!("  ⚠ 時刻が未来の操作 {} 件（相手の時計を確認）", s.future_ops);
        }
    }

    pub fn inbox(&self, list: &[InboxEntry]) {
        if self.json {
            return self.print_json(&list);
        }
        for e in list {
            outln!(
                "{}  {}  {}  {}",
                e.file,
                e.status,
                e.bundle.map(|b| b.to_string()).unwrap_or_default(),
                e.reason.as_deref().unwrap_or("")
            );
        }
        if list.iter().any(|e| e.status == "failed") {
            outln!(
                "取り込みに失敗したファイルは自動ではやり直しません。原因を確かめてから `kasane inbox retry FILE` / failed files are not retried automatically: `kasane inbox retry FILE`"
            );
        }
    }

    pub fn conflicts(&self, list: &[Conflict]) {
        if self.json {
            return self.print_json(&list);
        }
        for c in list {
            outln!("{}  {}  項目: {}", c.entity, c.label, c.field);
            for v in &c.values {
                let at = jiff::Timestamp::from_millisecond(v.at_ms as i64)
                    .map(|t| stamp(t, false))
                    .unwrap_or_default();
                outln!(
                    "    {}  {}  {}  {}  (--pick {})",
                    v.value,
                    v.agency_name.as_deref().unwrap_or("?"),
                    v.worker_name.as_deref().unwrap_or(""),
                    at,
                    v.op
                );
            }
        }
        outln!("{} 件", list.len());
    }

    pub fn resolved(&self, v: &serde_json::Value) {
        if self.json {
            return self.print_json(&json!({ "ok": true, "value": v }));
        }
        outln!("解決しました / resolved: {v}");
    }

    pub fn quarantine(&self, list: &[QuarantineEntry]) {
        if self.json {
            return self.print_json(&list);
        }
        for q in list {
            outln!(
                "[{}] {}  {}  {}..={} ({}件)  {}: {}",
                q.kind,
                q.author_agency.as_deref().unwrap_or("?"),
                q.scope,
                q.first,
                q.last,
                q.count,
                q.reason,
                q.explanation
            );
        }
        outln!("{} 件", list.len());
    }

    pub fn digest(&self, d: &std::collections::BTreeMap<String, kasane::Hash32>) {
        let mut all = blake3::Hasher::new();
        for (k, v) in d {
            all.update(k.as_bytes());
            all.update(&v.0);
        }
        let total = kasane::Hash32(*all.finalize().as_bytes());
        if self.json {
            return self.print_json(&json!({ "digest": total, "scopes": d }));
        }
        for (k, v) in d {
            outln!("{k}  {v}");
        }
        outln!("digest {total}");
    }
}

impl Out {
    pub fn assessment(&self, view: &[kasane::DomainView]) {
        if self.json {
            return self.print_json(&view);
        }
        for d in view {
            outln!("■ {}（{}）", d.label_ja, d.entries.len());
            for e in &d.entries {
                outln!(
                    "  {}  {}  {}{}  緊急度:{}",
                    date_cell(&e.date),
                    e.agency_name,
                    e.seen.replace('\n', " "),
                    if e.no_contact {
                        " 【関わり・連絡を拒否（援助拒否）】"
                    } else {
                        ""
                    },
                    e.risk.map(|r| r.label_ja()).unwrap_or("-")
                );
                if let Some(n) = &e.needs {
                    outln!("      ニーズ: {n}");
                }
                if let Some(st) = &e.strengths {
                    outln!("      強み: {st}");
                }
            }
        }
    }

    pub fn changes(&self, ch: Option<&kasane::AssessmentChanges>) {
        if self.json {
            return self.print_json(&ch);
        }
        match ch {
            None => outln!("まだ会議で検討されていません / not discussed at a finalised meeting yet"),
            Some(ch) => {
                outln!(
                    "前回 {} {} 以降: 新規 {}、更新 {}、取消 {}",
                    ch.since.type_label,
                    date_cell(&ch.since.date),
                    ch.added.len(),
                    ch.revised.len(),
                    ch.retracted.len()
                );
                for (label, list) in [("新規", &ch.added), ("更新", &ch.revised), ("取消", &ch.retracted)] {
                    for e in list {
                        outln!(
                            "  [{label}] {} {} {}",
                            e.domain,
                            e.agency_name,
                            e.seen.replace('\n', " ")
                        );
                    }
                }
            }
        }
    }

    pub fn roles(&self, m: &kasane::RoleMatrix) {
        if self.json {
            return self.print_json(m);
        }
        for (i, g) in m.agencies.iter().enumerate() {
            outln!(
                "[{}] {}{}  未完了 {}  期限超過 {}",
                i + 1,
                g.name,
                if g.lead { "（主担当）" } else { "" },
                g.open,
                g.overdue
            );
        }
        outln!();
        for (a, owner) in m.actions.iter().zip(&m.owner_of) {
            let cells: String = (0..m.agencies.len())
                .map(|k| if k == *owner { "●" } else { "・" })
                .collect();
            outln!(
                "{cells}  {}  [{}]  期限 {}{}",
                a.text,
                a.status.label_ja(),
                a.due.map(|d| date_cell(&d)).unwrap_or_else(|| "-".into()),
                if a.overdue { " ⚠期限超過" } else { "" }
            );
        }
    }

    pub fn actions(&self, list: &[kasane::Action]) {
        if self.json {
            return self.print_json(&list);
        }
        for a in list {
            outln!(
                "{}  {}  {}  期限 {}  [{}]",
                a.id,
                a.owner_agency_name,
                a.text,
                a.due.map(|d| date_cell(&d)).unwrap_or_default(),
                a.status.label_ja()
            );
        }
        outln!("{} 件", list.len());
    }

    pub fn referrals(&self, list: &[kasane::Referral]) {
        if self.json {
            return self.print_json(&list);
        }
        for r in list {
            outln!(
                "{}  {} → {}  [{}]  {}  {}",
                r.id,
                date_cell(&r.date),
                r.to_name,
                r.status.label_ja(),
                r.reason,
                r.response.as_deref().unwrap_or("")
            );
        }
    }

    pub fn resources(&self, list: &[kasane::Resource]) {
        if self.json {
            return self.print_json(&list);
        }
        for r in list {
            outln!(
                "{}  [{}] {}  {}  {}",
                r.id,
                r.kind,
                r.name,
                r.district.as_deref().map(district_name).unwrap_or_default(),
                r.contact.as_deref().unwrap_or("")
            );
        }
    }

    pub fn meetings(&self, list: &[kasane::Meeting]) {
        if self.json {
            return self.print_json(&list);
        }
        for m in list {
            outln!(
                "{}  {} {}  {}  {}{}",
                m.id,
                date_cell(&m.date),
                m.time.as_deref().unwrap_or(""),
                m.type_label,
                m.place,
                if m.finalised.is_some() { "  [確定]" } else { "" }
            );
        }
    }

    pub fn meeting(&self, d: &kasane::MeetingDetail) {
        if self.json {
            return self.print_json(d);
        }
        let m = &d.meeting;
        let name = |a: &Uuid| d.agency_names.get(a).cloned().unwrap_or_else(|| a.to_string());
        outln!(
            "{}  {}({}) {} ({})  {}",
            m.type_label,
            kasane::wareki(m.date),
            kasane::weekday_ja(m.date),
            m.time.as_deref().unwrap_or(""),
            m.date,
            m.place
        );
        outln!("  根拠: {}  守秘義務: {}", m.legal_basis, m.confidentiality);
        outln!(
            "  出席機関: {}",
            m.attendees.iter().map(name).collect::<Vec<_>>().join("、")
        );
        if m.finalised.is_some() {
            outln!("  [確定済み・読み取り専用]");
        }
        for (i, e) in d.agenda.iter().enumerate() {
            outln!(
                "  {}. {}分  {}  {}  ({})  {}{}",
                i + 1,
                e.item.minutes,
                e.household_label,
                e.title,
                e.item.reasons.join(","),
                e.item
                    .next_review
                    .map(|r| format!("次回 {}", date_cell(&r)))
                    .unwrap_or_default(),
                if e.needs_review_date {
                    "  ⚠次回見直し未設定"
                } else {
                    ""
                }
            );
        }
        outln!("  合計 {} 分", d.total_minutes);
    }

    pub fn proposals(&self, list: &[kasane::Proposal]) {
        if self.json {
            return self.print_json(&list);
        }
        for p in list {
            outln!(
                "{}  {}  {}  主担当:{}{}",
                p.case,
                p.household_label,
                p.title,
                p.lead_agency_name,
                if p.on_agenda {
                    "  [検討ケースに追加済み]"
                } else {
                    ""
                }
            );
            for r in &p.reasons {
                outln!("    - {}: {}", r.label_ja, r.detail);
            }
        }
        outln!("{} 件", list.len());
    }

    pub fn pack(&self, v: &Vault, results: &[kasane::PackResult]) {
        if self.json {
            let list: Vec<serde_json::Value> = results
                .iter()
                .map(|(a, r)| match r {
                    Ok(rep) => json!({ "agency": a, "ok": true, "report": rep }),
                    Err(e) => json!({ "agency": a, "ok": false, "reason": e }),
                })
                .collect();
            return self.print_json(&list);
        }
        for (a, r) in results {
            let name = v.agency(*a).map(|x| x.name).unwrap_or_default();
            match r {
                Ok(rep) => outln!("{name}: {} ({} ops)", rep.path.display(), rep.ops),
                Err(e) => outln!("{name}: 出力できませんでした / not written: {e}"),
            }
        }
    }

    pub fn ledger(&self, rows: &[kasane::LedgerRow]) {
        if self.json {
            return self.print_json(&rows);
        }
        for r in rows {
            outln!(
                "{}  {}  {}  主担当:{}  [{}]  緊急度:{}  前回:{}  次回:{}{}  未完了:{}  超過:{}",
                r.case,
                r.household_label,
                r.title,
                r.lead_agency_name,
                r.status.label_ja(),
                r.risk.map(|x| x.label_ja()).unwrap_or("-"),
                r.last_review.map(|d| date_cell(&d)).unwrap_or_else(|| "-".into()),
                r.next_review.map(|d| date_cell(&d)).unwrap_or_else(|| "-".into()),
                if r.review_overdue { "⚠" } else { "" },
                r.open_actions,
                r.overdue_actions
            );
        }
        outln!("{} 件", rows.len());
    }
}

fn print_person_line(p: &Person) {
    let age = p.age.map(|a| format!("{a}歳")).unwrap_or_else(|| "年齢不明".into());
    let birth = match (&p.birth, &p.birth_wareki) {
        (Some(b), Some(w)) => format!("{w} ({b})"),
        _ => "-".into(),
    };
    let flags = format!(
        "{}{}",
        if p.living_together { "" } else { " 別居" },
        p.deceased.map(|d| format!(" 死亡 {d}")).unwrap_or_default()
    );
    outln!(
        "  {}  {}（{}）  {}  {}  {}  {}{}",
        p.id,
        p.full_name(),
        p.full_kana(),
        p.relation,
        p.sex.label_ja(),
        birth,
        age,
        flags
    );
}
