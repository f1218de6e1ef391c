//! Printable documents for meetings and the ledger: the agenda (次第), the per-case prep pack
//! (household summary with genogram, assessment changes since last time, open actions by
//! agency, last decisions), the minutes (記録), the case ledger (進行管理台帳) and the conference
//! rosters (構成員名簿). Each is one self-contained HTML file for A4 printing or "print to PDF".

mod cycle;
mod genogram;
mod html;
mod request;
mod saved;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use uuid::Uuid;

pub use html::PAGE_MARGINS_MM;
use html::{Document, esc, paragraphs};

use crate::{
    Error, Vault,
    ja::wareki,
    meeting::{LedgerFilter, MeetingDetail},
    record::{self, RecordError},
};

/// Said wherever a printable document leaves Kasane as a file (the CLI's `--out`, the app's print
/// preview): the document is plain HTML, outside the encrypted case records.
pub const PRINTOUT_NOTICE_JA: &str = "このファイルは暗号化されていません。印刷後は削除してください";
pub const PRINTOUT_NOTICE_EN: &str = "This file is not encrypted. Delete it after printing.";

/// What to print for a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintWhat {
    Agenda,
    /// Prep pack for every case on the agenda, or one case.
    Pack(Option<Uuid>),
    Minutes,
}

impl PrintWhat {
    pub fn parse(s: &str, case: Option<Uuid>) -> Result<PrintWhat, RecordError> {
        match s.trim() {
            "agenda" | "次第" => Ok(PrintWhat::Agenda),
            "pack" | "資料" => Ok(PrintWhat::Pack(case)),
            "minutes" | "記録" => Ok(PrintWhat::Minutes),
            other => Err(RecordError::BadChoice {
                field: "document",
                value: other.into(),
                allowed: "agenda (次第) | pack (資料) | minutes (記録)",
            }),
        }
    }
}

fn date_text(d: jiff::civil::Date) -> String {
    format!("{}（{}）", wareki(d), crate::ja::weekday_ja(d))
}

fn names(d: &MeetingDetail, ids: &[Uuid]) -> String {
    ids.iter()
        .map(|a| d.agency_names.get(a).cloned().unwrap_or_else(|| a.to_string()))
        .collect::<Vec<_>>()
        .join("、")
}

fn meeting_facts(d: &MeetingDetail) -> String {
    let m = &d.meeting;
    let mut s = String::from("<dl class=\"facts\">");
    let _ = write!(
        s,
        "<dt>日時</dt><dd>{} {}</dd>",
        esc(&date_text(m.date)),
        esc(m.time.as_deref().unwrap_or(""))
    );
    let _ = write!(s, "<dt>場所</dt><dd>{}</dd>", esc(&m.place));
    let _ = write!(
        s,
        "<dt>会議</dt><dd>{}（根拠：{}）</dd>",
        esc(&m.type_label),
        esc(&m.legal_basis)
    );
    if let Some(c) = m.chair {
        let _ = write!(s, "<dt>座長（進行）</dt><dd>{}</dd>", esc(&names(d, &[c])));
    }
    let _ = write!(s, "<dt>事務局</dt><dd>{}</dd>", esc(&names(d, &[m.coordinator])));
    let _ = write!(s, "<dt>出席機関</dt><dd>{}</dd>", esc(&names(d, &m.attendees)));
    let _ = write!(s, "<dt>守秘義務</dt><dd>{}</dd>", esc(&m.confidentiality));
    s.push_str("</dl>");
    s
}

fn reason_label(code: &str) -> &'static str {
    match code {
        "review-due" => "見直し期日",
        "new-case" => "新規ケース",
        "overdue-actions" => "期限超過の支援内容",
        "flagged" => "協議の依頼",
        "propose-close" => "終結の提案",
        _ => "追加",
    }
}

impl Vault {
    /// Writes a printable document to `path`, readable by its owner alone (0600 where the system
    /// has Unix modes). A file already there is replaced whole (write beside it, then rename), so
    /// its old, wider mode does not carry over. The file is not encrypted: say so
    /// ([`PRINTOUT_NOTICE_JA`]) to whoever asked for it.
    pub fn save_printout(&self, path: &std::path::Path, html: &str) -> std::io::Result<()> {
        crate::durable::replace(path, html.as_bytes(), self.ambient.entropy.u64())
    }

    /// A meeting document as HTML, `copies` numbered handouts. Printing is audited.
    pub fn print_meeting(&mut self, meeting: Uuid, what: PrintWhat, copies: u32) -> Result<String, Error> {
        let d = self.meeting_detail_quiet(meeting)?;
        let m = &d.meeting;
        let mut sections = Vec::new();
        let title = match what {
            PrintWhat::Agenda => {
                let mut s = format!("<h1>{} 次第</h1>{}", esc(&m.type_label), meeting_facts(&d));
                s.push_str("<h2>検討ケース</h2><table class=\"grid\"><thead><tr><th class=\"num\">No.</th><th>世帯</th><th>ケース</th><th>主担当</th><th>提案理由</th><th class=\"num\">時間</th></tr></thead><tbody>");
                for (i, e) in d.agenda.iter().enumerate() {
                    let reasons = e
                        .item
                        .reasons
                        .iter()
                        .map(|r| reason_label(r))
                        .collect::<Vec<_>>()
                        .join("・");
                    let _ = write!(
                        s,
                        "<tr class=\"keep\"><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td><td class=\"num\">{}分</td></tr>",
                        i + 1,
                        esc(&e.household_label),
                        esc(&e.title),
                        esc(&e.lead_agency_name),
                        esc(&reasons),
                        e.item
                            .note
                            .as_deref()
                            .map(|n| format!("<br><span class=\"muted\">{}</span>", esc(n)))
                            .unwrap_or_default(),
                        e.item.minutes
                    );
                }
                let _ = write!(s, "</tbody></table><p class=\"total\">合計 {}分</p>", d.total_minutes);
                sections.push(s);
                format!("{} 次第 {}", m.type_label, m.date)
            }
            PrintWhat::Pack(only) => {
                let cases: Vec<Uuid> = match only {
                    Some(c) => vec![c],
                    None => d.agenda.iter().map(|e| e.item.case).collect(),
                };
                for c in cases {
                    sections.push(self.prep_pack(c, &d)?);
                }
                format!("{} ケース資料 {}", m.type_label, m.date)
            }
            PrintWhat::Minutes => {
                sections.push(self.minutes(&d)?);
                format!("{} 記録 {}", m.type_label, m.date)
            }
        };
        let page_per_section = matches!(what, PrintWhat::Pack(_));
        let doc = Document {
            title: title.clone(),
            subtitle: format!("{} {}", m.type_label, wareki(m.date)),
            confidentiality: m.confidentiality.clone(),
            sections,
            page_per_section,
            handout: true,
        };
        self.audit_now("print", Some(meeting.to_string()), Some(format!("{title} ×{copies}")))?;
        Ok(doc.render(copies))
    }

    fn prep_pack(&self, case: Uuid, d: &MeetingDetail) -> Result<String, Error> {
        let c = self.case_quiet(case)?;
        let h = self.household(c.household)?;
        let today = self.ambient.clock.today();
        let mut members: Vec<record::Person> = record::load_all(&self.conn, "person", Some(c.household))?
            .iter()
            .filter_map(|st| record::view::<record::Person>(st).ok().map(|p| p.with_age(today)))
            .collect();
        members.retain(|p| !p.archived);
        members.sort_by(|a, b| {
            (a.relation != "本人")
                .cmp(&(b.relation != "本人"))
                .then(a.birth.cmp(&b.birth))
        });
        let relations: Vec<record::Relation> = record::load_all(&self.conn, "relation", Some(c.household))?
            .iter()
            .filter_map(|st| record::view::<record::Relation>(st).ok())
            .collect();
        let lead = d.agency_names.get(&c.lead_agency).cloned().unwrap_or_default();
        let problems = c
            .problems
            .iter()
            .map(|p| crate::reference::problem(p).map(|x| x.label_ja).unwrap_or(p))
            .collect::<Vec<_>>()
            .join("・");
        let mut s = String::from("<section class=\"case\">");
        let _ = write!(s, "<h1>{}　{}</h1>", esc(&h.label), esc(&c.title));
        let _ = write!(
            s,
            "<dl class=\"facts\"><dt>主担当機関</dt><dd>{}</dd><dt>状況</dt><dd>{}　緊急度：{}</dd><dt>課題</dt><dd>{}</dd><dt>受付日</dt><dd>{}</dd><dt>次回見直し</dt><dd>{}</dd></dl>",
            esc(&lead),
            c.status.label_ja(),
            c.risk.map(|r| r.label_ja()).unwrap_or("—"),
            esc(&problems),
            esc(&wareki(c.opened)),
            c.next_review.map(|r| esc(&wareki(r))).unwrap_or_else(|| "—".into())
        );
        s.push_str("<h2>世帯の状況</h2><table class=\"grid\"><thead><tr><th>続柄</th><th>氏名</th><th>ふりがな</th><th class=\"num\">年齢</th><th>生年月日</th><th>同居</th></tr></thead><tbody>");
        for p in &members {
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
                esc(&p.relation),
                esc(&p.full_name()),
                if p.deceased.is_some() { "（故）" } else { "" },
                esc(&crate::ja::to_hiragana(&p.full_kana())),
                p.age.map(|a| format!("{a}歳")).unwrap_or_else(|| "—".into()),
                esc(p.birth_wareki.as_deref().unwrap_or("—")),
                if p.living_together { "同居" } else { "別居" }
            );
        }
        s.push_str("</tbody></table>");
        s.push_str(&genogram::svg(&members, &relations));
        s.push_str("<h2>見立ての変化（前回検討以降）</h2>");
        match self.assessment_changes(case)? {
            None => {
                let entries = self
                    .assessment_entries(case)?
                    .into_iter()
                    .filter(|e| !e.retracted)
                    .collect::<Vec<_>>();
                s.push_str("<p class=\"muted\">初めての検討です。現在の見立て：</p>");
                s.push_str(&assessment_table(&entries));
            }
            Some(ch) if ch.added.is_empty() && ch.revised.is_empty() && ch.retracted.is_empty() => {
                let _ = write!(
                    s,
                    "<p>前回（{}）以降、見立ての変更はありません。</p>",
                    esc(&wareki(ch.since.date))
                );
            }
            Some(ch) => {
                let _ = write!(
                    s,
                    "<p class=\"muted\">前回：{} {}</p>",
                    esc(&ch.since.type_label),
                    esc(&wareki(ch.since.date))
                );
                if !ch.added.is_empty() {
                    s.push_str("<h3>新しい見立て</h3>");
                    s.push_str(&assessment_table(&ch.added));
                }
                if !ch.revised.is_empty() {
                    s.push_str("<h3>更新された見立て</h3>");
                    s.push_str(&assessment_table(&ch.revised));
                }
                if !ch.retracted.is_empty() {
                    s.push_str("<h3>取り消された見立て</h3>");
                    s.push_str(&assessment_table(&ch.retracted));
                }
            }
        }
        s.push_str("<h2>役割分担（未完了）</h2>");
        let actions = self.actions_of(case)?;
        let mut by_agency: BTreeMap<String, Vec<&record::Action>> = BTreeMap::new();
        for a in actions.iter().filter(|a| a.status.is_open()) {
            by_agency.entry(a.owner_agency_name.clone()).or_default().push(a);
        }
        if by_agency.is_empty() {
            s.push_str("<p>未完了の支援内容はありません。</p>");
        } else {
            s.push_str("<table class=\"grid\"><thead><tr><th>機関</th><th>支援内容</th><th>期限</th><th>状況</th></tr></thead><tbody>");
            for (agency, list) in &by_agency {
                for a in list {
                    let _ = write!(
                        s,
                        "<tr><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td></tr>",
                        esc(agency),
                        esc(&a.text),
                        a.due.map(|d| esc(&wareki(d))).unwrap_or_else(|| "—".into()),
                        if a.overdue {
                            " <span class=\"warn\">期限超過</span>"
                        } else {
                            ""
                        },
                        a.status.label_ja()
                    );
                }
            }
            s.push_str("</tbody></table>");
        }
        s.push_str("<h2>前回の決定事項</h2>");
        match self.last_discussion(case)? {
            Some((m, _)) => {
                let item = self
                    .meeting_detail_quiet(m.id)?
                    .agenda
                    .into_iter()
                    .find(|e| e.item.case == case);
                let decisions = item.as_ref().map(|e| e.item.decisions.clone()).unwrap_or_default();
                let _ = write!(
                    s,
                    "<p class=\"muted\">{} {}</p>",
                    esc(&m.type_label),
                    esc(&wareki(m.date))
                );
                if decisions.is_empty() {
                    s.push_str("<p>記録された決定事項はありません。</p>");
                } else {
                    s.push_str("<ul>");
                    for dcs in decisions {
                        let _ = write!(s, "<li>{}</li>", esc(&dcs));
                    }
                    s.push_str("</ul>");
                }
            }
            None => s.push_str("<p>前回の検討はありません。</p>"),
        }
        s.push_str("</section>");
        Ok(s)
    }

    fn minutes(&self, d: &MeetingDetail) -> Result<String, Error> {
        let m = &d.meeting;
        let mut s = format!("<h1>{} 記録</h1>", esc(&m.type_label));
        match m.finalised {
            Some(f) => {
                let _ = write!(s, "<p class=\"muted\">確定：{}</p>", esc(&wareki(f)));
            }
            None => s.push_str("<p class=\"warn\">（未確定の記録）</p>"),
        }
        s.push_str(&meeting_facts(d));
        let _ = write!(
            s,
            "<h2>出欠</h2><dl class=\"facts\"><dt>出席</dt><dd>{}</dd><dt>欠席</dt><dd>{}</dd><dt>オブザーバー</dt><dd>{}</dd></dl>",
            esc(&names(d, &m.present)),
            esc(&names(d, &m.apologies)),
            esc(&m.observers.join("、"))
        );
        for (i, e) in d.agenda.iter().enumerate() {
            let _ = write!(
                s,
                "<div class=\"keep\"><h2>{}. {}　{}</h2>",
                i + 1,
                esc(&e.household_label),
                esc(&e.title)
            );
            match &e.item.discussion {
                Some(t) => {
                    s.push_str("<h3>協議内容</h3>");
                    s.push_str(&paragraphs(t));
                }
                None => s.push_str("<p class=\"muted\">協議内容の記録なし</p>"),
            }
            if !e.item.decisions.is_empty() {
                s.push_str("<h3>決定事項</h3><ul>");
                for dcs in &e.item.decisions {
                    let _ = write!(s, "<li>{}</li>", esc(dcs));
                }
                s.push_str("</ul>");
            }
            let actions: Vec<record::Action> = self
                .actions_of(e.item.case)?
                .into_iter()
                .filter(|a| a.meeting == Some(m.id))
                .collect();
            if !actions.is_empty() {
                s.push_str("<h3>役割分担</h3><table class=\"grid\"><thead><tr><th>機関</th><th>担当者</th><th>支援内容</th><th>期限</th></tr></thead><tbody>");
                for a in &actions {
                    let _ = write!(
                        s,
                        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        esc(&a.owner_agency_name),
                        esc(a.owner_worker.as_deref().unwrap_or("")),
                        esc(&a.text),
                        a.due.map(|d| esc(&wareki(d))).unwrap_or_else(|| "—".into())
                    );
                }
                s.push_str("</tbody></table>");
            }
            match e.item.next_review {
                Some(r) => {
                    let _ = write!(s, "<p><strong>次回見直し：</strong>{}</p>", esc(&date_text(r)));
                }
                None if e.needs_review_date => s.push_str("<p class=\"warn\">次回見直し日が未設定です</p>"),
                None => s.push_str("<p>終結</p>"),
            }
            s.push_str("</div>");
        }
        if !d.corrections.is_empty() {
            s.push_str("<h2>訂正</h2><ul>");
            for c in &d.corrections {
                let _ = write!(
                    s,
                    "<li>{}：{}（{}）</li>",
                    esc(&wareki(c.date)),
                    esc(&c.text),
                    esc(&names(d, &[c.agency]))
                );
            }
            s.push_str("</ul>");
        }
        Ok(s)
    }

    /// The case ledger as a printable HTML table; its dates in 和暦 as municipal tables write
    /// them (R8.11.25).
    pub fn print_ledger(&mut self, filter: &LedgerFilter, copies: u32) -> Result<String, Error> {
        let rows = self.ledger(filter)?;
        let today = self.ambient.clock.today();
        let mut s = format!(
            "<h1>進行管理台帳</h1><p class=\"muted\">{} 現在　{} 件</p>",
            esc(&wareki(today)),
            rows.len()
        );
        s.push_str("<table class=\"grid\"><thead><tr><th>世帯</th><th>ケース</th><th>主担当</th><th>状況</th><th>緊急度</th><th>前回検討</th><th>次回見直し</th><th class=\"num\">未完了</th><th class=\"num\">期限超過</th></tr></thead><tbody>");
        for r in &rows {
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(&r.household_label),
                esc(&r.title),
                esc(&r.lead_agency_name),
                r.status.label_ja(),
                r.risk.map(|x| x.label_ja()).unwrap_or("—"),
                r.last_review.map(short_wareki).unwrap_or_else(|| "—".into()),
                r.next_review.map(short_wareki).unwrap_or_else(|| "—".into()),
                if r.review_overdue {
                    " <span class=\"tag warn\">超過</span>"
                } else {
                    ""
                },
                r.open_actions,
                if r.overdue_actions > 0 {
                    format!("<span class=\"warn\">{}</span>", r.overdue_actions)
                } else {
                    "0".into()
                }
            );
        }
        s.push_str("</tbody></table>");
        let doc = Document {
            title: format!("進行管理台帳 {}", wareki(today)),
            subtitle: "進行管理台帳".into(),
            confidentiality: "関係機関限り。個人情報を含むため取扱いに注意してください。".into(),
            sections: vec![s],
            page_per_section: false,
            handout: true,
        };
        self.audit_now("print", None, Some(format!("ledger ×{copies}")))?;
        Ok(doc.render(copies))
    }
}

impl Vault {
    /// The rosters (構成員名簿) this vault follows, one table per conference whose law needs
    /// one: member agencies, from when to when, under which 要綱; members on `on` marked.
    pub fn print_rosters(&mut self, on: crate::ja::Date, copies: u32) -> Result<String, Error> {
        let entries = self.rosters()?;
        let keeper = self.roster_keeper()?;
        let keeper_name = self
            .agency(keeper)
            .map(|a| a.name)
            .unwrap_or_else(|_| keeper.to_string());
        let names: HashMap<Uuid, String> = self.agencies()?.into_iter().map(|a| (a.id, a.name)).collect();
        let mut sections = Vec::new();
        for t in crate::reference::conference_types()
            .iter()
            .filter(|t| record::roster_basis(t.code).is_some())
        {
            let rows: Vec<&record::RosterEntry> = entries.iter().filter(|e| e.conference == t.code).collect();
            let mut s = format!(
                "<h1>構成員名簿　{}</h1><p class=\"muted\">根拠：{}　管理：{}　{} 現在</p>",
                esc(t.label_ja),
                esc(t.legal_basis),
                esc(&keeper_name),
                esc(&wareki(on))
            );
            if rows.is_empty() {
                s.push_str(
                    "<p>名簿は登録されていません。登録されるまで、この会議の出席機関は名簿で確かめられません。</p>",
                );
            } else {
                s.push_str("<table class=\"grid\"><thead><tr><th>機関</th><th>開始</th><th>終了</th><th>要綱など</th><th>この日</th></tr></thead><tbody>");
                for e in rows {
                    let _ = write!(
                        s,
                        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        esc(names.get(&e.agency).map_or("（不明な機関）", String::as_str)),
                        esc(&wareki(e.from)),
                        e.to.map(|d| esc(&wareki(d))).unwrap_or_else(|| "—".into()),
                        esc(&e.charter),
                        if e.covers(on) { "構成員" } else { "期間外" }
                    );
                }
                s.push_str("</tbody></table>");
            }
            sections.push(s);
        }
        let doc = Document {
            title: format!("構成員名簿 {on}"),
            subtitle: "構成員名簿".into(),
            confidentiality: "関係機関限り。".into(),
            sections,
            page_per_section: true,
            handout: true,
        };
        self.audit_now("print", None, Some(format!("rosters ×{copies}")))?;
        Ok(doc.render(copies))
    }
}

impl Vault {
    /// The consent form (同意書) for the person to sign: whose information, for what, to whom,
    /// which kinds, from when to when, with lines for the person (or their proxy), the worker who
    /// explained it and a witness. Printed from the terms before they are recorded, or from a
    /// recorded consent.
    pub fn print_consent_form(&mut self, draft: &record::NewConsent, copies: u32) -> Result<String, Error> {
        let household = crate::record::load_one(&self.conn, draft.person, "person")?
            .parent
            .ok_or(RecordError::NotFound(draft.person))?;
        let person = self
            .members_of(household)?
            .into_iter()
            .find(|p| p.id == draft.person)
            .ok_or(RecordError::NotFound(draft.person))?;
        let me = self.agency(self.me.agency)?.name;
        let mut agencies = Vec::with_capacity(draft.agencies.len());
        for a in &draft.agencies {
            agencies.push(self.agency(*a)?.name);
        }
        let list =
            |items: Vec<&str>| -> String { items.iter().map(|i| format!("<li>{}</li>", esc(i))).collect::<String>() };
        let boxes = |all: &[(&str, bool)]| -> String {
            all.iter()
                .map(|(label, on)| format!("{}{}　", if *on { "☑" } else { "☐" }, esc(label)))
                .collect::<String>()
        };
        let purposes: Vec<(&str, bool)> = record::ConsentPurpose::ALL
            .iter()
            .map(|p| (p.label_ja(), draft.purposes.contains(p)))
            .collect();
        let kinds: Vec<(&str, bool)> = record::InfoKind::ALL
            .iter()
            .map(|k| (k.label_ja(), draft.kinds.contains(k)))
            .collect();
        let mut s = String::new();
        let _ = write!(
            s,
            "<h1>同意書</h1><p class=\"muted\">（あて先）{}</p>\
             <p>私は、下記の目的のために、下記の機関が{}さんに関する下記の情報を共有し、支援に用いることに同意します。</p>\
             <table class=\"grid\"><tbody>\
             <tr><th>本人</th><td>{}（{}）　生年月日 {}</td></tr>\
             <tr><th>目的</th><td>{}</td></tr>\
             <tr><th>共有する機関</th><td><ul>{}</ul></td></tr>\
             <tr><th>情報の種類</th><td>{}</td></tr>\
             <tr><th>期間</th><td>{} から {} まで</td></tr>\
             <tr><th>同意の内容</th><td>{}</td></tr>\
             </tbody></table>\
             <p>この同意は、いつでも撤回できます。撤回したときは、その日から共有を止め、共有先には情報の削除を求めます。撤回しても、それまでに受けた支援に不利益はありません。</p>",
            esc(&me),
            esc(&person.full_name()),
            esc(&person.full_name()),
            esc(&person.relation),
            esc(&person.birth.map(|b| b.wareki()).unwrap_or_else(|| "不明".into())),
            boxes(&purposes),
            list(agencies.iter().map(String::as_str).collect()),
            boxes(&kinds),
            esc(&wareki(draft.date)),
            esc(&wareki(draft.until)),
            esc(&draft.scope),
        );
        let proxy = match draft.given_by {
            record::ConsentGiver::Person => "代理人（氏名・本人との関係）：＿＿＿＿＿＿＿＿＿＿＿＿".to_string(),
            g => format!(
                "{}：{}（本人との関係：{}）　署名：＿＿＿＿＿＿＿＿＿＿＿＿",
                g.label_ja(),
                esc(draft.giver_name.as_deref().unwrap_or("")),
                esc(draft.giver_relation.as_deref().unwrap_or(""))
            ),
        };
        let _ = write!(
            s,
            "<p>{}　　年　　月　　日</p>\
             <p>本人署名：＿＿＿＿＿＿＿＿＿＿＿＿＿＿</p>\
             <p>{}</p>\
             <p>説明した職員（{}）：＿＿＿＿＿＿＿＿＿＿＿＿</p>\
             <p>立会人：{}</p>",
            // The era of the day it is printed for (令和 …), for the date the person writes in.
            esc(&wareki(draft.date)
                .chars()
                .take_while(|c| !c.is_ascii_digit() && *c != '元')
                .collect::<String>()),
            proxy,
            esc(&me),
            draft
                .witness
                .as_deref()
                .map(esc)
                .unwrap_or_else(|| "＿＿＿＿＿＿＿＿＿＿＿＿".into()),
        );
        self.personal_printout(
            format!("同意書 {}", person.full_name()),
            "同意書",
            s,
            (draft.person, "consent form"),
            copies,
        )
    }

    /// One A4 document of personal information (取扱注意), printed `copies` times; the print is
    /// audited as `what` about `about`.
    fn personal_printout(
        &mut self,
        title: String,
        subtitle: &str,
        section: String,
        (about, what): (Uuid, &str),
        copies: u32,
    ) -> Result<String, Error> {
        let doc = Document {
            title,
            subtitle: subtitle.into(),
            confidentiality: "取扱注意　個人情報を含みます。".into(),
            sections: vec![section],
            page_per_section: true,
            handout: false,
        };
        // A case form is filed or handed to the person, not collected after a meeting: its foot
        // says who printed it and when, as a copy on file must.
        let agency = self.agency(self.me.agency).map(|a| a.name).unwrap_or_default();
        let foot = format!("出力：{agency}　{}", wareki(self.ambient.clock.today()));
        self.audit_now("print", Some(about.to_string()), Some(format!("{what} ×{copies}")))?;
        Ok(doc.render_footed(copies, &foot))
    }
}

impl Vault {
    /// The disclosure ledger of a case on paper, for the privacy review and a person's 開示請求.
    pub fn print_disclosure_ledger(&mut self, case: Uuid, copies: u32) -> Result<String, Error> {
        let c = self.case_quiet(case)?;
        let household = self.household(c.household).map(|h| h.label).unwrap_or_default();
        let rows = self.disclosure_ledger(case)?;
        let mut s = format!(
            "<h1>情報提供の記録</h1><p class=\"muted\">{}　{}　主担当：{}</p>",
            esc(&household),
            esc(&c.title),
            esc(&self.agency(c.lead_agency).map(|a| a.name).unwrap_or_default()),
        );
        if rows.is_empty() {
            s.push_str("<p>このケースの記録を他の機関に提供したことはありません。</p>");
        } else {
            s.push_str("<table class=\"grid\"><thead><tr><th>提供先</th><th>提供したもの</th><th>根拠</th><th>目的</th><th>開始</th><th>終了</th><th>終了の理由</th></tr></thead><tbody>");
            for r in &rows {
                let _ = write!(
                    s,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&r.agency_name),
                    if r.without_progress_notes {
                        format!("{}（支援経過を除く）", r.what.label_ja())
                    } else {
                        r.what.label_ja().to_string()
                    },
                    esc(&r.basis_ja),
                    r.purpose.map(|p| esc(p.label_ja())).unwrap_or_else(|| "—".into()),
                    esc(&wareki(r.from)),
                    r.until.map(|d| esc(&wareki(d))).unwrap_or_else(|| match r.what {
                        crate::DisclosureKind::Meeting => "（会議当日）".into(),
                        crate::DisclosureKind::CaseRecords => match r.last_day {
                            Some(d) => format!("継続中（会議のための提供：{}まで）", esc(&wareki(d))),
                            None => "継続中".into(),
                        },
                    }),
                    esc(r.ended_reason.as_deref().unwrap_or("")),
                );
            }
            s.push_str("</tbody></table>");
        }
        self.personal_printout(
            format!("情報提供の記録 {}", c.title),
            "情報提供の記録",
            s,
            (case, "disclosure ledger"),
            copies,
        )
    }
}

impl Vault {
    /// The 終結 sheet of a closed case: when and why it closed, who keeps watching, how the
    /// plan's goals ended and the contact attempts, with signature lines for the lead.
    pub fn print_closure(&mut self, case: Uuid, copies: u32) -> Result<String, Error> {
        let c = self.case_quiet(case)?;
        let Some(k) = c.closure.clone() else {
            return Err(RecordError::Refused(record::msg!(
                ja: "このケースは終結していません。終結してから印刷してください",
                en: "this case is not closed; close it before printing its closing sheet"
            ))
            .into());
        };
        let household = self.household(c.household).map(|h| h.label).unwrap_or_default();
        let lead = self.agency(c.lead_agency).map(|a| a.name).unwrap_or_default();
        let goals = self.goals_of(case)?;
        let versions = self.plan_versions(case)?;
        let version_of = |g: &record::Goal| {
            g.plan
                .and_then(|p| versions.iter().find(|v| v.id == p))
                .map(|v| format!("第{}版", v.number))
                .unwrap_or_default()
        };
        let outreach = record::OutreachSummary::of(&self.notes_quiet(case)?);
        let mut s = String::new();
        let _ = write!(
            s,
            "<h1>終結シート</h1><p class=\"muted\">{}　{}</p>\
             <table class=\"grid\"><tbody>\
             <tr><th class=\"l\">主担当機関</th><td>{}</td></tr>\
             <tr><th>支援開始日</th><td>{}</td></tr>\
             <tr><th>終結日</th><td>{}</td></tr>\
             <tr><th>終結の理由</th><td>{}</td></tr>\
             <tr><th>見守り先</th><td>{}</td></tr>\
             <tr><th>備考</th><td>{}</td></tr>\
             </tbody></table>",
            esc(&household),
            esc(&c.title),
            esc(&lead),
            esc(&wareki(c.opened)),
            esc(&wareki(k.date)),
            esc(k.reason.label_ja()),
            k.watch.as_deref().map(esc).unwrap_or_else(|| "なし".into()),
            k.note.as_deref().map(esc).unwrap_or_default(),
        );
        s.push_str("<h2>目標</h2>");
        let live: Vec<&record::Goal> = goals.iter().filter(|g| !g.retracted).collect();
        if live.is_empty() {
            s.push_str("<p>目標の記録はありません。</p>");
        } else {
            s.push_str(
                "<table class=\"grid\"><thead><tr><th>版</th><th>目標</th><th>設定日</th><th>評価</th><th>評価の理由</th></tr></thead><tbody>",
            );
            for g in live {
                let (result, why) = match &g.evaluation {
                    Some(e) => (
                        format!("{}（{}）", e.result.label_ja(), short_wareki(e.date)),
                        e.comment.clone().unwrap_or_default(),
                    ),
                    None => ("評価なし".to_string(), String::new()),
                };
                let _ = write!(
                    s,
                    "<tr><td class=\"nw\">{}</td><td>{}</td><td class=\"nw\">{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&version_of(g)),
                    esc(&g.text),
                    esc(&short_wareki(g.date)),
                    esc(&result),
                    esc(&why),
                );
            }
            s.push_str("</tbody></table>");
        }
        if outreach.attempts > 0 {
            let outcomes = outreach
                .by_outcome
                .iter()
                .map(|(o, n)| format!("{} {n}回", o.label_ja()))
                .collect::<Vec<_>>()
                .join("・");
            let _ = write!(
                s,
                "<h2>訪問・連絡</h2><p>{}回（{}）。最後に会えた日：{}</p>",
                outreach.attempts,
                esc(&outcomes),
                outreach
                    .last_met
                    .map(|d| esc(&wareki(d)))
                    .unwrap_or_else(|| "なし".into()),
            );
        }
        let _ = write!(
            s,
            "<p>確認した職員：＿＿＿＿＿＿＿＿＿＿＿＿　　所属長：＿＿＿＿＿＿＿＿＿＿＿＿</p>"
        );
        self.personal_printout(
            format!("終結シート {}", c.title),
            "終結シート",
            s,
            (case, "closing sheet"),
            copies,
        )
    }
}

fn assessment_table(entries: &[record::AssessmentEntry]) -> String {
    if entries.is_empty() {
        return "<p>記録はありません。</p>".into();
    }
    let mut s = String::from(
        "<table class=\"grid\"><thead><tr><th>領域</th><th>機関</th><th>日付</th><th>把握した状況（事実）</th><th>見立て（評価・判断）</th><th>緊急度</th></tr></thead><tbody>",
    );
    for e in entries {
        let domain = crate::reference::assessment_domain(&e.domain)
            .map(|d| d.label_ja)
            .unwrap_or(&e.domain);
        let mut needs = String::new();
        if let Some(j) = &e.judgement {
            needs.push_str(&esc(j));
        }
        if let Some(n) = &e.needs {
            if !needs.is_empty() {
                needs.push_str("<br>");
            }
            let _ = write!(needs, "ニーズ：{}", esc(n));
        }
        if let Some(st) = &e.strengths {
            let _ = write!(needs, "{}強み：{}", if needs.is_empty() { "" } else { "<br>" }, esc(st));
        }
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td><td>{}</td></tr>",
            esc(domain),
            esc(&e.agency_name),
            e.date,
            esc(&e.seen),
            if e.no_contact {
                " <span class=\"warn\">【関わり・連絡を拒否（援助拒否）】</span>"
            } else {
                ""
            },
            needs,
            e.risk.map(|r| r.label_ja()).unwrap_or("—")
        );
    }
    s.push_str("</tbody></table>");
    s
}

/// A full date in the short 和暦 of a table cell ("R8.11.25").
pub(crate) fn short_wareki(d: crate::ja::Date) -> String {
    crate::ja::PartialDate::from_date(d).wareki_short()
}
